package backup

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// badJobStates are the backup job states people are told about.
func badJobStates() []types.BackupJobState {
	return []types.BackupJobState{types.BackupJobStateFailed, types.BackupJobStateAborted, types.BackupJobStateExpired}
}

// healthObserver reads backup jobs and protected resources. It makes
// read-only calls only.
type healthObserver struct{ api BackupAPI }

// jobs lists the failed, aborted and expired backup jobs created after
// since.
func (ob healthObserver) jobs(ctx context.Context, since time.Time) ([]types.BackupJob, error) {
	var out []types.BackupJob
	for _, state := range badJobStates() {
		p := backup.NewListBackupJobsPaginator(ob.api, &backup.ListBackupJobsInput{ByState: state, ByCreatedAfter: aws.Time(since)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return out, fmt.Errorf("list %s backup jobs: %w", state, err)
			}
			out = append(out, page.BackupJobs...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return aws.ToTime(out[i].CreationDate).Before(aws.ToTime(out[j].CreationDate))
	})
	return out, nil
}

// lastBackups returns each protected resource's latest backup time, by
// resource ARN.
func (ob healthObserver) lastBackups(ctx context.Context) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	p := backup.NewListProtectedResourcesPaginator(ob.api, &backup.ListProtectedResourcesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list protected resources: %w", err)
		}
		for _, r := range page.Results {
			if r.LastBackupTime != nil {
				out[aws.ToString(r.ResourceArn)] = *r.LastBackupTime
			}
		}
	}
	return out, nil
}

// StaleBackup is a resource whose policy's RPO (plus grace) has passed
// since its latest backup.
type StaleBackup struct {
	Store  Store
	Policy string
	// Last is the latest backup; zero when there has never been one.
	Last time.Time
	// Limit is the policy's RPO plus the grace period.
	Limit time.Duration
}

// key identifies the alert: it is told again only after a newer backup
// that is itself stale.
func (s StaleBackup) key() string {
	return s.Store.ARN + "|" + s.Last.UTC().Format(time.RFC3339)
}

// Text says what is wrong, for people.
func (s StaleBackup) Text(now time.Time) string {
	if s.Last.IsZero() {
		return fmt.Sprintf("never backed up (policy %s wants one every %s)", s.Policy, hours(s.Limit))
	}
	return fmt.Sprintf("latest backup %s ago, at %s (policy %s allows %s)", hours(now.Sub(s.Last).Truncate(time.Minute)), s.Last.UTC().Format(time.RFC3339), s.Policy, hours(s.Limit))
}

// freshness decides which resources' backups are stale. It is pure.
type freshness struct {
	a auditor
	// rpo is each policy's RPO.
	rpo map[string]time.Duration
	// planCreated is when each policy's plan was created in this account
	// and region; a resource is expected to have a first backup only once
	// the plan is older than the limit.
	planCreated map[string]time.Time
	grace       time.Duration
}

// stale returns the resources with a valid BackupPolicy tag whose latest
// backup (last, by ARN) is older than their policy's RPO plus the grace
// period, and those never backed up although both they and their policy's
// plan are older than that.
func (f freshness) stale(stores []Store, last map[string]time.Time, now time.Time) []StaleBackup {
	var out []StaleBackup
	for _, s := range stores {
		policy, ok := f.a.policy(s)
		if !ok {
			continue
		}
		limit := f.rpo[policy] + f.grace
		if t, ok := last[s.ARN]; ok {
			if now.Sub(t) > limit {
				out = append(out, StaleBackup{Store: s, Policy: policy, Last: t, Limit: limit})
			}
			continue
		}
		created, ok := f.planCreated[policy]
		if !ok || now.Sub(created) <= limit || (!s.Created.IsZero() && now.Sub(s.Created) <= limit) {
			continue
		}
		out = append(out, StaleBackup{Store: s, Policy: policy, Limit: limit})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Store.ARN < out[j].Store.ARN })
	return out
}

// hours formats a duration in hours and minutes: "26h", "26h30m", "45m".
func hours(d time.Duration) string {
	d = d.Truncate(time.Minute)
	h, m := int64(d/time.Hour), int64(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%dm", m)
	case m == 0:
		return fmt.Sprintf("%dh", h)
	}
	return fmt.Sprintf("%dh%dm", h, m)
}
