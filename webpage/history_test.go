package webpage

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

func row(at time.Time, service, resource, action string, status reconcile.Status) Row {
	return Row{At: at, Service: service, Account: "111111111111", Region: "eu-west-2", Resource: resource, Action: action, Status: status, Reason: "why"}
}

func resources(rows []Row) string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Resource)
	}
	return strings.Join(out, " ")
}

// Only what opsd did or tried goes into the history, with its owner where
// the action or another service's action on the resource says it.
func TestRowsOfKeepsWhatWasDoneOrTried(t *testing.T) {
	res := reconcile.Result{Service: "shutdown", Actions: []reconcile.Action{
		{Service: "shutdown", Account: "111111111111", Region: "eu-west-2", Resource: "i-1", Action: "stop", Status: reconcile.Done, Reason: "off period", Details: map[string]string{"name": "web-1"}},
		{Service: "shutdown", Account: "111111111111", Region: "eu-west-2", Resource: "i-2", Action: "start", Status: reconcile.Failed, Reason: "on period", Error: "start i-2: " + strings.Repeat("x", 400)},
		{Service: "shutdown", Account: "111111111111", Region: "eu-west-2", Resource: "i-3", Action: "report", Status: reconcile.Reported, Reason: "production"},
		{Service: "shutdown", Account: "111111111111", Region: "eu-west-2", Resource: "i-4", Action: "stop", Status: reconcile.Planned, Reason: "not attempted"},
		{Service: "shutdown", Account: "111111111111", Region: "eu-west-2", Resource: "i-5", Action: "none", Status: reconcile.Planned, Reason: "on period"},
	}}
	known := ownersOf([]reconcile.Result{{Service: "backup", Actions: []reconcile.Action{{Service: "backup", Account: "111111111111", Region: "eu-west-2",
		Resource: "arn:aws:ec2:eu-west-2:111111111111:instance/i-1", Status: reconcile.Reported,
		Details: map[string]string{"application": "payments", "team_email": "payments@example.com"}}}}})
	at := time.Date(2026, 11, 24, 19, 5, 0, 0, time.FixedZone("BST", 3600))
	rows := rowsOf(at, res, known)
	if got := resources(rows); got != "i-1 i-2" {
		t.Fatalf("rows for %q, want the done stop and the failed start only", got)
	}
	r := rows[0]
	if !r.At.Equal(at) || r.At.Location() != time.UTC || r.Name != "web-1" || r.Application != "payments" || r.TeamEmail != "payments@example.com" || r.Reason != "off period" {
		t.Errorf("row %+v", r)
	}
	if e := rows[1].Error; len([]rune(e)) != maxRowText || !strings.HasSuffix(e, "…") || rows[1].Application != "" {
		t.Errorf("a long error is kept whole (%d runes), or an owner made up: %+v", len([]rune(e)), rows[1])
	}
}

func TestMergeRows(t *testing.T) {
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	stop1, start1, stop2 := row(at(0), "shutdown", "i-1", "stop", reconcile.Done), row(at(12), "shutdown", "i-1", "start", reconcile.Done), row(at(0), "shutdown", "i-2", "stop", reconcile.Failed)
	for _, c := range []struct {
		name string
		a, b []Row
		want string
	}{
		{"nothing", nil, nil, ""},
		{"one side", []Row{stop1}, nil, "i-1"},
		{"newest first", []Row{stop1}, []Row{start1}, "i-1 i-1"},
		{"same time: by resource", []Row{stop2}, []Row{stop1}, "i-1 i-2"},
		{"a row on both replicas is one row", []Row{start1, stop1}, []Row{stop1, stop2}, "i-1 i-1 i-2"},
	} {
		got := mergeRows(c.a, c.b)
		if resources(got) != c.want {
			t.Errorf("%s: %q, want %q", c.name, resources(got), c.want)
		}
		for i := 1; i < len(got); i++ {
			if got[i].At.After(got[i-1].At) {
				t.Errorf("%s: not newest first: %v", c.name, got)
			}
		}
	}
}

