package backup

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go"
)

// backupObserver reads the AWS Backup state of one account and region. It
// makes read-only calls only.
type backupObserver struct {
	api        BackupAPI
	managedTag string
}

// plansByName lists every (not deleted) backup plan, by name.
func (ob backupObserver) plansByName(ctx context.Context) (map[string][]types.BackupPlansListMember, error) {
	out := map[string][]types.BackupPlansListMember{}
	p := backup.NewListBackupPlansPaginator(ob.api, &backup.ListBackupPlansInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list backup plans: %w", err)
		}
		for _, m := range page.BackupPlansList {
			if m.DeletionDate != nil {
				continue
			}
			name := aws.ToString(m.BackupPlanName)
			out[name] = append(out[name], m)
		}
	}
	return out, nil
}

// observe reads one policy's vault, plan and selections. plans are the
// account's plans by name, from plansByName.
func (ob backupObserver) observe(ctx context.Context, d Desired, plans map[string][]types.BackupPlansListMember) (Observed, error) {
	var o Observed
	v, err := ob.vault(ctx, d.Vault.Name)
	if err != nil {
		return o, err
	}
	o.Vault = v
	candidates := plans[d.Plan.Name]
	sort.SliceStable(candidates, func(i, j int) bool {
		return aws.ToTime(candidates[i].CreationDate).Before(aws.ToTime(candidates[j].CreationDate))
	})
	var ours *types.BackupPlansListMember
	var read *Plan // ours, when reading it was how it was recognised
	for i := range candidates {
		m := candidates[i]
		ref := PlanRef{ID: aws.ToString(m.BackupPlanId), ARN: aws.ToString(m.BackupPlanArn), Created: aws.ToTime(m.CreationDate)}
		managed, err := ob.managed(ctx, ref.ARN)
		if err != nil {
			return o, err
		}
		var p *Plan
		if !managed {
			if p, err = ob.ownedByVault(ctx, m, v, d.Vault.Name); err != nil {
				return o, err
			}
			managed = p != nil
		}
		switch {
		case !managed:
			o.Foreign = append(o.Foreign, ref)
		case ours == nil:
			ours, read = &candidates[i], p
		default:
			o.Duplicates = append(o.Duplicates, ref)
		}
	}
	if ours == nil {
		return o, nil
	}
	o.Plan = read
	if o.Plan == nil {
		if o.Plan, err = ob.plan(ctx, *ours); err != nil {
			return o, err
		}
	}
	if o.Selections, err = ob.selections(ctx, o.Plan.ID); err != nil {
		return o, err
	}
	return o, nil
}

// vault describes a vault and its lock; nil when it does not exist.
func (ob backupObserver) vault(ctx context.Context, name string) (*Vault, error) {
	out, err := ob.api.DescribeBackupVault(ctx, &backup.DescribeBackupVaultInput{BackupVaultName: aws.String(name)})
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("describe backup vault %s: %w", name, err)
	}
	return &Vault{
		Name:             aws.ToString(out.BackupVaultName),
		ARN:              aws.ToString(out.BackupVaultArn),
		EncryptionKeyARN: aws.ToString(out.EncryptionKeyArn),
		Locked:           aws.ToBool(out.Locked),
		MinRetentionDays: out.MinRetentionDays,
		MaxRetentionDays: out.MaxRetentionDays,
		LockDate:         out.LockDate,
	}, nil
}

// ownedByVault returns, read, a plan that lacks opsd's managed tag but is
// still opsd's: named as opsd names the policy's plan, with every rule
// backing up into the policy's vault, which does carry the tag; nil when
// it is not opsd's. Some
// backends drop a plan's tags when it is updated (AWS keeps them on the
// plan's ARN); a plan someone edited by hand is then still opsd's to put
// right, while a plan of opsd's name that backs up elsewhere is not.
func (ob backupObserver) ownedByVault(ctx context.Context, m types.BackupPlansListMember, v *Vault, vault string) (*Plan, error) {
	if v == nil {
		return nil, nil
	}
	if managed, err := ob.managed(ctx, v.ARN); err != nil || !managed {
		return nil, err
	}
	p, err := ob.plan(ctx, m)
	if err != nil || len(p.Rules) == 0 {
		return nil, err
	}
	for _, r := range p.Rules {
		if aws.ToString(r.TargetBackupVaultName) != vault {
			return nil, nil
		}
	}
	return p, nil
}

// managed reports whether the resource carries opsd's managed tag.
func (ob backupObserver) managed(ctx context.Context, arn string) (bool, error) {
	p := backup.NewListTagsPaginator(ob.api, &backup.ListTagsInput{ResourceArn: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false, fmt.Errorf("list tags of %s: %w", arn, err)
		}
		if v, ok := page.Tags[ob.managedTag]; ok {
			return v == "true", nil
		}
	}
	return false, nil
}

// plan reads one plan's document.
func (ob backupObserver) plan(ctx context.Context, m types.BackupPlansListMember) (*Plan, error) {
	id := aws.ToString(m.BackupPlanId)
	out, err := ob.api.GetBackupPlan(ctx, &backup.GetBackupPlanInput{BackupPlanId: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("get backup plan %s (%s): %w", aws.ToString(m.BackupPlanName), id, err)
	}
	p := &Plan{
		ID:        id,
		ARN:       aws.ToString(m.BackupPlanArn),
		Name:      aws.ToString(m.BackupPlanName),
		VersionID: aws.ToString(out.VersionId),
		Created:   aws.ToTime(m.CreationDate),
	}
	if bp := out.BackupPlan; bp != nil {
		p.Rules = bp.Rules
		p.AdvancedBackupSettings = bp.AdvancedBackupSettings
		p.ScanSettings = bp.ScanSettings
	}
	return p, nil
}

// selections lists a plan's selections and reads each one.
func (ob backupObserver) selections(ctx context.Context, planID string) ([]Selection, error) {
	var out []Selection
	p := backup.NewListBackupSelectionsPaginator(ob.api, &backup.ListBackupSelectionsInput{BackupPlanId: aws.String(planID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list backup selections of plan %s: %w", planID, err)
		}
		for _, m := range page.BackupSelectionsList {
			id := aws.ToString(m.SelectionId)
			got, err := ob.api.GetBackupSelection(ctx, &backup.GetBackupSelectionInput{BackupPlanId: aws.String(planID), SelectionId: aws.String(id)})
			if err != nil {
				return nil, fmt.Errorf("get backup selection %s of plan %s: %w", id, planID, err)
			}
			s := Selection{ID: id, Name: aws.ToString(m.SelectionName), CreatorRequestID: aws.ToString(m.CreatorRequestId)}
			if got.BackupSelection != nil {
				s.Spec = *got.BackupSelection
				if n := aws.ToString(got.BackupSelection.SelectionName); n != "" {
					s.Name = n
				}
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// isNotFound reports whether err is AWS saying the thing does not exist.
func isNotFound(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "ResourceNotFoundException"
}
