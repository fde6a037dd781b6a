package shutdown

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// matchingDates lists the dates from from to to (YYYY-MM-DD, inclusive)
// on which a period with these parts starts.
func matchingDates(t *testing.T, p Period, from, to string) []string {
	t.Helper()
	m, errs := compileMatch("p", p, strings.TrimSpace(p.Off), strings.TrimSpace(p.On), -1, -1, false)
	if len(errs) > 0 {
		t.Fatalf("compile %+v: %v", p, errs)
	}
	a, errA := parseDate(from)
	b, errB := parseDate(to)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	var out []string
	for d := int64(a); d <= int64(b); d++ {
		if m.matches(d) {
			y, mo, dom := civilDate(d)
			out = append(out, fmt.Sprintf("%04d-%02d-%02d", y, mo, dom))
		}
	}
	return out
}

// The parts of a period match as Instance Scheduler's documentation says
// (its period reference's examples, and the reports of its issues #114,
// #137 and #573): all the parts a period names must match.
func TestPeriodPartsMatchInstanceSchedulersMeaning(t *testing.T) {
	cases := []struct {
		name     string
		p        Period
		from, to string
		want     []string
	}{
		{"weekdays mon-fri", Period{Days: []string{"mon-fri"}}, "2026-03-06", "2026-03-10",
			[]string{"2026-03-06", "2026-03-09", "2026-03-10"}},
		{"mon#1: the first Monday", Period{Days: []string{"mon#1"}}, "2026-01-01", "2026-04-30",
			[]string{"2026-01-05", "2026-02-02", "2026-03-02", "2026-04-06"}},
		{"friL: the last Friday", Period{Days: []string{"friL"}}, "2026-01-01", "2026-04-30",
			[]string{"2026-01-30", "2026-02-27", "2026-03-27", "2026-04-24"}},
		{"wed#3 is one day a month, not every day (#114)", Period{Days: []string{"wed#3"}}, "2026-03-01", "2026-04-30",
			[]string{"2026-03-18", "2026-04-15"}},
		{"sat#1 is one day a month (#137)", Period{Days: []string{"sat#1"}}, "2026-03-01", "2026-04-30",
			[]string{"2026-03-07", "2026-04-04"}},
		{"tues#1 parses (#573)", Period{Days: []string{"tues#1"}}, "2026-03-01", "2026-03-31",
			[]string{"2026-03-03"}},
		{"mon#5 only in months with five Mondays", Period{Days: []string{"mon#5"}}, "2026-03-01", "2026-06-30",
			[]string{"2026-03-30", "2026-06-29"}},
		{"monthdays 1-15", Period{Monthdays: []string{"1-15"}}, "2026-02-13", "2026-03-02",
			[]string{"2026-02-13", "2026-02-14", "2026-02-15", "2026-03-01", "2026-03-02"}},
		{"monthdays 1,15", Period{Monthdays: []string{"1,15"}}, "2026-01-01", "2026-02-28",
			[]string{"2026-01-01", "2026-01-15", "2026-02-01", "2026-02-15"}},
		{"monthdays L: the last day", Period{Monthdays: []string{"L"}}, "2027-12-01", "2028-04-30",
			[]string{"2027-12-31", "2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30"}},
		{"monthdays 15W: the weekday nearest the 15th", Period{Monthdays: []string{"15W"}}, "2026-07-01", "2026-11-30",
			// 15 Aug 2026 is a Saturday, 15 Nov a Sunday.
			[]string{"2026-07-15", "2026-08-14", "2026-09-15", "2026-10-15", "2026-11-16"}},
		{"monthdays 1W never leaves the month", Period{Monthdays: []string{"1W"}}, "2026-08-01", "2026-08-31",
			[]string{"2026-08-03"}},
		{"monthdays 31W on a Sunday is the Friday before", Period{Monthdays: []string{"31W"}}, "2026-05-01", "2026-06-30",
			[]string{"2026-05-29"}},
		{"monthdays 1/7: every 7th day from the 1st", Period{Monthdays: []string{"1/7"}}, "2026-03-01", "2026-03-31",
			[]string{"2026-03-01", "2026-03-08", "2026-03-15", "2026-03-22", "2026-03-29"}},
		{"monthdays 5/14: the whole step, 14 (not its last digit)", Period{Monthdays: []string{"5/14"}}, "2026-03-01", "2026-03-31",
			[]string{"2026-03-05", "2026-03-19"}},
		{"monthdays 27-L", Period{Monthdays: []string{"27-L"}}, "2026-02-01", "2026-03-01",
			[]string{"2026-02-27", "2026-02-28"}},
		{"months jan-mar", Period{Monthdays: []string{"1"}, Months: []string{"jan-mar"}}, "2026-01-01", "2026-12-31",
			[]string{"2026-01-01", "2026-02-01", "2026-03-01"}},
		{"months 1,6,12", Period{Monthdays: []string{"1"}, Months: []string{"1,6,12"}}, "2026-01-01", "2026-12-31",
			[]string{"2026-01-01", "2026-06-01", "2026-12-01"}},
		{"months */2", Period{Monthdays: []string{"1"}, Months: []string{"*/2"}}, "2026-01-01", "2026-12-31",
			[]string{"2026-01-01", "2026-03-01", "2026-05-01", "2026-07-01", "2026-09-01", "2026-11-01"}},
		{"months jan/3: quarterly", Period{Monthdays: []string{"1"}, Months: []string{"jan/3"}}, "2026-01-01", "2026-12-31",
			[]string{"2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"}},
		{"months nov-feb wraps", Period{Monthdays: []string{"1"}, Months: []string{"nov-feb"}}, "2026-01-01", "2026-12-31",
			[]string{"2026-01-01", "2026-02-01", "2026-11-01", "2026-12-01"}},
		{"all parts must match: Mondays among the 1st to 7th of June", Period{Days: []string{"mon"}, Monthdays: []string{"1-7"}, Months: []string{"jun"}}, "2026-01-01", "2026-12-31",
			[]string{"2026-06-01"}},
		{"a list of days and nth days", Period{Days: []string{"sat", "fri#2"}}, "2026-03-01", "2026-03-15",
			[]string{"2026-03-07", "2026-03-13", "2026-03-14"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := matchingDates(t, tc.p, tc.from, tc.to); !slices.Equal(got, tc.want) {
				t.Errorf("dates %v, want %v", got, tc.want)
			}
		})
	}
}

