package backup

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var evNow = time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)

// rt is a completed, validated restore test created at created, taking
// took, of a point rpAge old.
func rt(id string, created time.Time, took, rpAge time.Duration) RestoreTest {
	return RestoreTest{JobID: id, Account: "111111111111", Region: "eu-west-2", Policy: "Prod", Application: "orders",
		ResourceType: "RDS", SourceARN: "arn:aws:rds:eu-west-2:111111111111:db:orders", CreatedResourceARN: "arn:aws:rds:eu-west-2:111111111111:db:restored-" + id,
		Status: jobCompleted, Created: created, Completed: created.Add(took), RecoveryPointCreated: created.Add(-rpAge),
		Validation: validationSucceeded, Deletion: deletionSucceeded}
}

func TestRestoreTestArithmetic(t *testing.T) {
	created := evNow.Add(-48 * time.Hour)
	for _, tc := range []struct {
		name      string
		test      RestoreTest
		usable    time.Duration
		usableOK  bool
		age       time.Duration
		validated bool
	}{
		{"one hour restore, probe 2m", func() RestoreTest {
			x := rt("a", created, time.Hour, 20*time.Hour)
			x.Probe = 2 * time.Minute
			return x
		}(),
			time.Hour + 2*time.Minute, true, 20 * time.Hour, true},
		{"five hour restore", rt("b", created, 5*time.Hour, 3*time.Hour), 5 * time.Hour, true, 3 * time.Hour, true},
		{"still running: no time to usable", func() RestoreTest { x := rt("c", created, time.Hour, time.Hour); x.Status = "RUNNING"; return x }(),
			0, false, time.Hour, false},
		{"failed validation is not validated", func() RestoreTest {
			x := rt("d", created, time.Hour, time.Hour)
			x.Validation = validationFailed
			return x
		}(),
			time.Hour, true, time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := tc.test.TimeToUsable()
			if d != tc.usable || ok != tc.usableOK {
				t.Errorf("TimeToUsable() = %s, %v; want %s, %v", d, ok, tc.usable, tc.usableOK)
			}
			if a, _ := tc.test.RecoveryPointAge(); a != tc.age {
				t.Errorf("RecoveryPointAge() = %s, want %s", a, tc.age)
			}
			if v := tc.test.Validated(); v != tc.validated {
				t.Errorf("Validated() = %v, want %v", v, tc.validated)
			}
		})
	}
}

func kinds(e Evidence) []string {
	var out []string
	for _, b := range e.Breaches {
		out = append(out, b.Kind)
	}
	slices.Sort(out)
	return out
}

func TestBuildEvidence(t *testing.T) {
	obj := map[string]Objectives{"Prod": {RTO: 4 * time.Hour, RPO: 24 * time.Hour, RetentionDays: 30, ValidationWindow: 4 * time.Hour}}
	day := func(n int) time.Time { return evNow.Add(-time.Duration(n) * 24 * time.Hour) }
	scope := EvidenceScope{Account: "111111111111", Region: "eu-west-2", Policy: "Prod", Application: "orders"}
	for _, tc := range []struct {
		name                  string
		tests                 []RestoreTest
		obj                   map[string]Objectives
		wantKinds             []string
		latest, worst, worst2 time.Duration // latest and worst time to usable, worst RP age
		proven                bool
	}{
		{name: "restores of 1h pass", tests: []RestoreTest{rt("a", day(20), time.Hour, 20*time.Hour), rt("b", day(2), 50*time.Minute, 10*time.Hour)},
			latest: 50 * time.Minute, worst: time.Hour, worst2: 20 * time.Hour, proven: true},
		{name: "a 5h restore breaches the RTO; latest counts", tests: []RestoreTest{rt("a", day(20), time.Hour, time.Hour), rt("b", day(2), 5*time.Hour, time.Hour)},
			wantKinds: []string{BreachRTO}, latest: 5 * time.Hour, worst: 5 * time.Hour, worst2: time.Hour, proven: true},
		{name: "exactly the RTO is inside it", tests: []RestoreTest{rt("a", day(2), 4*time.Hour, time.Hour)},
			latest: 4 * time.Hour, worst: 4 * time.Hour, worst2: time.Hour, proven: true},
		{name: "recovery point older than the RPO", tests: []RestoreTest{rt("a", day(2), time.Hour, 30*time.Hour)},
			wantKinds: []string{BreachRPO}, latest: time.Hour, worst: time.Hour, worst2: 30 * time.Hour, proven: true},
		{name: "failed validation: no validated test", tests: []RestoreTest{func() RestoreTest {
			x := rt("a", day(2), time.Hour, time.Hour)
			x.Validation, x.ValidationMessage = validationFailed, "table not ACTIVE"
			return x
		}()}, wantKinds: []string{BreachNoTest, BreachValidation}, latest: time.Hour, worst: time.Hour, worst2: time.Hour},
		{name: "restore job failed", tests: []RestoreTest{func() RestoreTest {
			x := rt("a", day(2), time.Hour, time.Hour)
			x.Status, x.Validation = "FAILED", ""
			return x
		}()},
			wantKinds: []string{BreachNoTest, BreachRestoreFailed}},
		{name: "deletion failed: copy left behind", tests: []RestoreTest{func() RestoreTest { x := rt("a", day(2), time.Hour, time.Hour); x.Deletion = deletionFailed; return x }()},
			wantKinds: []string{BreachLeftover}, latest: time.Hour, worst: time.Hour, worst2: time.Hour, proven: true},
		{name: "still deleting long after the window: left behind", tests: []RestoreTest{func() RestoreTest { x := rt("a", day(2), time.Hour, time.Hour); x.Deletion = "DELETING"; return x }()},
			wantKinds: []string{BreachLeftover}, latest: time.Hour, worst: time.Hour, worst2: time.Hour, proven: true},
		{name: "deleting inside the window is fine", tests: []RestoreTest{func() RestoreTest {
			x := rt("a", evNow.Add(-3*time.Hour), time.Hour, time.Hour)
			x.Deletion = "DELETING"
			return x
		}()}, latest: time.Hour, worst: time.Hour, worst2: time.Hour, proven: true},
		{name: "no test in 30 days (one 40 days ago is out of the window)", tests: []RestoreTest{rt("old", day(40), time.Hour, time.Hour)},
			wantKinds: []string{BreachNoTest}},
		{name: "cold storage after 7 days with a 4h RTO is flagged",
			obj:   map[string]Objectives{"Prod": {RTO: 4 * time.Hour, RPO: 24 * time.Hour, RetentionDays: 120, ColdStorageAfterDays: 7, ValidationWindow: 4 * time.Hour}},
			tests: []RestoreTest{rt("a", day(2), time.Hour, time.Hour)}, wantKinds: []string{BreachColdStorage}, latest: time.Hour, worst: time.Hour, worst2: time.Hour, proven: true},
		{name: "cold storage with a 12h RTO leaves room",
			obj:   map[string]Objectives{"Prod": {RTO: 12 * time.Hour, RPO: 24 * time.Hour, RetentionDays: 120, ColdStorageAfterDays: 7, ValidationWindow: 4 * time.Hour}},
			tests: []RestoreTest{rt("a", day(2), time.Hour, time.Hour)}, latest: time.Hour, worst: time.Hour, worst2: time.Hour, proven: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := obj
			if tc.obj != nil {
				o = tc.obj
			}
			got := BuildEvidence(tc.tests, []EvidenceScope{scope}, o, evNow, 30*24*time.Hour, 4*time.Hour)
			if len(got) != 1 {
				t.Fatalf("evidence = %+v, want one group", got)
			}
			e := got[0]
			if k := kinds(e); !slices.Equal(k, tc.wantKinds) {
				t.Errorf("breaches = %v (%+v), want %v", k, e.Breaches, tc.wantKinds)
			}
			if e.LatestTimeToUsable != tc.latest || e.WorstTimeToUsable != tc.worst || e.WorstRecoveryPointAge != tc.worst2 {
				t.Errorf("latest %s worst %s worst RP age %s; want %s %s %s", e.LatestTimeToUsable, e.WorstTimeToUsable, e.WorstRecoveryPointAge, tc.latest, tc.worst, tc.worst2)
			}
			if e.Proven() != tc.proven {
				t.Errorf("Proven() = %v, want %v", e.Proven(), tc.proven)
			}
		})
	}
}

