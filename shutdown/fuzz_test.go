package shutdown

import (
	"strings"
	"testing"
	"time"
)

// FuzzSchedulePeriods compiles arbitrary days/monthdays/months/off/on
// strings: a bad period is an error naming its key, never a panic; a good
// one gives a timetable whose windows are ordered, contain the time asked
// about and agree with Off, and which is not always on (no period parses
// to nothing silently).
func FuzzSchedulePeriods(f *testing.F) {
	for _, s := range [][5]string{
		{"mon-thu", "", "", "19:00", "07:00"}, {"", "", "", "fri 19:00", "mon 07:00"}, {"fri-mon", "", "", "22:30", "06:00"},
		{"mon,wed", "", "", "00:00", "23:59"}, {"", "", "", "25:00", "07:00"}, {"mon-", "", "", "19:00", ""}, {"sun", "", "", "7:5", "08:00"},
		{"mon#1,friL", "", "", "19:00", "07:00"}, {"", "1-15,L", "jan-mar", "19:00", "07:00"}, {"", "15W", "*/2", "", ""},
		{"mon-fri", "", "", "19:00", ""}, {"sat", "", "", "", "09:00"}, {"", "1/7", "1,6,12", "", "mon 07:00"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], int64(1772564400))
	}
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		f.Fatal(err)
	}
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ",")
	}
	f.Fuzz(func(t *testing.T, days, monthdays, months, off, on string, unix int64) {
		p := Period{Off: off, On: on, Days: split(days), Monthdays: split(monthdays), Months: split(months)}
		w, errs := compileWeek("shutdown.schedules.x", []Period{p})
		if len(errs) > 0 {
			for _, err := range errs {
				if !strings.HasPrefix(err.Error(), "shutdown.schedules.x") {
					t.Fatalf("error %q does not name its key", err)
				}
			}
			return
		}
		if len(w.rules) == 0 {
			t.Fatalf("period %+v compiled to no rules", p)
		}
		now := time.Unix(unix%(1<<34), 0) // years 1970 to 2514
		tt := newTimetable("x", loc, w, nil)
		win := tt.Window(now)
		if !win.Start.IsZero() && win.Start.After(now) {
			t.Fatalf("window %v starts after %v", win, now)
		}
		if !win.End.IsZero() && !win.End.After(now) {
			t.Fatalf("window %v ends at or before %v", win, now)
		}
		if win.Off != tt.Off(now) || (win.Off && win.Keep) {
			t.Fatalf("window %v disagrees with Off(%v) = %v", win, now, tt.Off(now))
		}
		if !win.Off && !win.Keep && win.Start.IsZero() && win.End.IsZero() {
			t.Fatalf("period %+v compiled but the schedule is always on", p)
		}
	})
}

// FuzzTags decides on arbitrary tag values, at a time in every test
// schedule's off period: a malformed or ambiguous tag is reported and never
// causes a stop; only tags that ask for a schedule do.
func FuzzTags(f *testing.F) {
	for _, s := range [][4]string{
		{"true", "dev", "", ""}, {"TRUE ", "development", "", "office"}, {"false", "staging", "x", ""},
		{"yes", "prod", "", ""}, {"", "", "", "nosuch"}, {"true", "Dev\x00", "", "default"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	p := testPlanner(f)
	f.Fuzz(func(t *testing.T, ooo, env, weekend, schedule string) {
		tags := map[string]string{"OOOShutdown": ooo, "Environment": env}
		if weekend != "" {
			tags["WeekendShutdown"] = weekend
		}
		if schedule != "" {
			tags["opsd:schedule"] = schedule
		}
		o := Observation{Kind: KindEC2, ID: "i-1", State: StateRunning, Tags: tags}
		// Saturday 7 March 2026 12:00 London: the weekend, off in every
		// schedule.
		d := p.Decide(o, time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC))
		in := p.Intent(tags)
		if in.Problems != 0 && d.Action != ActionReport {
			t.Fatalf("tags %q with problems decided %s, want report", tags, d.Action)
		}
		if d.Action == ActionStop && !in.Wants() {
			t.Fatalf("tags %q ask for no schedule but decided stop", tags)
		}
		_ = d.Reason()
	})
}
