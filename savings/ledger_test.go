package savings

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

func london(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is a London wall-clock time, "2006-01-02 15:04".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, london(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// run is one shutdown reconcile that did verb to the instance.
func run(verb string, details map[string]string) reconcile.Result {
	d := map[string]string{"kind": "ec2", "application": "billing", "team_email": "pay@example.com"}
	for k, v := range details {
		d[k] = v
	}
	return reconcile.Result{Service: "shutdown", Actions: []reconcile.Action{
		{Service: "shutdown", Account: "111111111111", Region: "eu-west-2", Resource: "i-1", Action: verb, Status: reconcile.Done, Details: d},
		// Not done, or not shutdown's: no part of the ledger.
		{Service: "shutdown", Account: "111111111111", Region: "eu-west-2", Resource: "i-2", Action: verb, Status: reconcile.Failed, Details: d},
		{Service: "patching", Account: "111111111111", Region: "eu-west-2", Resource: "i-3", Action: verb, Status: reconcile.Done, Details: d},
	}}
}

// record replays stops and starts: "stop 2026-01-05 19:00", ...
func record(t *testing.T, events ...string) Doc {
	t.Helper()
	var doc Doc
	for _, e := range events {
		verb, when := e[:5], e[6:]
		if verb == "start" {
			Record(&doc, at(t, when), run("start", nil))
		} else {
			Record(&doc, at(t, when), run("stop", nil))
		}
	}
	return doc
}

func TestLedgerHoursFromARecordedWeek(t *testing.T) {
	loc := london(t)
	for _, tc := range []struct {
		name   string
		events []string
		month  string // YYYY-MM
		now    string // the report's clock; "" after the month
		hours  float64
		days   map[string]float64
	}{
		{
			name: "weekday nights, 19:00 to 07:00 Monday to Thursday",
			events: []string{"stop  2026-01-05 19:00", "start 2026-01-06 07:00", "stop  2026-01-06 19:00", "start 2026-01-07 07:00",
				"stop  2026-01-07 19:00", "start 2026-01-08 07:00", "stop  2026-01-08 19:00", "start 2026-01-09 07:00"},
			month: "2026-01", hours: 48,
			days: map[string]float64{"2026-01-05": 5, "2026-01-06": 12, "2026-01-07": 12, "2026-01-08": 12, "2026-01-09": 7},
		},
		{
			name:   "a weekend, Friday 19:00 to Monday 07:00",
			events: []string{"stop  2026-01-09 19:00", "start 2026-01-12 07:00"},
			month:  "2026-01", hours: 60,
			days: map[string]float64{"2026-01-09": 5, "2026-01-10": 24, "2026-01-11": 24, "2026-01-12": 7},
		},
		{
			name: "the whole week: four nights and the weekend",
			events: []string{"stop  2026-01-05 19:00", "start 2026-01-06 07:00", "stop  2026-01-06 19:00", "start 2026-01-07 07:00",
				"stop  2026-01-07 19:00", "start 2026-01-08 07:00", "stop  2026-01-08 19:00", "start 2026-01-09 07:00",
				"stop  2026-01-09 19:00", "start 2026-01-12 07:00"},
			month: "2026-01", hours: 108,
			days: map[string]float64{"2026-01-05": 5, "2026-01-06": 12, "2026-01-07": 12, "2026-01-08": 12, "2026-01-09": 12,
				"2026-01-10": 24, "2026-01-11": 24, "2026-01-12": 7},
		},
		{
			name:   "a stop never followed by a start: off to the month's end",
			events: []string{"stop  2026-01-30 19:00"},
			month:  "2026-01", hours: 29,
			days: map[string]float64{"2026-01-30": 5, "2026-01-31": 24},
		},
		{
			name:   "a stop never followed by a start: the month so far, off until now",
			events: []string{"stop  2026-01-30 19:00"},
			month:  "2026-01", now: "2026-01-31 12:00", hours: 17,
			days: map[string]float64{"2026-01-30": 5, "2026-01-31": 12},
		},
		{
			name:   "a weekend across the month boundary: February's part",
			events: []string{"stop  2026-02-27 19:00", "start 2026-03-02 07:00"},
			month:  "2026-02", hours: 29,
			days: map[string]float64{"2026-02-27": 5, "2026-02-28": 24},
		},
		{
			name:   "a weekend across the month boundary: March's part",
			events: []string{"stop  2026-02-27 19:00", "start 2026-03-02 07:00"},
			month:  "2026-03", hours: 31,
			days: map[string]float64{"2026-03-01": 24, "2026-03-02": 7},
		},
		{
			name:   "clocks go forward in London: the Sunday has 23 hours",
			events: []string{"stop  2026-03-27 19:00", "start 2026-03-30 07:00"},
			month:  "2026-03", hours: 59,
			days: map[string]float64{"2026-03-27": 5, "2026-03-28": 24, "2026-03-29": 23, "2026-03-30": 7},
		},
		{
			name:   "clocks go back in London: the Sunday has 25 hours",
			events: []string{"stop  2026-10-23 19:00", "start 2026-10-26 07:00"},
			month:  "2026-10", hours: 61,
			days: map[string]float64{"2026-10-23": 5, "2026-10-24": 24, "2026-10-25": 25, "2026-10-26": 7},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := record(t, tc.events...)
			if len(doc.Resources) != 1 {
				t.Fatalf("ledger has %d resources, want only i-1 (a failed stop and patching's are not in it): %+v", len(doc.Resources), doc.Resources)
			}
			m, _ := time.Parse("2006-01", tc.month)
			from, to := Month(m.Year(), m.Month(), loc)
			now := to.Add(time.Hour)
			if tc.now != "" {
				now = at(t, tc.now)
			}
			days := Hours(doc.Resources[0].Off, from, to, now, loc)
			if got := Total(days); math.Abs(got-tc.hours) > 1e-9 {
				t.Errorf("hours off %v, want %v", got, tc.hours)
			}
			got := map[string]float64{}
			for _, d := range days {
				got[d.Date.Format("2006-01-02")] = d.Hours
			}
			if len(got) != len(tc.days) {
				t.Errorf("days %v, want %v", got, tc.days)
			}
			for day, h := range tc.days {
				if math.Abs(got[day]-h) > 1e-9 {
					t.Errorf("%s: %v hours, want %v (all: %v)", day, got[day], h, got)
				}
			}
		})
	}
}

func TestRecordKeepsOwnersAndMarks(t *testing.T) {
	var doc Doc
	Record(&doc, at(t, "2026-01-05 19:00"), run("stop", nil))
	// A second stop while off (a retried run) opens nothing new.
	Record(&doc, at(t, "2026-01-05 19:05"), run("stop", nil))
	// Someone started it: the override mark ends what opsd kept off.
	Record(&doc, at(t, "2026-01-05 22:00"), run("mark", map[string]string{"records": "override"}))
	// opsd stopped it at 23:00 and its record failed; the next run marks
	// the stop from the time its stopping marker says.
	Record(&doc, at(t, "2026-01-05 23:10"), run("mark", map[string]string{"records": "stop", "last_action": "stopping", "last_action_at": at(t, "2026-01-05 23:00").UTC().Format(time.RFC3339)}))
	Record(&doc, at(t, "2026-01-06 07:00"), run("start", map[string]string{"team_email": "new@example.com"}))
	r := doc.Resources[0]
	if r.Application != "billing" || r.TeamEmail != "new@example.com" || r.Kind != "ec2" || r.Account != "111111111111" {
		t.Errorf("labels %+v", r)
	}
	want := []Interval{{at(t, "2026-01-05 19:00"), at(t, "2026-01-05 22:00")}, {at(t, "2026-01-05 23:00"), at(t, "2026-01-06 07:00")}}
	if len(r.Off) != 2 || !r.Off[0].From.Equal(want[0].From) || !r.Off[0].To.Equal(want[0].To) || !r.Off[1].From.Equal(want[1].From) || !r.Off[1].To.Equal(want[1].To) {
		t.Errorf("intervals %v, want %v", r.Off, want)
	}
	loc := london(t)
	from, to := Month(2026, time.January, loc)
	if h := Total(Hours(r.Off, from, to, to, loc)); h != 11 {
		t.Errorf("hours %v, want 3 + 8 = 11", h)
	}
}

func TestLedgerAcrossReplicasAndRestarts(t *testing.T) {
	ctx := context.Background()
	store := state.NewTolerant(state.NewMemory(), nil)
	a := NewLedger(store)
	a.Observe(ctx, at(t, "2026-01-05 19:00"), run("stop", nil))
	// Another replica leads in the morning: it reads the stop the first
	// recorded and closes it.
	b := NewLedger(store)
	b.Observe(ctx, at(t, "2026-01-06 07:00"), run("start", nil))
	// Results of other services write nothing.
	b.Observe(ctx, at(t, "2026-01-06 07:05"), reconcile.Result{Service: "patching"})
	doc, ok := ReadLedger(ctx, store)
	if !ok || len(doc.Resources) != 1 || len(doc.Resources[0].Off) != 1 || doc.Resources[0].Off[0].Open() {
		t.Fatalf("stored ledger %+v", doc)
	}
	// The first replica, leading again, sees the start too.
	if d := a.Doc(ctx); d.Resources[0].Off[0].Open() {
		t.Errorf("replica a still has it off: %+v", d)
	}
}

func TestBoundDropsWhatIsOlderThanThirteenMonths(t *testing.T) {
	doc := record(t, "stop  2025-01-06 19:00", "start 2025-01-07 07:00", "stop  2026-01-05 19:00", "start 2026-01-06 07:00")
	Bound(&doc, at(t, "2026-02-15 12:00"))
	if n := len(doc.Resources[0].Off); n != 1 || doc.Resources[0].Off[0].From.Year() != 2026 {
		t.Errorf("after bounding: %v", doc.Resources[0].Off)
	}
	// An interval still open stays, however old.
	doc = record(t, "stop  2024-01-05 19:00")
	Bound(&doc, at(t, "2026-02-15 12:00"))
	if len(doc.Resources) != 1 {
		t.Errorf("an open interval was dropped")
	}
}

func TestMergeClosesStaleOpenIntervals(t *testing.T) {
	open := record(t, "stop  2026-01-05 19:00")
	open.At = at(t, "2026-01-05 19:00")
	closed := record(t, "stop  2026-01-05 19:00", "start 2026-01-06 07:00", "stop  2026-01-06 19:00")
	closed.At = at(t, "2026-01-06 19:00")
	m := Merge(open, closed)
	off := m.Resources[0].Off
	if len(off) != 2 || off[0].Open() || !off[0].To.Equal(at(t, "2026-01-06 07:00")) || !off[1].Open() {
		t.Errorf("merged %v", off)
	}
}
