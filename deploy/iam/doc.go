// Package iam holds the least-privilege IAM policies opsd needs and the
// tests that keep them equal to the AWS calls the code makes.
//
//   - opsd-policy.json: opsd's own role (ECS task role or instance
//     profile): assume the member roles of its organization, list the
//     organization's accounts, read the Slack token, the lease and state
//     table.
//   - member-read-policy.json, member-shutdown-patching-policy.json,
//     member-backup-monitor-dlq-policy.json: the role opsd assumes in each
//     member account (and opsd's own role when it acts in its own account).
//     member-sns-policy.json as well, only with patching.sns_topic_arn or
//     monitor.delivery_logging.role_arn.
//   - member-role-trust.json: the trust policy of that member role.
//   - replay-policy.json: the role people assume to run opsd dlq replay,
//     which reads the archive and sends its messages back to a queue. No
//     role of opsd's sends messages.
//
// The test loads every package of the module, collects the AWS SDK
// operations it can call — the methods of each narrow SDK interface
// (asserted with `var _ EC2API = (*ec2.Client)(nil)` or declared), and any
// operation called directly — maps each to its IAM action, and fails
// listing the actions the policies are missing and those they allow but
// the code never calls; and it checks each action is in the policy of the
// role the call is made with: the calls reachable from dlq.Replay are the
// replay role's, and an operation only they make is in no policy of opsd's.
// Other tests fail on a statement allowing a change on every resource
// without a condition on the resource (unless listed with the reason it
// must), a KMS statement through a service no call of the role needs, an
// sts:AssumeRole outside opsd's organization, and apigateway:GET beyond
// the paths the code reads. The CloudFormation templates and Terraform
// modules carry copies of these policies; their tests (deploy/cloudformation,
// deploy/terraform) check each copy equal to these files, statement by
// statement, through package policydoc.
package iam
