package backup

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// restoreActor makes the restore testing changes and puts validation
// results: the only calls of restore testing that change anything, made
// in Apply mode only.
type restoreActor struct {
	api        RestoreTestingAPI
	managedTag string
}

func recoveryPointSelection(p RestorePlanSpec) *types.RestoreTestingRecoveryPointSelection {
	return &types.RestoreTestingRecoveryPointSelection{
		Algorithm:           types.RestoreTestingRecoveryPointSelectionAlgorithmLatestWithinWindow,
		RecoveryPointTypes:  []types.RestoreTestingRecoveryPointType{types.RestoreTestingRecoveryPointTypeSnapshot},
		IncludeVaults:       p.IncludeVaults,
		SelectionWindowDays: p.SelectionWindowDays,
	}
}

func conditions(s RestoreSelectionSpec) *types.ProtectedResourceConditions {
	return &types.ProtectedResourceConditions{StringEquals: []types.KeyValue{{Key: aws.String(s.ConditionKey()), Value: aws.String(s.TagValue)}}}
}

// createPlan creates the plan, tagged as opsd's, and returns its ARN.
func (a restoreActor) createPlan(ctx context.Context, p RestorePlanSpec) (string, error) {
	out, err := a.api.CreateRestoreTestingPlan(ctx, &backup.CreateRestoreTestingPlanInput{
		CreatorRequestId: aws.String(p.Name),
		RestoreTestingPlan: &types.RestoreTestingPlanForCreate{
			RestoreTestingPlanName: aws.String(p.Name), ScheduleExpression: aws.String(p.Schedule),
			ScheduleExpressionTimezone: aws.String(p.Timezone), StartWindowHours: p.StartWindowHours,
			RecoveryPointSelection: recoveryPointSelection(p),
		},
		Tags: map[string]string{a.managedTag: "true"},
	})
	if err != nil {
		return "", fmt.Errorf("create restore testing plan %s: %w", p.Name, err)
	}
	return aws.ToString(out.RestoreTestingPlanArn), nil
}

func (a restoreActor) updatePlan(ctx context.Context, p RestorePlanSpec) error {
	_, err := a.api.UpdateRestoreTestingPlan(ctx, &backup.UpdateRestoreTestingPlanInput{
		RestoreTestingPlanName: aws.String(p.Name),
		RestoreTestingPlan: &types.RestoreTestingPlanForUpdate{
			ScheduleExpression: aws.String(p.Schedule), ScheduleExpressionTimezone: aws.String(p.Timezone),
			StartWindowHours: p.StartWindowHours, RecoveryPointSelection: recoveryPointSelection(p),
		},
	})
	if err != nil {
		return fmt.Errorf("update restore testing plan %s: %w", p.Name, err)
	}
	return nil
}

func (a restoreActor) createSelection(ctx context.Context, plan string, s RestoreSelectionSpec) error {
	_, err := a.api.CreateRestoreTestingSelection(ctx, &backup.CreateRestoreTestingSelectionInput{
		RestoreTestingPlanName: aws.String(plan),
		CreatorRequestId:       aws.String(s.Name),
		RestoreTestingSelection: &types.RestoreTestingSelectionForCreate{
			RestoreTestingSelectionName: aws.String(s.Name), ProtectedResourceType: aws.String(s.ResourceType),
			IamRoleArn: aws.String(s.IAMRoleARN), ProtectedResourceArns: []string{"*"}, ProtectedResourceConditions: conditions(s),
			ValidationWindowHours: aws.Int32(s.ValidationWindowHours), RestoreMetadataOverrides: s.Overrides,
		},
	})
	if err != nil {
		return fmt.Errorf("create restore testing selection %s of %s: %w", s.Name, plan, err)
	}
	return nil
}

func (a restoreActor) updateSelection(ctx context.Context, plan string, s RestoreSelectionSpec) error {
	_, err := a.api.UpdateRestoreTestingSelection(ctx, &backup.UpdateRestoreTestingSelectionInput{
		RestoreTestingPlanName: aws.String(plan), RestoreTestingSelectionName: aws.String(s.Name),
		RestoreTestingSelection: &types.RestoreTestingSelectionForUpdate{
			IamRoleArn: aws.String(s.IAMRoleARN), ProtectedResourceArns: []string{"*"}, ProtectedResourceConditions: conditions(s),
			ValidationWindowHours: aws.Int32(s.ValidationWindowHours), RestoreMetadataOverrides: s.Overrides,
		},
	})
	if err != nil {
		return fmt.Errorf("update restore testing selection %s of %s: %w", s.Name, plan, err)
	}
	return nil
}

// putValidation tells AWS Backup the probe's result for job.
func (a restoreActor) putValidation(ctx context.Context, job string, ok bool, why string) error {
	st := types.RestoreValidationStatusFailed
	if ok {
		st = types.RestoreValidationStatusSuccessful
	}
	if len(why) > 1000 {
		why = why[:1000]
	}
	if _, err := a.api.PutRestoreValidationResult(ctx, &backup.PutRestoreValidationResultInput{
		RestoreJobId: aws.String(job), ValidationStatus: st, ValidationStatusMessage: aws.String("opsd: " + why),
	}); err != nil {
		return fmt.Errorf("put restore validation result of job %s: %w", job, err)
	}
	return nil
}