func TestBuildEvidenceGroupsByApplication(t *testing.T) {
	obj := map[string]Objectives{"Prod": {RTO: 4 * time.Hour, RPO: 24 * time.Hour}}
	a := rt("a", evNow.Add(-time.Hour*30), time.Hour, time.Hour)
	b := rt("b", evNow.Add(-time.Hour*30), 5*time.Hour, time.Hour)
	b.Application = "billing"
	other := rt("c", evNow.Add(-time.Hour*30), time.Hour, time.Hour)
	other.Policy = "Unknown"
	got := BuildEvidence([]RestoreTest{a, b, other}, nil, obj, evNow, 30*24*time.Hour, 4*time.Hour)
	if len(got) != 2 || got[0].Application != "billing" || got[1].Application != "orders" {
		t.Fatalf("evidence = %+v, want billing and orders of Prod only", got)
	}
	if !got[0].RTOBreached() || got[1].RTOBreached() {
		t.Errorf("RTOBreached billing %v orders %v, want true false", got[0].RTOBreached(), got[1].RTOBreached())
	}
}

func TestColdStorageRisk(t *testing.T) {
	for _, tc := range []struct {
		name  string
		o     Objectives
		worst time.Duration
		flag  bool
	}{
		{"no cold storage", Objectives{RTO: 4 * time.Hour, RetentionDays: 30}, time.Hour, false},
		{"cold after 30 of 120 days, RTO 4h", Objectives{RTO: 4 * time.Hour, RetentionDays: 120, ColdStorageAfterDays: 30}, time.Hour, true},
		{"untested: the cold delay alone reaches the RTO", Objectives{RTO: 4 * time.Hour, RetentionDays: 120, ColdStorageAfterDays: 30}, 0, true},
		{"RTO 8h allows a 3h restore plus 4h", Objectives{RTO: 8 * time.Hour, RetentionDays: 120, ColdStorageAfterDays: 30}, 3 * time.Hour, false},
		{"RTO 8h with a 5h restore", Objectives{RTO: 8 * time.Hour, RetentionDays: 120, ColdStorageAfterDays: 30}, 5 * time.Hour, true},
		{"cold only after retention ends", Objectives{RTO: 4 * time.Hour, RetentionDays: 30, ColdStorageAfterDays: 30}, time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			why := ColdStorageRisk(tc.o, tc.worst, 4*time.Hour)
			if (why != "") != tc.flag {
				t.Errorf("ColdStorageRisk = %q, want flagged %v", why, tc.flag)
			}
			if tc.flag && !strings.Contains(why, "cold storage after") {
				t.Errorf("reason %q does not say when points go cold", why)
			}
		})
	}
}
