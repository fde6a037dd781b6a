package audit

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/opsd-dev/opsd/backup"
)

// RestoreTestRules are what the reliability.restore-tested check judges
// by, taken from the backup service's configuration.
type RestoreTestRules struct {
	// Enabled says backup restore testing runs (backup.enabled and
	// backup.restore_testing.enabled); Off says why not, when it does not.
	Enabled bool
	Off     string
	// Objectives are each backup policy's RTO and RPO, by BackupPolicy
	// value; a data store of another policy is not judged.
	Objectives map[string]backup.Objectives
	// Plans name opsd's restore testing plan of each policy.
	Plans map[string]string
	// Window is how far back restore tests count; zero means 30 days.
	Window time.Duration
	// ColdDelay is how much longer a restore from cold storage is taken
	// to be.
	ColdDelay time.Duration
}

// window is how far back restore tests count.
func (r RestoreTestRules) window() time.Duration {
	if r.Window <= 0 {
		return 30 * 24 * time.Hour
	}
	return r.Window
}

// since is from when restore jobs are listed as of now; zero when
// restore testing is off, and nothing is listed.
func (r RestoreTestRules) since(now time.Time) time.Time {
	if !r.Enabled || len(r.Objectives) == 0 {
		return time.Time{}
	}
	return now.Add(-r.window())
}

// checkRestoreTested: each application's backups are shown to restore in
// time. Per backup policy and application with data stores in an account
// and region, it passes only with a restore test of opsd's restore
// testing plan, created within the window (30 days), whose copy was
// validated (ValidationStatus SUCCESSFUL) and whose time to usable (job
// completion minus creation) is inside the policy's RTO: the rule of
// [backup.Evidence.Proven]. A restore job belongs to the application of
// its source resource's tags, as backup's evidence does. A warning, not
// critical: a breach does not itself lose data, and a production RTO
// breach is paged by the backup service already.
func checkRestoreTested() Check {
	return Check{
		ID:       "reliability.restore-tested",
		Pillar:   PillarReliability,
		Severity: Warning,
		Title:    "Backups are shown to restore: a restore test validated within 30 days, inside the policy's RTO",
		Kinds:    []Kind{KindRestoreTests},
		Uses:     []Source{SourceRDS, SourceDynamoDB, SourceEFS, SourceEC2},
		Evaluate: restoreTested,
	}
}

// restoreOwners are the data stores of inv with a backup policy that has
// objectives, by ARN.
func restoreOwners(r *Rules, inv *Inventory) (map[string]Resource, []Resource) {
	var all []Resource
	for _, db := range inv.DBInstances {
		if db.Cluster == "" {
			all = append(all, db.Resource)
		}
	}
	for _, c := range inv.DBClusters {
		all = append(all, c.Resource)
	}
	for _, t := range inv.Tables {
		all = append(all, t.Resource)
	}
	for _, f := range inv.FileSystems {
		all = append(all, f.Resource)
	}
	for _, i := range inv.Instances {
		all = append(all, i.Resource)
	}
	byARN := map[string]Resource{}
	var scoped []Resource
	for _, res := range all {
		if res.ARN != "" {
			byARN[res.ARN] = res
		}
		if _, ok := r.RestoreTests.Objectives[strings.TrimSpace(res.Tags[r.Keys.BackupPolicy])]; ok {
			scoped = append(scoped, res)
		}
	}
	return byARN, scoped
}

func restoreTested(r *Rules, inv *Inventory) []Finding {
	rt := r.RestoreTests
	if len(rt.Objectives) == 0 {
		return nil
	}
	byARN, scoped := restoreOwners(r, inv)
	tagOf := func(res Resource, key string) string { return strings.TrimSpace(res.Tags[key]) }
	var scopes []backup.EvidenceScope
	for _, res := range scoped {
		scopes = append(scopes, backup.EvidenceScope{Account: inv.Account, Region: inv.Region, Policy: tagOf(res, r.Keys.BackupPolicy),
			Application: tagOf(res, r.Keys.Application), Environment: tagOf(res, r.Keys.Environment)})
	}
	if rt.since(r.Now).IsZero() {
		return restoreNotJudged(r, inv, scopes, NotApplicable, restoreOff(rt))
	}
	if err := inv.failed(SourceRestoreTests); err != nil {
		return restoreNotJudged(r, inv, scopes, Unknown, fmt.Sprintf("not assessed: restore testing could not be read (%v)", err))
	}
	policyOf := map[string]string{} // plan ARN → policy
	planARN := map[string]string{}  // policy → plan ARN
	for policy, name := range rt.Plans {
		if arn := inv.RestoreTests.Plans[name]; arn != "" {
			policyOf[arn], planARN[policy] = policy, arn
		}
	}
	var tests []backup.RestoreTest
	for _, j := range inv.RestoreTests.Jobs {
		if j.CreatedBy == nil {
			continue // a restore someone started, not a restore test
		}
		policy, ok := policyOf[aws.ToString(j.CreatedBy.RestoreTestingPlanArn)]
		if !ok {
			continue
		}
		t := backup.NewRestoreTest(j, inv.Account, inv.Region, policy)
		if src, ok := byARN[t.SourceARN]; ok {
			t.Application, t.Environment = tagOf(src, r.Keys.Application), tagOf(src, r.Keys.Environment)
		}
		tests = append(tests, t)
	}
	var out []Finding
	for _, e := range backup.BuildEvidence(tests, scopes, rt.Objectives, r.Now, rt.window(), rt.ColdDelay) {
		res := restoreResource(r, e.Policy, e.Application, e.Environment)
		res.ARN = planARN[e.Policy]
		out = append(out, restoreVerdict(r, inv, res, e, rt, planARN[e.Policy] != ""))
	}
	return out
}

