package backup

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// actor carries out fixes in one account and region. It exists only in
// Apply mode: plan mode never reaches it, so it makes no mutating call.
type actor struct {
	c   Clients
	now time.Time
	log *slog.Logger
}

// enforce makes the policy's fixes in order (vault, lock, plan, selection)
// and records each operation's outcome in pr.results. A step whose
// prerequisite failed is not attempted and says so.
func (a actor) enforce(ctx context.Context, pr *policyRun) {
	f := pr.fixes
	d := pr.desired
	pr.results = map[Op]error{}
	vaultOK := pr.observed.Vault != nil
	if f.CreateVault != nil {
		_, err := a.c.Backup.CreateBackupVault(ctx, f.CreateVault)
		pr.record(OpCreateVault, wrap(err, "create backup vault %s", d.Vault.Name))
		vaultOK = err == nil
	}
	if f.Lock != nil {
		if !vaultOK {
			pr.record(OpApplyLock, &skipped{"vault " + d.Vault.Name + " does not exist"})
		} else {
			_, err := a.c.Backup.PutBackupVaultLockConfiguration(ctx, f.Lock)
			pr.record(OpApplyLock, wrap(err, "put vault lock on %s", d.Vault.Name))
			if err == nil && f.LockNotice != nil {
				n := *f.LockNotice
				pr.notice = &n
			}
		}
	}
	planID := ""
	if pr.observed.Plan != nil {
		planID = pr.observed.Plan.ID
	}
	if f.CreatePlan != nil {
		if !vaultOK {
			pr.record(OpCreatePlan, &skipped{"vault " + d.Vault.Name + " does not exist"})
		} else {
			out, err := a.c.Backup.CreateBackupPlan(ctx, f.CreatePlan)
			pr.record(OpCreatePlan, wrap(err, "create backup plan %s", d.Plan.Name))
			if err == nil {
				planID = aws.ToString(out.BackupPlanId)
			}
		}
	}
	if f.UpdatePlan != nil {
		_, err := a.c.Backup.UpdateBackupPlan(ctx, f.UpdatePlan)
		pr.record(OpUpdatePlan, wrap(err, "update backup plan %s (%s)", d.Plan.Name, aws.ToString(f.UpdatePlan.BackupPlanId)))
	}
	a.selections(ctx, pr, planID)
}

// selections creates the selection, then deletes the ones it replaces, so
// the plan never goes without one.
func (a actor) selections(ctx context.Context, pr *policyRun, planID string) {
	f := pr.fixes
	name := pr.desired.Selection.Name
	deleteOp := OpDeleteSelection
	if f.CreateSelection != nil {
		op := OpCreateSelection
		if len(f.DeleteSelections) > 0 {
			op, deleteOp = OpReplaceSelection, OpReplaceSelection
		}
		if planID == "" {
			pr.record(op, &skipped{"plan " + pr.desired.Plan.Name + " does not exist"})
			return
		}
		_, err := a.c.Backup.CreateBackupSelection(ctx, &backup.CreateBackupSelectionInput{
			BackupPlanId:     aws.String(planID),
			BackupSelection:  f.CreateSelection,
			CreatorRequestId: aws.String(requestToken(name, a.now)),
		})
		if err != nil {
			pr.record(op, wrap(err, "create backup selection %s in plan %s", name, planID))
			return
		}
		pr.record(op, nil)
	}
	for _, id := range f.DeleteSelections {
		_, err := a.c.Backup.DeleteBackupSelection(ctx, &backup.DeleteBackupSelectionInput{BackupPlanId: aws.String(planID), SelectionId: aws.String(id)})
		pr.record(deleteOp, wrap(err, "delete backup selection %s (%s) of plan %s", name, id, planID))
	}
}

// enablePITR turns point-in-time recovery on for a table.
func (a actor) enablePITR(ctx context.Context, t *pitrTask) {
	_, err := a.c.DynamoDB.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{
		TableName:                        aws.String(t.store.ID),
		PointInTimeRecoverySpecification: &dbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)},
	})
	t.attempted = true
	t.err = wrap(err, "enable point-in-time recovery on dynamodb table %s", t.store.ID)
}

// wrap names the action and resource of a failure; nil stays nil.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
