package backup

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// restoreObserver reads restore testing plans, selections and jobs. It
// makes read-only calls only.
type restoreObserver struct {
	api        RestoreTestingAPI
	managedTag string
}

// planNames lists every restore testing plan: name → ARN.
func (ob restoreObserver) planNames(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	p := backup.NewListRestoreTestingPlansPaginator(ob.api, &backup.ListRestoreTestingPlansInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list restore testing plans: %w", err)
		}
		for _, m := range page.RestoreTestingPlans {
			out[aws.ToString(m.RestoreTestingPlanName)] = aws.ToString(m.RestoreTestingPlanArn)
		}
	}
	return out, nil
}

// plan reads the plan name (ARN arn), its tags and its selections.
func (ob restoreObserver) plan(ctx context.Context, name, arn string) (*ObservedRestorePlan, error) {
	got, err := ob.api.GetRestoreTestingPlan(ctx, &backup.GetRestoreTestingPlanInput{RestoreTestingPlanName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("get restore testing plan %s: %w", name, err)
	}
	o := &ObservedRestorePlan{Name: name, ARN: arn, Selections: map[string]ObservedRestoreSelection{}}
	if rp := got.RestoreTestingPlan; rp != nil {
		o.Schedule, o.Timezone, o.StartWindowHours = aws.ToString(rp.ScheduleExpression), aws.ToString(rp.ScheduleExpressionTimezone), rp.StartWindowHours
		if a := aws.ToString(rp.RestoreTestingPlanArn); a != "" {
			o.ARN = a
		}
		if s := rp.RecoveryPointSelection; s != nil {
			o.Algorithm, o.SelectionWindowDays, o.IncludeVaults = string(s.Algorithm), s.SelectionWindowDays, s.IncludeVaults
			for _, t := range s.RecoveryPointTypes {
				o.PointTypes = append(o.PointTypes, string(t))
			}
		}
	}
	tags, err := ob.api.ListTags(ctx, &backup.ListTagsInput{ResourceArn: aws.String(o.ARN)})
	if err != nil {
		return nil, fmt.Errorf("list tags of restore testing plan %s: %w", name, err)
	}
	_, o.Managed = tags.Tags[ob.managedTag]
	if !o.Managed {
		return o, nil // someone else's: its selections are not read
	}
	p := backup.NewListRestoreTestingSelectionsPaginator(ob.api, &backup.ListRestoreTestingSelectionsInput{RestoreTestingPlanName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list restore testing selections of %s: %w", name, err)
		}
		for _, m := range page.RestoreTestingSelections {
			sel := aws.ToString(m.RestoreTestingSelectionName)
			g, err := ob.api.GetRestoreTestingSelection(ctx, &backup.GetRestoreTestingSelectionInput{
				RestoreTestingPlanName: aws.String(name), RestoreTestingSelectionName: aws.String(sel)})
			if err != nil {
				return nil, fmt.Errorf("get restore testing selection %s of %s: %w", sel, name, err)
			}
			if s := g.RestoreTestingSelection; s != nil {
				os := ObservedRestoreSelection{Name: sel, ResourceType: aws.ToString(s.ProtectedResourceType), IAMRoleARN: aws.ToString(s.IamRoleArn),
					ARNs: s.ProtectedResourceArns, Equals: map[string]string{}, ValidationWindowHours: s.ValidationWindowHours, Overrides: s.RestoreMetadataOverrides}
				if c := s.ProtectedResourceConditions; c != nil {
					for _, kv := range c.StringEquals {
						os.Equals[aws.ToString(kv.Key)] = aws.ToString(kv.Value)
					}
					for _, kv := range c.StringNotEquals {
						os.Equals["not "+aws.ToString(kv.Key)] = aws.ToString(kv.Value)
					}
				}
				o.Selections[sel] = os
			}
		}
	}
	return o, nil
}

// jobs lists the restore jobs of plan ARN arn created since.
func (ob restoreObserver) jobs(ctx context.Context, arn string, since time.Time) ([]types.RestoreJobsListMember, error) {
	var out []types.RestoreJobsListMember
	p := backup.NewListRestoreJobsPaginator(ob.api, &backup.ListRestoreJobsInput{ByRestoreTestingPlanArn: aws.String(arn), ByCreatedAfter: aws.Time(since)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list restore jobs of %s: %w", arn, err)
		}
		out = append(out, page.RestoreJobs...)
	}
	return out, nil
}

// restoreTest turns a listed job of policy's plan into evidence, the
// owner tags from the source store when the run listed it.
func restoreTest(j types.RestoreJobsListMember, account, region, policy string, src *Store, keys TagKeys, probe time.Duration) RestoreTest {
	t := NewRestoreTest(j, account, region, policy)
	t.Probe = probe
	if src != nil {
		t.Application, t.Environment = src.Tags[keys.Application], src.Tags[keys.Environment]
	}
	return t
}
