package backup

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// RestoreObjectives are the objectives of every policy of c, defaults
// filled, by policy name: what restore tests are judged against, here
// and by the audit's reliability.restore-tested check.
func (c Config) RestoreObjectives() map[string]Objectives {
	out := make(map[string]Objectives, len(c.Policies))
	for _, name := range policyNames(c.Policies) {
		p := c.Policies[name].withDefaults(name, c.NamePrefix)
		set := c.RestoreTesting.settings(p, c.BackupTimezone)
		out[name] = Objectives{RTO: p.RTO, RPO: p.RPO, ColdStorageAfterDays: p.ColdStorageAfterDays,
			RetentionDays: p.RetentionDays, ValidationWindow: time.Duration(set.validationWindowHours) * time.Hour}
	}
	return out
}

// RestorePlanName is the name of the restore testing plan opsd keeps for
// policy ("Prod" → "opsd_prod").
func (c Config) RestorePlanName(policy string) string { return restorePlanName(c.NamePrefix, policy) }

// NewRestoreTest turns a listed restore job of policy's restore testing
// plan, in account and region, into evidence. Application and
// Environment are left for the caller, who knows the source resource's
// tags; Probe is zero.
func NewRestoreTest(j types.RestoreJobsListMember, account, region, policy string) RestoreTest {
	return RestoreTest{JobID: aws.ToString(j.RestoreJobId), Account: account, Region: region, Policy: policy,
		ResourceType: aws.ToString(j.ResourceType), SourceARN: aws.ToString(j.SourceResourceArn), CreatedResourceARN: aws.ToString(j.CreatedResourceArn),
		Status: string(j.Status), Created: aws.ToTime(j.CreationDate), Completed: aws.ToTime(j.CompletionDate),
		RecoveryPointCreated: aws.ToTime(j.RecoveryPointCreationDate),
		Validation:           string(j.ValidationStatus), ValidationMessage: aws.ToString(j.ValidationStatusMessage), Deletion: string(j.DeletionStatus)}
}

// FormatDuration says a duration in hours and minutes, as restore test
// messages do: "4h", "1h30m", "45m".
func FormatDuration(d time.Duration) string { return hours(d) }