func TestBoundRows(t *testing.T) {
	many := func(n int, reason string) []Row {
		rows := make([]Row, n)
		for i := range rows {
			rows[i] = row(t0.Add(-time.Duration(i)*time.Minute), "shutdown", "i-1", "stop", reconcile.Done)
			rows[i].Reason, rows[i].Error = reason, reason
		}
		return rows
	}
	long := strings.Repeat("r", maxRowText)
	b, _ := json.Marshal(many(1, long)[0])
	fit := maxHistoryBytes / (len(b) + 1)
	if fit >= maxHistoryRows {
		t.Fatalf("%d rows of %d bytes fit in the budget: the row cap comes first", fit, len(b))
	}
	for _, c := range []struct {
		name       string
		rows       []Row
		keep       time.Duration
		want       int
		wantCapped time.Time
	}{
		{"nothing", nil, time.Hour, 0, time.Time{}},
		{"within the period", many(10, "why"), time.Hour, 10, time.Time{}},
		{"older than the period, and at its edge, go", many(10, "why"), 5 * time.Minute, 5, time.Time{}},
		{"the row cap", many(maxHistoryRows+5, "why"), 30 * 24 * time.Hour, maxHistoryRows, t0.Add(-maxHistoryRows * time.Minute)},
		{"the byte budget, rows with long reasons and errors", many(maxHistoryRows, long), 30 * 24 * time.Hour, fit, t0.Add(-time.Duration(fit) * time.Minute)},
	} {
		got, capped := boundRows(c.rows, t0, c.keep)
		if len(got) != c.want || !capped.Equal(c.wantCapped) {
			t.Errorf("%s: %d rows, capped at %v; want %d, %v", c.name, len(got), capped, c.want, c.wantCapped)
		}
	}
}

// The history is the store's: a follower shows what the leader wrote, a
// new leader keeps it and adds to it, and a restart keeps it.
func TestHistoryAcrossReplicasAndRestarts(t *testing.T) {
	for _, kind := range []string{"memory", "file"} {
		t.Run(kind, func(t *testing.T) {
			var shared state.Store = state.NewMemory()
			if kind == "file" {
				f, _, err := state.OpenFile(filepath.Join(t.TempDir(), "state.db"), t0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				shared = f
			}
			ctx := context.Background()
			leader, follower := NewHistory(state.NewTolerant(shared, nil)), NewHistory(state.NewTolerant(shared, nil))
			leader.Observe(ctx, t0, shutdownResult(0, 2), 48*time.Hour, nil)
			rows, keep, _ := follower.Rows(ctx)
			if resources(rows) != "i-a i-b" || keep != 48*time.Hour {
				t.Fatalf("the follower shows %q over %s, want the leader's stops over its 48h", resources(rows), keep)
			}
			// The follower leads now, in the morning.
			morning := t0.Add(12 * time.Hour)
			start := reconcile.Result{Service: "shutdown", Actions: []reconcile.Action{{Service: "shutdown", Account: "111111111111", Region: "eu-west-2",
				Resource: "i-a", Action: "start", Status: reconcile.Done, Reason: "on period"}}}
			follower.Observe(ctx, morning, start, 48*time.Hour, nil)
			for name, h := range map[string]*History{"the old leader": leader, "a restart": NewHistory(state.NewTolerant(shared, nil))} {
				rows, _, _ := h.Rows(ctx)
				if resources(rows) != "i-a i-a i-b" || rows[0].Action != "start" || !rows[0].At.Equal(morning) {
					t.Errorf("%s shows %q, want the morning's start, then the night's stops", name, resources(rows))
				}
			}
			// Two days on, the night is past the period.
			follower.Observe(ctx, t0.Add(49*time.Hour), reconcile.Result{Service: "shutdown"}, 48*time.Hour, nil)
			if rows, _, _ := NewHistory(state.NewTolerant(shared, nil)).Rows(ctx); resources(rows) != "i-a" {
				t.Errorf("after the period: %q, want the morning's start only", resources(rows))
			}
			// The old leader's memory of the night goes too.
			if rows, _, _ := leader.Rows(ctx); resources(rows) != "i-a" {
				t.Errorf("the old leader still shows %q", resources(rows))
			}
		})
	}
}
