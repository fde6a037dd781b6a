package audit

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbackup "github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/backup"
)

var restoreNow = time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)

const prodPlanARN = "arn:aws:backup:eu-west-2:111111111111:restore-testing-plan:opsd_prod-1"

// restoreRules are the default rules with restore testing on and the
// seed's objectives for Prod and Dev.
func restoreRules(r *Rules) {
	obj := backup.Objectives{RTO: 4 * time.Hour, RPO: 24 * time.Hour, RetentionDays: 30, ValidationWindow: 4 * time.Hour}
	r.RestoreTests = RestoreTestRules{Enabled: true, Objectives: map[string]backup.Objectives{"Prod": obj, "Dev": obj},
		Plans: map[string]string{"Prod": "opsd_prod", "Dev": "opsd_dev"}, Window: 30 * 24 * time.Hour, ColdDelay: 4 * time.Hour}
	r.Now = restoreNow
}

// job is a restore job of plan, of src, created ago before restoreNow,
// taking took, of a point 2 h older than its start, with validation v.
func job(id, plan, src string, ago, took time.Duration, status types.RestoreJobStatus, v types.RestoreValidationStatus) types.RestoreJobsListMember {
	created := restoreNow.Add(-ago)
	return types.RestoreJobsListMember{RestoreJobId: aws.String(id), CreatedBy: &types.RestoreJobCreator{RestoreTestingPlanArn: aws.String(plan)},
		SourceResourceArn: aws.String(src), CreatedResourceArn: aws.String(src + "-restored"), ResourceType: aws.String("DynamoDB"),
		Status: status, CreationDate: aws.Time(created), CompletionDate: aws.Time(created.Add(took)),
		RecoveryPointCreationDate: aws.Time(created.Add(-2 * time.Hour)), ValidationStatus: v}
}

func table(name string, t map[string]string) Table {
	return Table{Resource: Resource{Kind: KindDynamoDB, ID: name, ARN: "arn:aws:dynamodb:eu-west-2:111111111111:table/" + name, Tags: t}}
}

func TestRestoreTested(t *testing.T) {
	day := 24 * time.Hour
	arn := func(name string) string { return "arn:aws:dynamodb:eu-west-2:111111111111:table/" + name }
	done, ok, failed := types.RestoreJobStatusCompleted, types.RestoreValidationStatusSuccessful, types.RestoreValidationStatusFailed
	stores := []Table{table("orders", prodTags("orders")), table("carts", prodTags("carts")), table("bad", prodTags("bad")),
		table("idle", prodTags("idle")), table("blog", devTags("blog")), table("odd", prodTags("odd", "BackupPolicy", "Custom"))}
	inv := Inventory{Tables: stores, RestoreTests: RestoreTests{Since: restoreNow.Add(-30 * day),
		Plans: map[string]string{"opsd_prod": prodPlanARN, "someone-elses": "arn:other"},
		Jobs: []types.RestoreJobsListMember{
			job("j-1h", prodPlanARN, arn("orders"), 2*day, time.Hour, done, ok),
			job("j-5h", prodPlanARN, arn("carts"), 1*day, 5*time.Hour, done, ok),
			job("j-bad", prodPlanARN, arn("bad"), 3*day, time.Hour, done, failed),
			job("j-old", prodPlanARN, arn("idle"), 40*day, time.Hour, done, ok),
			job("j-foreign", "arn:other", arn("idle"), 2*day, time.Hour, done, ok),
		}}}
	runCheck(t, checkRestoreTested(), []checkCase{
		{name: "judged per policy and application", inv: inv, rules: restoreRules, want: map[string]want{
			"Prod/orders": {Pass, "validated 2026-03-29T13:00:00Z (job j-1h): 1h to usable, inside the RTO of 4h; recovery point 2h old (RPO 24h)"},
			"Prod/carts":  {Fail, "RTO exceeded: the last validated restore (job j-5h, 2026-03-30T17:00:00Z) took 5h to usable, over the RTO of 4h"},
			"Prod/bad":    {Fail, "validation failed: "},
			"Prod/idle":   {Fail, "no restore test in the last 30 days"},
			"Dev/blog":    {Fail, "no restore test in the last 30 days (no restore testing plan opsd_dev here)"},
		}},
		{name: "restore testing off", inv: Inventory{Tables: stores}, rules: func(r *Rules) {
			restoreRules(r)
			r.RestoreTests.Enabled = false
		}, want: map[string]want{
			"Prod/orders": {NotApplicable, "backup.restore_testing.enabled is false"},
			"Prod/carts":  {NotApplicable, "backup.restore_testing.enabled is false"},
			"Prod/bad":    {NotApplicable, "backup.restore_testing.enabled is false"},
			"Prod/idle":   {NotApplicable, "backup.restore_testing.enabled is false"},
			"Dev/blog":    {NotApplicable, "backup.restore_testing.enabled is false"},
		}},
		{name: "restore testing not read", inv: Inventory{Tables: stores[:1], Failed: map[Source]error{SourceRestoreTests: errors.New("list restore jobs: AccessDenied")}},
			rules: restoreRules, want: map[string]want{
				"Prod/orders": {Unknown, "not assessed: restore testing could not be read (list restore jobs: AccessDenied)"},
			}},
		{name: "data stores not read", inv: Inventory{Tables: stores[:1], RestoreTests: inv.RestoreTests, Failed: map[Source]error{SourceDynamoDB: errors.New("list tables: throttled")}},
			rules: restoreRules, want: map[string]want{
				"Prod/orders": {Unknown, "not assessed: dynamodb could not be read"},
				// the other tests' sources are not in the inventory: whose they are is not known
				"Prod/(untagged)": {Unknown, "not assessed: dynamodb could not be read"},
			}},
		{name: "no objectives given: nothing judged", inv: inv},
	})
}