// Instance Scheduler's samples, read as opsd off periods (the parts mean
// the same; the period is when the resource is off).
func TestInstanceSchedulerSamplesAsOffPeriods(t *testing.T) {
	// "Standard 9-5 working hours": weekdays, 09:00 to 16:59, London.
	nineFive := mustTimetable(t, "nine-five", Schedule{Periods: []Period{
		{Days: []string{"mon-fri"}, Off: "09:00", On: "16:59"},
	}}, "Europe/London")
	checkWindows(t, nineFive, []windowCase{
		{"tue 10:00", "2026-03-03T10:00:00Z", true, "2026-03-03T09:00:00Z", "2026-03-03T16:59:00Z"},
		{"tue 17:00", "2026-03-03T17:00:00Z", false, "2026-03-03T16:59:00Z", "2026-03-04T09:00:00Z"},
	})

	// "Stop over the weekend": three adjacent periods, Monday 09:00 to
	// 23:59, Tuesday to Thursday all day, Friday 00:00 to 16:59. The
	// one-minute gap at Monday 23:59 is bridged: one window.
	week := mustTimetable(t, "week", Schedule{Periods: []Period{
		{Days: []string{"mon"}, Off: "09:00", On: "23:59"},
		{Days: []string{"tue-thu"}},
		{Days: []string{"fri"}, Off: "00:00", On: "16:59"},
	}}, "UTC")
	checkWindows(t, week, []windowCase{
		{"mon 23:59 bridged", "2026-03-02T23:59:00Z", true, "2026-03-02T09:00:00Z", "2026-03-06T16:59:00Z"},
		{"wed noon", "2026-03-04T12:00:00Z", true, "2026-03-02T09:00:00Z", "2026-03-06T16:59:00Z"},
		{"fri 17:00", "2026-03-06T17:00:00Z", false, "2026-03-06T16:59:00Z", "2026-03-09T09:00:00Z"},
	})

	// The first Monday of each quarter, all day, and the 1st to 15th of
	// every month 19:00 to 07:00.
	quarter := mustTimetable(t, "quarter", Schedule{Periods: []Period{
		{Days: []string{"mon#1"}, Months: []string{"jan/3"}},
	}}, "UTC")
	checkWindows(t, quarter, []windowCase{
		{"first monday of april", "2026-04-06T12:00:00Z", true, "2026-04-06T00:00:00Z", "2026-04-07T00:00:00Z"},
		{"first monday of may is on", "2026-05-04T12:00:00Z", false, "2026-04-07T00:00:00Z", "2026-07-06T00:00:00Z"},
	})
	nights := mustTimetable(t, "nights", Schedule{Periods: []Period{
		{Monthdays: []string{"1-15"}, Off: "19:00", On: "07:00"},
	}}, "UTC")
	checkWindows(t, nights, []windowCase{
		{"15th night runs into the 16th", "2026-03-16T06:00:00Z", true, "2026-03-15T19:00:00Z", "2026-03-16T07:00:00Z"},
		{"16th night is on", "2026-03-16T20:00:00Z", false, "2026-03-16T07:00:00Z", "2026-04-01T19:00:00Z"},
	})
}

