package backup

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Observed is what exists in AWS for one policy in one account and region.
type Observed struct {
	// Vault is the policy's vault; nil when there is none.
	Vault *Vault
	// Plan is the plan opsd created for the policy (named as opsd names
	// it and tagged as managed, the oldest if there are several); nil when
	// there is none.
	Plan *Plan
	// Foreign are plans with the policy's plan name that opsd did not
	// create. opsd leaves them alone.
	Foreign []PlanRef
	// Duplicates are further plans opsd created with the same name (a
	// create retried after a lost answer); reported, never deleted.
	Duplicates []PlanRef
	// Selections are the selections of Plan.
	Selections []Selection
}

// Vault is an observed backup vault and its lock.
type Vault struct {
	Name             string
	ARN              string
	EncryptionKeyARN string
	// Locked says whether a vault lock is configured.
	Locked bool
	// MinRetentionDays and MaxRetentionDays are the lock's limits; nil
	// when unset.
	MinRetentionDays *int64
	MaxRetentionDays *int64
	// LockDate is when a compliance lock becomes immutable; nil for a
	// governance lock (one put without ChangeableForDays).
	LockDate *time.Time
}

// compliance reports whether the vault has a compliance-mode lock.
func (v Vault) compliance() bool { return v.Locked && v.LockDate != nil }

// immutable reports whether the vault's lock can no longer be changed or
// removed by anyone: a compliance lock past its lock date.
func (v Vault) immutable(now time.Time) bool {
	return v.compliance() && !now.Before(*v.LockDate)
}

// Plan is an observed backup plan opsd created.
type Plan struct {
	ID        string
	ARN       string
	Name      string
	VersionID string
	Created   time.Time
	// Rules, AdvancedBackupSettings and ScanSettings are as AWS returned
	// them; an update keeps everything opsd does not set.
	Rules                  []types.BackupRule
	AdvancedBackupSettings []types.AdvancedBackupSetting
	ScanSettings           []types.ScanSetting
}

// rule returns the rule called name.
func (p *Plan) rule(name string) (types.BackupRule, bool) {
	for _, r := range p.Rules {
		if aws.ToString(r.RuleName) == name {
			return r, true
		}
	}
	return types.BackupRule{}, false
}

// PlanRef names a plan opsd does not manage.
type PlanRef struct {
	ID      string
	ARN     string
	Created time.Time
}

// Selection is an observed backup selection.
type Selection struct {
	ID               string
	Name             string
	CreatorRequestID string
	Spec             types.BackupSelection
}
