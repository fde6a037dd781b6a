package backup

import (
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Fixes are the AWS calls that put one policy's state right, built from
// its differences. A nil field is a call not needed. They are made in
// order: vault, lock, plan, selection.
type Fixes struct {
	CreateVault *backup.CreateBackupVaultInput
	Lock        *backup.PutBackupVaultLockConfigurationInput
	// LockNotice describes a lock applied for the first time, or turned
	// to compliance mode; people are told.
	LockNotice *LockNotice
	CreatePlan *backup.CreateBackupPlanInput
	UpdatePlan *backup.UpdateBackupPlanInput
	// CreateSelection is the selection to create in the plan (whose id is
	// known only once the plan exists).
	CreateSelection *types.BackupSelection
	// DeleteSelections are opsd's selections to delete once
	// CreateSelection (if any) exists.
	DeleteSelections []string
}

// LockNotice is a vault lock opsd applies that people must hear about.
type LockNotice struct {
	Vault string
	// First is a lock on a vault that had none; otherwise a governance
	// lock turned to compliance.
	First            bool
	Compliance       bool
	MinRetentionDays int64
	// ImmutableFrom is when a compliance lock can no longer be removed.
	ImmutableFrom time.Time
	// ChangeableForDays is the grace period of a compliance lock.
	ChangeableForDays int64
}

// fixOptions are what the fixes need besides the differences.
type fixOptions struct {
	// managedTag is the tag key marking what opsd created.
	managedTag string
	// now is the reconcile's clock; it also makes request tokens unique.
	now time.Time
}

// BuildFixes turns the automatic differences of one policy into the calls
// that fix them. It is pure.
func BuildFixes(d Desired, o Observed, diffs []Difference, opt fixOptions) (Fixes, error) {
	var f Fixes
	ops := map[Op]bool{}
	for _, diff := range diffs {
		if diff.Auto() {
			ops[diff.Op] = true
		}
	}
	if ops[OpCreateVault] {
		f.CreateVault = vaultInput(d.Vault, opt.managedTag)
	}
	if ops[OpApplyLock] {
		f.Lock, f.LockNotice = lockInput(d, o.Vault, opt.now)
	}
	if ops[OpCreatePlan] {
		f.CreatePlan = createPlanInput(d, opt)
	}
	if ops[OpUpdatePlan] && o.Plan != nil {
		f.UpdatePlan = updatePlanInput(d, o.Plan, diffs)
	}
	if ops[OpCreateSelection] || ops[OpReplaceSelection] {
		sel, err := selectionInput(d.Selection)
		if err != nil {
			return Fixes{}, err
		}
		f.CreateSelection = sel
	}
	keep := keptSelection(d, o)
	for _, s := range o.Selections {
		if s.Name != d.Selection.Name {
			continue
		}
		if ops[OpReplaceSelection] || (ops[OpDeleteSelection] && s.ID != keep) {
			f.DeleteSelections = append(f.DeleteSelections, s.ID)
		}
	}
	return f, nil
}

// keptSelection is the id of the first of opsd's selections that matches
// the desired one.
func keptSelection(d Desired, o Observed) string {
	for _, s := range o.Selections {
		if s.Name == d.Selection.Name && len(selectionDiffs(d.Selection, s.Spec)) == 0 {
			return s.ID
		}
	}
	return ""
}

// vaultInput creates the vault, tagged as opsd's, encrypted with the
// configured key or, with none, the AWS managed key.
func vaultInput(v VaultSpec, managedTag string) *backup.CreateBackupVaultInput {
	in := &backup.CreateBackupVaultInput{
		BackupVaultName: aws.String(v.Name),
		BackupVaultTags: map[string]string{managedTag: "true"},
	}
	if v.KMSKey != "" {
		in.EncryptionKeyArn = aws.String(v.KMSKey)
	}
	return in
}

// lockInput is the vault lock to put, given the lock there is (v nil or
// unlocked: none). It never lowers anything:
//   - MinRetentionDays is the higher of the desired and the observed;
//   - an observed MaxRetentionDays is kept;
//   - a governance lock is put without ChangeableForDays; a compliance
//     lock (desired, or already there and still in its grace period)
//     with it: the configured days for a new compliance lock, the days
//     left until the observed lock date (at least AWS's 3) for one already
//     there, so its lock date does not move later.
func lockInput(d Desired, v *Vault, now time.Time) (*backup.PutBackupVaultLockConfigurationInput, *LockNotice) {
	want := d.Lock
	in := &backup.PutBackupVaultLockConfigurationInput{
		BackupVaultName:  aws.String(d.Vault.Name),
		MinRetentionDays: aws.Int64(want.MinRetentionDays),
	}
	locked := v != nil && v.Locked
	if locked {
		if v.MinRetentionDays != nil && *v.MinRetentionDays > want.MinRetentionDays {
			in.MinRetentionDays = aws.Int64(*v.MinRetentionDays)
		}
		if v.MaxRetentionDays != nil {
			in.MaxRetentionDays = aws.Int64(*v.MaxRetentionDays)
		}
	}
	var notice *LockNotice
	switch {
	case locked && v.compliance():
		in.ChangeableForDays = aws.Int64(max(daysUntil(now, *v.LockDate), 3))
	case want.Compliance:
		in.ChangeableForDays = aws.Int64(want.ChangeableForDays)
		notice = &LockNotice{First: !locked, Compliance: true, ChangeableForDays: want.ChangeableForDays,
			ImmutableFrom: now.Add(time.Duration(want.ChangeableForDays) * 24 * time.Hour)}
	case !locked:
		notice = &LockNotice{First: true}
	}
	if notice != nil {
		notice.Vault = d.Vault.Name
		notice.MinRetentionDays = aws.ToInt64(in.MinRetentionDays)
	}
	return in, notice
}

// ruleInput is the desired rule as AWS takes it.
func ruleInput(r RuleSpec) types.BackupRuleInput {
	lc := &types.Lifecycle{DeleteAfterDays: aws.Int64(r.DeleteAfterDays)}
	if r.ColdStorageAfterDays > 0 {
		lc.MoveToColdStorageAfterDays = aws.Int64(r.ColdStorageAfterDays)
	}
	return types.BackupRuleInput{
		RuleName:                   aws.String(r.Name),
		TargetBackupVaultName:      aws.String(r.Vault),
		ScheduleExpression:         aws.String(r.Schedule),
		ScheduleExpressionTimezone: aws.String(r.Timezone),
		StartWindowMinutes:         aws.Int64(r.StartWindowMinutes),
		CompletionWindowMinutes:    aws.Int64(r.CompletionWindowMinutes),
		Lifecycle:                  lc,
	}
}

// createPlanInput creates the policy's plan with its one rule, tagged as
// opsd's.
func createPlanInput(d Desired, opt fixOptions) *backup.CreateBackupPlanInput {
	return &backup.CreateBackupPlanInput{
		BackupPlan: &types.BackupPlanInput{
			BackupPlanName: aws.String(d.Plan.Name),
			Rules:          []types.BackupRuleInput{ruleInput(d.Plan.Rule)},
		},
		BackupPlanTags:   map[string]string{opt.managedTag: "true", policyTagKey: d.Policy},
		CreatorRequestId: aws.String(requestToken(d.Plan.Name, opt.now)),
	}
}

// policyTagKey is the tag opsd writes on its plans naming their policy.
const policyTagKey = "opsd:policy"

// updatePlanInput is the observed plan with opsd's rule put right: every
// other rule, and every field of opsd's rule that opsd does not set or
// that differs only in a report-only way, stays as it is.
func updatePlanInput(d Desired, p *Plan, diffs []Difference) *backup.UpdateBackupPlanInput {
	want := d.Plan.Rule
	fix := map[string]bool{}
	for _, diff := range diffs {
		if diff.Op == OpUpdatePlan {
			fix[diff.Field] = true
		}
	}
	field := func(f string) bool { return fix["rule "+want.Name+" "+f] }
	var rules []types.BackupRuleInput
	found := false
	for _, r := range p.Rules {
		in := ruleAsInput(r)
		if aws.ToString(r.RuleName) != want.Name {
			rules = append(rules, in)
			continue
		}
		found = true
		if field("vault") {
			in.TargetBackupVaultName = aws.String(want.Vault)
		}
		if field("schedule") {
			in.ScheduleExpression = aws.String(want.Schedule)
		}
		if field("timezone") {
			in.ScheduleExpressionTimezone = aws.String(want.Timezone)
		}
		if field("start window") {
			in.StartWindowMinutes = aws.Int64(want.StartWindowMinutes)
		}
		if field("completion window") {
			in.CompletionWindowMinutes = aws.Int64(want.CompletionWindowMinutes)
		}
		if field("retention") || field("cold storage") {
			lc := types.Lifecycle{}
			if in.Lifecycle != nil {
				lc = *in.Lifecycle
			}
			if field("retention") {
				lc.DeleteAfterDays = aws.Int64(want.DeleteAfterDays)
			}
			if field("cold storage") {
				lc.MoveToColdStorageAfterDays = nil
				if want.ColdStorageAfterDays > 0 {
					lc.MoveToColdStorageAfterDays = aws.Int64(want.ColdStorageAfterDays)
				}
			}
			in.Lifecycle = &lc
		}
		rules = append(rules, in)
	}
	if !found {
		rules = append(rules, ruleInput(want))
	}
	return &backup.UpdateBackupPlanInput{
		BackupPlanId: aws.String(p.ID),
		BackupPlan: &types.BackupPlanInput{
			BackupPlanName:         aws.String(p.Name),
			Rules:                  rules,
			AdvancedBackupSettings: p.AdvancedBackupSettings,
			ScanSettings:           p.ScanSettings,
		},
	}
}

// ruleAsInput turns an observed rule into the input that writes it back
// unchanged.
func ruleAsInput(r types.BackupRule) types.BackupRuleInput {
	return types.BackupRuleInput{
		RuleName:                               r.RuleName,
		TargetBackupVaultName:                  r.TargetBackupVaultName,
		CompletionWindowMinutes:                r.CompletionWindowMinutes,
		CopyActions:                            r.CopyActions,
		EnableContinuousBackup:                 r.EnableContinuousBackup,
		IndexActions:                           r.IndexActions,
		Lifecycle:                              r.Lifecycle,
		RecoveryPointTags:                      r.RecoveryPointTags,
		ScanActions:                            r.ScanActions,
		ScheduleExpression:                     r.ScheduleExpression,
		ScheduleExpressionTimezone:             r.ScheduleExpressionTimezone,
		StartWindowMinutes:                     r.StartWindowMinutes,
		TargetLogicallyAirGappedBackupVaultArn: r.TargetLogicallyAirGappedBackupVaultArn,
	}
}

// errEmptySelection is returned rather than build a selection with no
// condition: AWS Backup reads that as every resource.
var errEmptySelection = errors.New("refusing to build a backup selection without a tag condition: it would select every resource")

// selectionInput is the policy's selection: the configured resource types
// whose BackupPolicy tag equals the policy's name exactly. It is never
// empty: without a tag key, a value or a resource pattern it is an error.
func selectionInput(s SelectionSpec) (*types.BackupSelection, error) {
	if s.TagKey == "" || s.TagValue == "" || len(s.Resources) == 0 {
		return nil, fmt.Errorf("build selection %s: %w", s.Name, errEmptySelection)
	}
	return &types.BackupSelection{
		SelectionName: aws.String(s.Name),
		IamRoleArn:    aws.String(s.IAMRoleARN),
		Resources:     append([]string(nil), s.Resources...),
		Conditions: &types.Conditions{StringEquals: []types.ConditionParameter{{
			ConditionKey:   aws.String(s.ConditionKey()),
			ConditionValue: aws.String(s.TagValue),
		}}},
	}, nil
}

// requestToken is a CreatorRequestId: it marks the request as opsd's and
// makes a retried create return what the first made, while a later
// reconcile's create is a new request.
func requestToken(name string, now time.Time) string {
	const maxName = 50 - len("opsd--") - 10 // 10 digits of Unix seconds
	if len(name) > maxName {
		name = name[:maxName]
	}
	return fmt.Sprintf("opsd-%s-%d", name, now.Unix())
}
