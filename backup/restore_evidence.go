package backup

import (
	"fmt"
	"sort"
	"time"
)

// RestoreTest is one restore job of an opsd restore testing plan, as
// evidence that a policy's backups restore.
type RestoreTest struct {
	JobID   string
	Account string
	Region  string
	// Policy is the BackupPolicy whose plan ran the test.
	Policy string
	// Application and Environment are the source resource's tags; empty
	// when unknown.
	Application string
	Environment string
	// ResourceType is AWS Backup's (EBS, RDS, DynamoDB, ...).
	ResourceType       string
	SourceARN          string
	CreatedResourceARN string
	// Status is the restore job's: PENDING, RUNNING, COMPLETED, ABORTED
	// or FAILED.
	Status string
	// Created and Completed are the job's creation and completion;
	// RecoveryPointCreated is when the restored point was taken.
	Created, Completed, RecoveryPointCreated time.Time
	// Probe is how long opsd's probe of the restored copy took (zero
	// when opsd did not probe it).
	Probe time.Duration
	// Validation is the job's validation status (SUCCESSFUL, FAILED,
	// TIMED_OUT, VALIDATING, or empty) and ValidationMessage its message.
	Validation        string
	ValidationMessage string
	// Deletion is the restored copy's deletion status: DELETING, FAILED,
	// SUCCESSFUL, or empty.
	Deletion string
}

// Restore job, validation and deletion statuses, as AWS Backup spells
// them.
const (
	jobCompleted        = "COMPLETED"
	validationSucceeded = "SUCCESSFUL"
	validationFailed    = "FAILED"
	validationTimedOut  = "TIMED_OUT"
	deletionFailed      = "FAILED"
	deletionSucceeded   = "SUCCESSFUL"
)

// TimeToUsable is how long the restore took to give a usable copy: job
// completion minus job creation, plus the probe's time. ok is false for
// a job that did not complete.
func (t RestoreTest) TimeToUsable() (d time.Duration, ok bool) {
	if t.Status != jobCompleted || t.Created.IsZero() || t.Completed.IsZero() {
		return 0, false
	}
	return t.Completed.Sub(t.Created) + t.Probe, true
}

// RecoveryPointAge is how old the restored recovery point was when the
// restore started: what would have been lost.
func (t RestoreTest) RecoveryPointAge() (time.Duration, bool) {
	if t.Created.IsZero() || t.RecoveryPointCreated.IsZero() {
		return 0, false
	}
	return t.Created.Sub(t.RecoveryPointCreated), true
}

// Validated reports whether the restore completed and its copy was
// validated as working.
func (t RestoreTest) Validated() bool {
	return t.Status == jobCompleted && t.Validation == validationSucceeded
}

// Objectives are what a policy promises, and what decides whether its
// restore tests show it.
type Objectives struct {
	RTO, RPO time.Duration
	// ColdStorageAfterDays is when points move to cold storage (0 never);
	// RetentionDays how long they are kept.
	ColdStorageAfterDays int
	RetentionDays        int
	// ValidationWindow is how long a restored copy is kept for
	// validation before AWS Backup deletes it.
	ValidationWindow time.Duration
}

// Breach kinds.
const (
	BreachRTO           = "rto-exceeded"
	BreachRPO           = "rpo-exceeded"
	BreachRestoreFailed = "restore-failed"
	BreachValidation    = "validation-failed"
	BreachNoTest        = "no-successful-test"
	BreachLeftover      = "leftover-copy"
	BreachColdStorage   = "cold-storage"
)

// Breach is one thing the evidence shows is wrong.
type Breach struct {
	Kind string
	// JobID is the restore job it concerns; empty for the policy or
	// application as a whole.
	JobID string
	Text  string
}