// restoreOff says why restore tests are not judged.
func restoreOff(rt RestoreTestRules) string {
	if rt.Off != "" {
		return rt.Off
	}
	return "backup restore testing is off (backup.restore_testing.enabled is false): no restore is tested, so none shows the RTO"
}

// restoreResource is the resource a verdict on the restore tests of
// policy's data stores of app is about.
func restoreResource(r *Rules, policy, app, env string) Resource {
	id := policy + "/" + app
	if app == "" {
		id = policy + "/" + Untagged
	}
	return Resource{Kind: KindRestoreTests, ID: id, Name: "restore tests of " + r.Keys.BackupPolicy + "=" + policy,
		Tags: map[string]string{r.Keys.Application: app, r.Keys.Environment: env}}
}

// restoreNotJudged gives every policy and application of scopes one
// verdict st, saying why.
func restoreNotJudged(r *Rules, inv *Inventory, scopes []backup.EvidenceScope, st Status, why string) []Finding {
	seen := map[string]bool{}
	var out []Finding
	for _, s := range scopes {
		k := s.Policy + "|" + s.Application
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, r.verdict(inv, restoreResource(r, s.Policy, s.Application, s.Environment), st, "%s", why))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}

// restoreVerdict judges one policy and application's evidence: pass with
// a proof, else fail saying why.
func restoreVerdict(r *Rules, inv *Inventory, res Resource, e backup.Evidence, rt RestoreTestRules, planned bool) Finding {
	hrs, window := backup.FormatDuration, restoreWindowText(rt.window())
	if t, ok := e.Proof(); ok {
		d, _ := t.TimeToUsable()
		reason := fmt.Sprintf("restore of %s validated %s (job %s): %s to usable, inside the RTO of %s", t.SourceARN,
			t.Completed.UTC().Format(time.RFC3339), t.JobID, hrs(d), hrs(e.RTO))
		if age, ok := t.RecoveryPointAge(); ok {
			reason += fmt.Sprintf("; recovery point %s old (RPO %s)", hrs(age), hrs(e.RPO))
		}
		return r.pass(inv, res, "%s", reason)
	}
	breach := func(kind string) (backup.Breach, bool) {
		for _, b := range e.Breaches {
			if b.Kind == kind {
				return b, true
			}
		}
		return backup.Breach{}, false
	}
	if v := e.LastValidated; v != nil {
		d, _ := v.TimeToUsable()
		return r.fail(inv, res, "RTO exceeded: the last validated restore (job %s, %s) took %s to usable, over the RTO of %s",
			v.JobID, v.Completed.UTC().Format(time.RFC3339), hrs(d), hrs(e.RTO))
	}
	if b, ok := breach(backup.BreachValidation); ok {
		return r.fail(inv, res, "validation failed: %s (job %s); no validated restore in the last %s", b.Text, b.JobID, window)
	}
	if b, ok := breach(backup.BreachRestoreFailed); ok {
		return r.fail(inv, res, "restore failed: %s (job %s); no validated restore in the last %s", b.Text, b.JobID, window)
	}
	if len(e.Tests) == 0 {
		why := fmt.Sprintf("no restore test in the last %s", window)
		if !planned {
			why += fmt.Sprintf(" (no restore testing plan %s here)", rt.Plans[e.Policy])
		}
		return r.fail(inv, res, "%s", why)
	}
	t := e.Tests[0]
	return r.fail(inv, res, "no validated restore in the last %s: the latest restore test (job %s) is %s, validation %s",
		window, t.JobID, t.Status, orDash(t.Validation))
}

// restoreWindowText says the window in days when whole.
func restoreWindowText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return backup.FormatDuration(d)
}

func orDash(s string) string {
	if s == "" {
		return "not yet reported"
	}
	return s
}