// An all-day off period has no times: {days: sat-sun}, or off "00:00"
// alone. "00:00" to "23:59" keeps its meaning, a minute short of the day,
// and is bridged only where another off period begins at 00:00.
func TestAllDayOffPeriods(t *testing.T) {
	for _, p := range []Period{{Days: []string{"sat-sun"}}, {Days: []string{"sat-sun"}, Off: "00:00"}} {
		tt := mustTimetable(t, "weekend", Schedule{Periods: []Period{p}}, "UTC")
		checkWindows(t, tt, []windowCase{
			{fmt.Sprintf("%+v sat", p), "2026-03-07T12:00:00Z", true, "2026-03-07T00:00:00Z", "2026-03-09T00:00:00Z"},
			{fmt.Sprintf("%+v mon", p), "2026-03-09T00:00:00Z", false, "2026-03-09T00:00:00Z", "2026-03-14T00:00:00Z"},
		})
	}
	tt := mustTimetable(t, "days", Schedule{Periods: []Period{{Days: []string{"sat-sun"}, Off: "00:00", On: "23:59"}}}, "UTC")
	checkWindows(t, tt, []windowCase{
		{"sat 23:59 bridged", "2026-03-07T23:59:00Z", true, "2026-03-07T00:00:00Z", "2026-03-08T23:59:00Z"},
		{"sun 23:59 on", "2026-03-08T23:59:00Z", false, "2026-03-08T23:59:00Z", "2026-03-14T00:00:00Z"},
	})
}

// One-sided periods: before its only time, a period leaves the resource
// as it is.
func TestOneSidedPeriods(t *testing.T) {
	tt := mustTimetable(t, "weekend", Schedule{Periods: []Period{
		{Days: []string{"fri"}, Off: "19:00"},
		{Days: []string{"sat-sun"}},
		{Days: []string{"mon"}, On: "07:00"},
	}}, "Europe/London")
	cases := []struct {
		name, at   string
		state      string
		start, end string
	}{
		{"thu noon on", "2026-03-05T12:00:00Z", "on", "2026-03-02T07:00:00Z", "2026-03-06T00:00:00Z"},
		{"fri noon as-is", "2026-03-06T12:00:00Z", "as-is", "2026-03-06T00:00:00Z", "2026-03-06T19:00:00Z"},
		{"fri 19:00 off", "2026-03-06T19:00:00Z", "off", "2026-03-06T19:00:00Z", "2026-03-09T00:00:00Z"},
		{"mon 03:00 as-is", "2026-03-09T03:00:00Z", "as-is", "2026-03-09T00:00:00Z", "2026-03-09T07:00:00Z"},
		{"mon 07:00 on", "2026-03-09T07:00:00Z", "on", "2026-03-09T07:00:00Z", "2026-03-13T00:00:00Z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := tt.Window(mustTime(t, tc.at))
			if w.State() != tc.state || !w.Start.Equal(mustTime(t, tc.start)) || !w.End.Equal(mustTime(t, tc.end)) {
				t.Errorf("Window = %s %s → %s, want %s %s → %s", w.State(), w.Start.UTC(), w.End.UTC(), tc.state, tc.start, tc.end)
			}
		})
	}
	// Overlap: off wins over as-is.
	both := mustTimetable(t, "both", Schedule{Periods: []Period{
		{Days: []string{"mon"}, On: "12:00"},
		{Days: []string{"sun"}, Off: "22:00", On: "08:00"},
	}}, "UTC")
	checkWindows(t, both, []windowCase{
		{"mon 07:00 off", "2026-03-09T07:00:00Z", true, "2026-03-08T22:00:00Z", "2026-03-09T08:00:00Z"},
	})
	if w := both.Window(mustTime(t, "2026-03-09T09:00:00Z")); !w.Keep || !w.Start.Equal(mustTime(t, "2026-03-09T08:00:00Z")) {
		t.Errorf("mon 09:00 = %+v, want as-is from 08:00", w)
	}
}