// Evidence is what the restore tests of one policy's resources of one
// application, in one account and region, show over the evidence window.
type Evidence struct {
	Account, Region, Policy, Application string
	// Environment is the application's environment tag, from its tests
	// or resources.
	Environment string
	RTO, RPO    time.Duration
	// Tests are the window's restore tests, newest first.
	Tests []RestoreTest
	// Latest is the newest completed test, nil when there is none;
	// LatestTimeToUsable and LatestRecoveryPointAge are its figures.
	Latest                 *RestoreTest
	LatestTimeToUsable     time.Duration
	LatestRecoveryPointAge time.Duration
	// WorstTimeToUsable and WorstRecoveryPointAge are the longest of the
	// window's completed tests.
	WorstTimeToUsable     time.Duration
	WorstRecoveryPointAge time.Duration
	// LastValidated is the newest validated test, nil when there is none.
	LastValidated *RestoreTest
	// Breaches are what is wrong, each once.
	Breaches []Breach
}

// Proven reports whether the evidence shows the policy holds for the
// application: a restore validated within the window whose time to
// usable was inside the RTO. It is what the audit's
// reliability.restore-tested check judges.
func (e Evidence) Proven() bool {
	_, ok := e.Proof()
	return ok
}

// Proof returns the newest test that proves the policy holds (see
// [Evidence.Proven]); ok is false when there is none.
func (e Evidence) Proof() (t RestoreTest, ok bool) {
	for _, t := range e.Tests {
		if d, ok := t.TimeToUsable(); ok && t.Validated() && d <= e.RTO {
			return t, true
		}
	}
	return RestoreTest{}, false
}

// RTOBreached reports whether the newest completed restore took longer
// than the RTO: the condition a production application is paged for.
func (e Evidence) RTOBreached() bool { return e.Latest != nil && e.LatestTimeToUsable > e.RTO }

// EvidenceScope is one policy and application with resources in an
// account and region: evidence is drawn up for each, tested or not.
type EvidenceScope struct {
	Account, Region, Policy, Application, Environment string
}

// leftoverGrace is how long after the validation window a restored copy
// may still be being deleted before it counts as left behind.
const leftoverGrace = time.Hour

// BuildEvidence draws up the evidence of each scope and of each policy
// and application that tests name, from the tests created within window
// before now. objectives are by policy; a test of a policy without them
// is left out. coldDelay is how much longer a restore from cold storage
// is taken to be.
func BuildEvidence(tests []RestoreTest, scopes []EvidenceScope, objectives map[string]Objectives, now time.Time, window, coldDelay time.Duration) []Evidence {
	type key struct{ account, region, policy, app string }
	groups := map[key]*Evidence{}
	get := func(account, region, policy, app, env string) *Evidence {
		k := key{account, region, policy, app}
		e := groups[k]
		if e == nil {
			o := objectives[policy]
			e = &Evidence{Account: account, Region: region, Policy: policy, Application: app, RTO: o.RTO, RPO: o.RPO}
			groups[k] = e
		}
		if e.Environment == "" {
			e.Environment = env
		}
		return e
	}
	for _, s := range scopes {
		if _, ok := objectives[s.Policy]; ok {
			get(s.Account, s.Region, s.Policy, s.Application, s.Environment)
		}
	}
	from := now.Add(-window)
	for _, t := range tests {
		if _, ok := objectives[t.Policy]; !ok || t.Created.Before(from) || t.Created.After(now) {
			continue
		}
		e := get(t.Account, t.Region, t.Policy, t.Application, t.Environment)
		e.Tests = append(e.Tests, t)
	}
	out := make([]Evidence, 0, len(groups))
	for _, e := range groups {
		e.judge(objectives[e.Policy], now, window, coldDelay)
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		if a.Policy != b.Policy {
			return a.Policy < b.Policy
		}
		return a.Application < b.Application
	})
	return out
}

