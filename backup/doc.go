// Package backup is opsd's backup service: it enforces the seed's backup
// policies with AWS Backup in every account and region opsd runs in, audits
// the data stores that carry no valid BackupPolicy tag, turns on
// point-in-time recovery for production DynamoDB tables, and tells people
// about failed backup jobs and stale backups.
//
// For each policy in [Config] (by default Dev, Stg, Preprod, Prod and Mgmt:
// RPO 24 hours, RTO 4 hours, 30 days of retention), and each account and
// region, the desired state ([Desired]) is:
//   - a backup vault, encrypted with the policy's KMS key (or the AWS
//     managed key), tagged as opsd's when opsd creates it;
//   - a vault lock whose minimum retention is the policy's retention: in
//     governance mode (put without ChangeableForDays, removable by users
//     with the IAM permission) unless the policy asks for compliance mode
//     (put with ChangeableForDays, at least 3, after which no one can ever
//     remove it);
//   - a backup plan, tagged as opsd's, with one rule whose schedule comes
//     from the RPO, lifecycle from the retention and windows from the RTO;
//   - a backup selection choosing the configured resource types whose
//     BackupPolicy tag equals the policy's name exactly; never an empty
//     selection, which AWS Backup reads as every resource.
//
// Deciding is pure: [Compare] returns the [Difference]s between desired and
// observed state, each fixed automatically or only reported (anything that
// would shorten retention, lower or loosen a lock, or touch a plan opsd did
// not create), and [BuildFixes] turns them into AWS calls. Acting is thin
// (act.go), and only in Apply mode; plan mode makes read-only calls only.
// opsd never deletes a vault, a recovery point or a plan; the only thing it
// deletes is a selection of its own that it has just replaced.
//
// What has been told is remembered in memory only (memory.go): after a
// restart, the first reconcile tells everything current again.
package backup
