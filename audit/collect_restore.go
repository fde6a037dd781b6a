package audit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// RestoreTests are the AWS Backup restore testing plans of one account
// and region and the restore jobs created since Since.
type RestoreTests struct {
	// Since is from when restore jobs are listed; zero when restore
	// testing is off and nothing is listed.
	Since time.Time
	// Plans are the restore testing plans, name → ARN.
	Plans map[string]string
	// Jobs are the restore jobs created since Since.
	Jobs []types.RestoreJobsListMember
}

// collectRestoreTests lists the restore testing plans and the restore
// jobs created since inv.RestoreTests.Since; with restore testing off it
// lists nothing.
func collectRestoreTests(ctx context.Context, c Clients, inv *Inventory) error {
	rt := &inv.RestoreTests
	if rt.Since.IsZero() {
		return nil
	}
	if c.RestoreTesting == nil {
		return errors.New("list restore testing plans: no AWS Backup client")
	}
	plans := map[string]string{}
	pp := backup.NewListRestoreTestingPlansPaginator(c.RestoreTesting, &backup.ListRestoreTestingPlansInput{})
	for pp.HasMorePages() {
		page, err := pp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list restore testing plans: %w", err)
		}
		for _, p := range page.RestoreTestingPlans {
			plans[aws.ToString(p.RestoreTestingPlanName)] = aws.ToString(p.RestoreTestingPlanArn)
		}
	}
	var jobs []types.RestoreJobsListMember
	jp := backup.NewListRestoreJobsPaginator(c.RestoreTesting, &backup.ListRestoreJobsInput{ByCreatedAfter: aws.Time(rt.Since)})
	for jp.HasMorePages() {
		page, err := jp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list restore jobs created after %s: %w", rt.Since.UTC().Format(time.RFC3339), err)
		}
		jobs = append(jobs, page.RestoreJobs...)
	}
	rt.Plans, rt.Jobs = plans, jobs
	return nil
}

// ranCollectors is how many collectors listed something in inv: all but
// the restore tests' when restore testing is off.
func ranCollectors(inv *Inventory) int {
	n := len(collectors())
	if inv.RestoreTests.Since.IsZero() {
		n--
	}
	if !inv.MonitorCoverage.On {
		n--
	}
	return n
}