// judge fills in the figures and breaches from e.Tests.
func (e *Evidence) judge(o Objectives, now time.Time, window, coldDelay time.Duration) {
	sort.SliceStable(e.Tests, func(i, j int) bool { return e.Tests[i].Created.After(e.Tests[j].Created) })
	add := func(kind, job, format string, args ...any) {
		e.Breaches = append(e.Breaches, Breach{Kind: kind, JobID: job, Text: fmt.Sprintf(format, args...)})
	}
	for i := range e.Tests {
		t := &e.Tests[i]
		if d, ok := t.TimeToUsable(); ok {
			if e.Latest == nil {
				e.Latest, e.LatestTimeToUsable = t, d
				e.LatestRecoveryPointAge, _ = t.RecoveryPointAge()
			}
			e.WorstTimeToUsable = max(e.WorstTimeToUsable, d)
			if d > e.RTO {
				add(BreachRTO, t.JobID, "restore of %s took %s to usable, over the RTO of %s", t.SourceARN, hours(d), hours(e.RTO))
			}
		}
		if age, ok := t.RecoveryPointAge(); ok && t.Status == jobCompleted {
			e.WorstRecoveryPointAge = max(e.WorstRecoveryPointAge, age)
			if age > e.RPO {
				add(BreachRPO, t.JobID, "restored recovery point of %s was %s old, over the RPO of %s", t.SourceARN, hours(age), hours(e.RPO))
			}
		}
		if e.LastValidated == nil && t.Validated() {
			e.LastValidated = t
		}
		switch {
		case t.Status == "FAILED" || t.Status == "ABORTED":
			add(BreachRestoreFailed, t.JobID, "restore of %s %s", t.SourceARN, t.Status)
		case t.Validation == validationFailed || t.Validation == validationTimedOut:
			msg := ""
			if t.ValidationMessage != "" {
				msg = ": " + t.ValidationMessage
			}
			add(BreachValidation, t.JobID, "restored copy %s of %s failed validation (%s)%s", t.CreatedResourceARN, t.SourceARN, t.Validation, msg)
		}
		if why := leftover(*t, o.ValidationWindow, now); why != "" {
			add(BreachLeftover, t.JobID, "restored copy %s of %s %s", t.CreatedResourceARN, t.SourceARN, why)
		}
	}
	if e.LastValidated == nil {
		add(BreachNoTest, "", "no validated restore test of %s resources of %s in the last %s", e.Policy, applicationName(e.Application), hours(window))
	}
	if why := ColdStorageRisk(o, e.WorstTimeToUsable, coldDelay); why != "" {
		add(BreachColdStorage, "", "%s", why)
	}
}

// leftover says why a test's restored copy is left behind, or "": its
// deletion failed, or it is still being deleted well after the
// validation window closed.
func leftover(t RestoreTest, validationWindow time.Duration, now time.Time) string {
	switch {
	case t.CreatedResourceARN == "":
		return ""
	case t.Deletion == deletionFailed:
		return "was not deleted (DeletionStatus FAILED): it costs money and may hold data where it should not"
	case t.Deletion != deletionSucceeded && t.Status == jobCompleted && !t.Completed.IsZero() &&
		now.After(t.Completed.Add(validationWindow+leftoverGrace)):
		return fmt.Sprintf("is still there %s after the validation window closed (DeletionStatus %s)", hours(now.Sub(t.Completed.Add(validationWindow))), orNone(t.Deletion))
	}
	return ""
}

// ColdStorageRisk says why a policy's lifecycle keeps its RTO from being
// shown, or "": its points move to cold storage before the end of their
// retention, and a restore from cold storage takes about coldDelay more
// than the worst measured restore (worst), which the RTO does not allow.
// Restore tests choose recent points, which are still warm, so they can
// never show it.
func ColdStorageRisk(o Objectives, worst, coldDelay time.Duration) string {
	cold := o.ColdStorageAfterDays
	if cold <= 0 || (o.RetentionDays > 0 && cold >= o.RetentionDays) {
		return ""
	}
	if worst+coldDelay < o.RTO { // a restore never takes no time: the delay alone at the RTO is over it
		return ""
	}
	return fmt.Sprintf("recovery points move to cold storage after %s: a restore from cold storage takes about %s more, %s with the worst measured restore, over the RTO of %s; points older than %s cannot be shown to restore within the RTO",
		days(int64(cold)), hours(coldDelay), hours(worst+coldDelay), hours(o.RTO), days(int64(cold)))
}

// applicationName names an application for a message.
func applicationName(app string) string {
	if app == "" {
		return "no application"
	}
	return "application " + app
}