// Calendar periods on the days the clocks change, in London and New York.
func TestCalendarPeriodsAcrossDST(t *testing.T) {
	// London: the last Sunday of March, 29 March 2026, 01:00 GMT → 02:00
	// BST. Off 00:30 to 03:00 local: 1½ hours.
	spring := mustTimetable(t, "spring", Schedule{Periods: []Period{
		{Days: []string{"sunL"}, Months: []string{"mar"}, Off: "00:30", On: "03:00"},
	}}, "Europe/London")
	checkWindows(t, spring, []windowCase{
		{"london spring", "2026-03-29T01:30:00Z", true, "2026-03-29T00:30:00Z", "2026-03-29T02:00:00Z"},
	})
	// London: the last Sunday of October, 25 October 2026, all day: 25
	// hours from 00:00 BST to 00:00 GMT.
	autumn := mustTimetable(t, "autumn", Schedule{Periods: []Period{
		{Days: []string{"sunL"}, Months: []string{"oct"}},
	}}, "Europe/London")
	w := autumn.Window(mustTime(t, "2026-10-25T12:00:00Z"))
	if !w.Off || !w.Start.Equal(mustTime(t, "2026-10-24T23:00:00Z")) || !w.End.Equal(mustTime(t, "2026-10-26T00:00:00Z")) {
		t.Errorf("london autumn = %+v", w)
	}
	// New York: the second Sunday of March, 8 March 2026, 02:00 EST →
	// 03:00 EDT. Off 01:00 to 04:00 local: 2 hours.
	ny := mustTimetable(t, "ny", Schedule{Periods: []Period{
		{Days: []string{"sun#2"}, Months: []string{"mar"}, Off: "01:00", On: "04:00"},
	}}, "America/New_York")
	checkWindows(t, ny, []windowCase{
		{"new york spring", "2026-03-08T07:30:00Z", true, "2026-03-08T06:00:00Z", "2026-03-08T08:00:00Z"},
	})
	// New York: the first Sunday of November, 1 November 2026, off from
	// 19:00 alone on the 1st of the month: as-is from midnight EDT, off from
	// 19:00 EST to midnight.
	nov := mustTimetable(t, "nov", Schedule{Periods: []Period{
		{Monthdays: []string{"1"}, Months: []string{"nov"}, Off: "19:00"},
	}}, "America/New_York")
	k := nov.Window(mustTime(t, "2026-11-01T12:00:00Z"))
	if !k.Keep || !k.Start.Equal(mustTime(t, "2026-11-01T04:00:00Z")) || !k.End.Equal(mustTime(t, "2026-11-02T00:00:00Z")) {
		t.Errorf("new york autumn as-is = %+v", k)
	}
	checkWindows(t, nov, []windowCase{
		{"new york autumn off", "2026-11-02T01:00:00Z", true, "2026-11-02T00:00:00Z", "2026-11-02T05:00:00Z"},
	})
}

// The union of periods agrees, minute by minute, with the windows, for
// calendar and one-sided periods too.
func TestCalendarTransitionsAgree(t *testing.T) {
	tt := mustTimetable(t, "mixed", Schedule{Periods: []Period{
		{Days: []string{"mon-thu"}, Off: "19:00", On: "07:00"},
		{Days: []string{"friL"}, Off: "12:00"},
		{Monthdays: []string{"15W"}, Off: "18:00", On: "mon 07:00"},
		{Days: []string{"sat#1"}, On: "09:00"},
	}}, "Europe/London")
	from := mustTime(t, "2026-01-05T03:00:00Z")
	to := from.AddDate(0, 0, 120)
	prev := tt.Window(from)
	for at := from.Add(time.Minute); at.Before(to); at = at.Add(time.Minute) {
		day, minute := splitLocal(tt.wall(at))
		cur := tt.stateAt(day, minute)
		w := tt.Window(at)
		if w.State() != phaseName(cur) {
			t.Fatalf("Window(%s) = %s, stateAt %d", at, w.State(), cur)
		}
		if w.State() != prev.State() {
			if !w.Start.Equal(at) || !prev.End.Equal(at) {
				t.Fatalf("change at %s: window %+v, previous %+v", at, w, prev)
			}
		} else if !w.Start.Equal(prev.Start) || !w.End.Equal(prev.End) {
			t.Fatalf("window %+v at %s, was %+v", w, at, prev)
		}
		prev = w
	}
}

func phaseName(p phase) string { return Window{Off: p == phaseOff, Keep: p == phaseKeep}.State() }