// fakeRestoreTesting serves restore testing plans and jobs in pages of one.
type fakeRestoreTesting struct {
	plans []types.RestoreTestingPlanForList
	jobs  []types.RestoreJobsListMember
	after []time.Time
}

func (f *fakeRestoreTesting) ListRestoreTestingPlans(_ context.Context, in *awsbackup.ListRestoreTestingPlansInput, _ ...func(*awsbackup.Options)) (*awsbackup.ListRestoreTestingPlansOutput, error) {
	items, next := page(f.plans, aws.ToString(in.NextToken))
	return &awsbackup.ListRestoreTestingPlansOutput{RestoreTestingPlans: items, NextToken: optional(next)}, nil
}

func (f *fakeRestoreTesting) ListRestoreJobs(_ context.Context, in *awsbackup.ListRestoreJobsInput, _ ...func(*awsbackup.Options)) (*awsbackup.ListRestoreJobsOutput, error) {
	f.after = append(f.after, aws.ToTime(in.ByCreatedAfter))
	items, next := page(f.jobs, aws.ToString(in.NextToken))
	return &awsbackup.ListRestoreJobsOutput{RestoreJobs: items, NextToken: optional(next)}, nil
}

func TestCollectRestoreTests(t *testing.T) {
	var f fakeRestoreTesting
	for i := range pageSize + 2 {
		name := "opsd_p" + string(rune('a'+i))
		f.plans = append(f.plans, types.RestoreTestingPlanForList{RestoreTestingPlanName: aws.String(name), RestoreTestingPlanArn: aws.String("arn:" + name)})
		f.jobs = append(f.jobs, job("j"+name, "arn:"+name, "arn:src", time.Hour, time.Hour, types.RestoreJobStatusCompleted, ""))
	}
	c := Clients{RestoreTesting: &f}
	since := restoreNow.Add(-30 * 24 * time.Hour)
	inv := collect(context.Background(), c, accounts.Target{Account: testAccount, Region: testRegion}, 4, since)
	if err := inv.failed(SourceRestoreTests); err != nil {
		t.Fatalf("collect restore tests: %v", err)
	}
	if len(inv.RestoreTests.Plans) != pageSize+2 || len(inv.RestoreTests.Jobs) != pageSize+2 {
		t.Errorf("listed %d plans and %d jobs, want %d of each (every page)", len(inv.RestoreTests.Plans), len(inv.RestoreTests.Jobs), pageSize+2)
	}
	if len(f.after) == 0 || !slices.ContainsFunc(f.after, func(a time.Time) bool { return a.Equal(since) }) {
		t.Errorf("ListRestoreJobs created after %v, want %v", f.after, since)
	}

	off := fakeRestoreTesting{plans: f.plans}
	inv = collect(context.Background(), Clients{RestoreTesting: &off}, accounts.Target{Account: testAccount, Region: testRegion}, 4, time.Time{})
	if inv.failed(SourceRestoreTests) != nil || inv.RestoreTests.Plans != nil || len(off.after) != 0 {
		t.Errorf("with restore testing off restore testing was listed: %+v", inv.RestoreTests)
	}
}
