package shutdown

import (
	"slices"
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return loc
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return v
}

func mustTimetable(t testing.TB, name string, s Schedule, tz string, holidays ...Date) *Timetable {
	t.Helper()
	tt, err := NewTimetable(name, s, mustLoc(t, tz), holidays)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	return tt
}

func defaultTimetable(t testing.TB, holidays ...Date) *Timetable {
	t.Helper()
	return mustTimetable(t, "default", DefaultConfig().Schedules["default"], "Europe/London", holidays...)
}

type windowCase struct {
	name       string
	at         string // RFC 3339
	off        bool
	start, end string // RFC 3339 instants, "" for zero
}

func checkWindows(t *testing.T, tt *Timetable, cases []windowCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			at := mustTime(t, tc.at)
			if got := tt.Off(at); got != tc.off {
				t.Errorf("Off(%s) = %v, want %v", tc.at, got, tc.off)
			}
			w := tt.Window(at)
			if w.Off != tc.off {
				t.Errorf("Window(%s).Off = %v, want %v", tc.at, w.Off, tc.off)
			}
			if tc.start != "" && !w.Start.Equal(mustTime(t, tc.start)) {
				t.Errorf("Window(%s).Start = %s, want %s", tc.at, w.Start.UTC().Format(time.RFC3339), tc.start)
			}
			if tc.end != "" && !w.End.Equal(mustTime(t, tc.end)) {
				t.Errorf("Window(%s).End = %s, want %s", tc.at, w.End.UTC().Format(time.RFC3339), tc.end)
			}
			last, lastOff := tt.LastTransition(at)
			if !last.Equal(w.Start) || lastOff != tc.off {
				t.Errorf("LastTransition(%s) = %s %v, want %s %v", tc.at, last, lastOff, w.Start, tc.off)
			}
			next, nextOff := tt.NextTransition(at)
			if !next.Equal(w.End) || nextOff != !tc.off {
				t.Errorf("NextTransition(%s) = %s %v, want %s %v", tc.at, next, nextOff, w.End, !tc.off)
			}
		})
	}
}

// The seed's default in winter (GMT = UTC): nights Monday to Thursday,
// Friday evening to Monday morning, both crossing midnight.
func TestDefaultScheduleWinter(t *testing.T) {
	checkWindows(t, defaultTimetable(t), []windowCase{
		{"mon morning before 07:00", "2026-03-02T06:59:00Z", true, "2026-02-27T19:00:00Z", "2026-03-02T07:00:00Z"},
		{"mon 07:00 on", "2026-03-02T07:00:00Z", false, "2026-03-02T07:00:00Z", "2026-03-02T19:00:00Z"},
		{"tue 18:59 on", "2026-03-03T18:59:59Z", false, "2026-03-03T07:00:00Z", "2026-03-03T19:00:00Z"},
		{"tue 19:00 off", "2026-03-03T19:00:00Z", true, "2026-03-03T19:00:00Z", "2026-03-04T07:00:00Z"},
		{"tue 23:59 off", "2026-03-03T23:59:00Z", true, "2026-03-03T19:00:00Z", "2026-03-04T07:00:00Z"},
		{"wed 00:00 off across midnight", "2026-03-04T00:00:00Z", true, "2026-03-03T19:00:00Z", "2026-03-04T07:00:00Z"},
		{"wed 06:59 off", "2026-03-04T06:59:59Z", true, "2026-03-03T19:00:00Z", "2026-03-04T07:00:00Z"},
		{"wed 07:00 on", "2026-03-04T07:00:00Z", false, "2026-03-04T07:00:00Z", "2026-03-04T19:00:00Z"},
		{"thu night", "2026-03-05T22:00:00Z", true, "2026-03-05T19:00:00Z", "2026-03-06T07:00:00Z"},
		{"fri day on", "2026-03-06T12:00:00Z", false, "2026-03-06T07:00:00Z", "2026-03-06T19:00:00Z"},
		{"fri 19:00 weekend", "2026-03-06T19:00:00Z", true, "2026-03-06T19:00:00Z", "2026-03-09T07:00:00Z"},
		{"sat noon", "2026-03-07T12:00:00Z", true, "2026-03-06T19:00:00Z", "2026-03-09T07:00:00Z"},
		{"sun 07:00 still off", "2026-03-08T07:00:00Z", true, "2026-03-06T19:00:00Z", "2026-03-09T07:00:00Z"},
		{"sun 19:00 still off", "2026-03-08T19:30:00Z", true, "2026-03-06T19:00:00Z", "2026-03-09T07:00:00Z"},
	})
}

// Summer: the same wall-clock times, an hour earlier in UTC.
func TestDefaultScheduleSummer(t *testing.T) {
	checkWindows(t, defaultTimetable(t), []windowCase{
		{"tue 18:59 BST on", "2026-07-07T17:59:00Z", false, "2026-07-07T06:00:00Z", "2026-07-07T18:00:00Z"},
		{"tue 19:00 BST off", "2026-07-07T18:00:00Z", true, "2026-07-07T18:00:00Z", "2026-07-08T06:00:00Z"},
		{"wed 07:00 BST on", "2026-07-08T06:00:00Z", false, "2026-07-08T06:00:00Z", "2026-07-08T18:00:00Z"},
	})
}

// 29 March 2026: London goes from 01:00 GMT to 02:00 BST. The weekend
// starts at 19:00 GMT and ends at 07:00 BST: 59 hours, not 60.
func TestDefaultScheduleSpringForward(t *testing.T) {
	tt := defaultTimetable(t)
	checkWindows(t, tt, []windowCase{
		{"fri 19:00 GMT", "2026-03-27T19:00:00Z", true, "2026-03-27T19:00:00Z", "2026-03-30T06:00:00Z"},
		{"sun 00:59 GMT", "2026-03-29T00:59:59Z", true, "2026-03-27T19:00:00Z", "2026-03-30T06:00:00Z"},
		{"sun 02:00 BST", "2026-03-29T01:00:00Z", true, "2026-03-27T19:00:00Z", "2026-03-30T06:00:00Z"},
		{"mon 06:59 BST", "2026-03-30T05:59:59Z", true, "2026-03-27T19:00:00Z", "2026-03-30T06:00:00Z"},
		{"mon 07:00 BST", "2026-03-30T06:00:00Z", false, "2026-03-30T06:00:00Z", "2026-03-30T18:00:00Z"},
		{"mon 19:00 BST", "2026-03-30T18:00:00Z", true, "2026-03-30T18:00:00Z", "2026-03-31T06:00:00Z"},
	})
	w := tt.Window(mustTime(t, "2026-03-28T12:00:00Z"))
	if got := w.End.Sub(w.Start); got != 59*time.Hour {
		t.Errorf("spring weekend lasts %s, want 59h", got)
	}
}

// 25 October 2026: London goes from 02:00 BST back to 01:00 GMT. The
// weekend starts at 19:00 BST and ends at 07:00 GMT: 61 hours.
func TestDefaultScheduleFallBack(t *testing.T) {
	tt := defaultTimetable(t)
	checkWindows(t, tt, []windowCase{
		{"fri 18:59 BST", "2026-10-23T17:59:00Z", false, "2026-10-23T06:00:00Z", "2026-10-23T18:00:00Z"},
		{"fri 19:00 BST", "2026-10-23T18:00:00Z", true, "2026-10-23T18:00:00Z", "2026-10-26T07:00:00Z"},
		{"sun 01:30 BST (first)", "2026-10-25T00:30:00Z", true, "2026-10-23T18:00:00Z", "2026-10-26T07:00:00Z"},
		{"sun 01:30 GMT (repeat)", "2026-10-25T01:30:00Z", true, "2026-10-23T18:00:00Z", "2026-10-26T07:00:00Z"},
		{"mon 06:59 GMT", "2026-10-26T06:59:00Z", true, "2026-10-23T18:00:00Z", "2026-10-26T07:00:00Z"},
		{"mon 07:00 GMT", "2026-10-26T07:00:00Z", false, "2026-10-26T07:00:00Z", "2026-10-26T19:00:00Z"},
		{"mon 19:00 GMT", "2026-10-26T19:00:00Z", true, "2026-10-26T19:00:00Z", "2026-10-27T07:00:00Z"},
	})
	w := tt.Window(mustTime(t, "2026-10-24T12:00:00Z"))
	if got := w.End.Sub(w.Start); got != 61*time.Hour {
		t.Errorf("autumn weekend lasts %s, want 61h", got)
	}
}

// A period whose ends fall in the hours the clocks change: in spring
// 01:30 never happens, so the period ends when the clock jumps; in autumn
// 01:30 happens twice, and the period ends at the first without coming
// back on the repeat.
func TestPeriodInsideTheChangingHour(t *testing.T) {
	nightly := Schedule{Periods: []Period{{Days: []string{"mon-sun"}, Off: "00:30", On: "01:30"}}}
	tt := mustTimetable(t, "nightly", nightly, "Europe/London")
	checkWindows(t, tt, []windowCase{
		{"spring 00:30 GMT off", "2026-03-29T00:30:00Z", true, "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z"},
		{"spring 00:59 GMT off", "2026-03-29T00:59:59Z", true, "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z"},
		{"spring 02:00 BST on (01:30 skipped)", "2026-03-29T01:00:00Z", false, "2026-03-29T01:00:00Z", "2026-03-29T23:30:00Z"},
		{"autumn 00:30 BST off", "2026-10-24T23:30:00Z", true, "2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z"},
		{"autumn 01:30 BST on", "2026-10-25T00:30:00Z", false, "2026-10-25T00:30:00Z", "2026-10-26T00:30:00Z"},
		{"autumn 00:45 in repeat... 01:00 GMT stays on", "2026-10-25T01:00:00Z", false, "2026-10-25T00:30:00Z", "2026-10-26T00:30:00Z"},
		{"autumn 01:15 GMT stays on", "2026-10-25T01:15:00Z", false, "2026-10-25T00:30:00Z", "2026-10-26T00:30:00Z"},
		{"monday 00:30 GMT off", "2026-10-26T00:30:00Z", true, "2026-10-26T00:30:00Z", "2026-10-26T01:30:00Z"},
	})

	// A period that ends at 02:00 on the autumn day lasts an hour longer.
	late := Schedule{Periods: []Period{{Off: "sun 00:00", On: "sun 02:00"}}}
	lt := mustTimetable(t, "late", late, "Europe/London")
	checkWindows(t, lt, []windowCase{
		{"autumn sunday 00:00 BST", "2026-10-24T23:00:00Z", true, "2026-10-24T23:00:00Z", "2026-10-25T02:00:00Z"},
		{"autumn repeat hour", "2026-10-25T01:30:00Z", true, "2026-10-24T23:00:00Z", "2026-10-25T02:00:00Z"},
		{"autumn 02:00 GMT", "2026-10-25T02:00:00Z", false, "2026-10-25T02:00:00Z", "2026-11-01T00:00:00Z"},
	})

	// New York skips 02:00–03:00 on 8 March 2026: an off period set to
	// start at 02:30 starts when the clock jumps (07:00 UTC).
	ny := Schedule{Periods: []Period{{Days: []string{"sun"}, Off: "02:30", On: "06:00"}}}
	nt := mustTimetable(t, "ny", ny, "America/New_York")
	checkWindows(t, nt, []windowCase{
		{"01:59 EST on", "2026-03-08T06:59:00Z", false, "2026-03-01T11:00:00Z", "2026-03-08T07:00:00Z"},
		{"03:00 EDT off", "2026-03-08T07:00:00Z", true, "2026-03-08T07:00:00Z", "2026-03-08T10:00:00Z"},
		{"06:00 EDT on", "2026-03-08T10:00:00Z", false, "2026-03-08T10:00:00Z", "2026-03-15T06:30:00Z"},
	})
}

func TestHolidays(t *testing.T) {
	// Wednesday 4 March: Tuesday night, Wednesday and Wednesday night merge.
	tt := defaultTimetable(t, "2026-03-04")
	checkWindows(t, tt, []windowCase{
		{"tue night", "2026-03-03T22:00:00Z", true, "2026-03-03T19:00:00Z", "2026-03-05T07:00:00Z"},
		{"wed noon", "2026-03-04T12:00:00Z", true, "2026-03-03T19:00:00Z", "2026-03-05T07:00:00Z"},
		{"thu 07:00", "2026-03-05T07:00:00Z", false, "2026-03-05T07:00:00Z", "2026-03-05T19:00:00Z"},
	})

	// A bank holiday Monday extends the weekend to Tuesday morning.
	bank := defaultTimetable(t, "2026-05-04")
	checkWindows(t, bank, []windowCase{
		{"mon noon", "2026-05-04T11:00:00Z", true, "2026-05-01T18:00:00Z", "2026-05-05T06:00:00Z"},
	})

	// Christmas: Thursday 24 December to Friday 1 January, with the
	// weekends between, is one off period from Wednesday 23 at 19:00.
	xmas := defaultTimetable(t, "2026-12-24", "2026-12-25", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01")
	checkWindows(t, xmas, []windowCase{
		{"christmas day", "2026-12-25T12:00:00Z", true, "2026-12-23T19:00:00Z", "2027-01-04T07:00:00Z"},
		{"new year's eve", "2026-12-31T12:00:00Z", true, "2026-12-23T19:00:00Z", "2027-01-04T07:00:00Z"},
		{"back monday", "2027-01-04T07:00:00Z", false, "2027-01-04T07:00:00Z", "2027-01-04T19:00:00Z"},
	})

	// A holiday is the local day: in Tokyo (UTC+9) 2026-05-06 runs from
	// 15:00 UTC on the 5th to 15:00 UTC on the 6th. With only a weekend
	// schedule, that is an off period of its own.
	weekend := DefaultConfig().Schedules["weekend"]
	tokyo := mustTimetable(t, "weekend", weekend, "Asia/Tokyo", "2026-05-06")
	checkWindows(t, tokyo, []windowCase{
		{"before", "2026-05-05T14:59:00Z", false, "2026-05-03T22:00:00Z", "2026-05-05T15:00:00Z"},
		{"holiday", "2026-05-05T15:00:00Z", true, "2026-05-05T15:00:00Z", "2026-05-06T15:00:00Z"},
		{"after", "2026-05-06T15:00:00Z", false, "2026-05-06T15:00:00Z", "2026-05-08T10:00:00Z"},
	})
}

func TestNamedPeriodShapes(t *testing.T) {
	s := Schedule{Periods: []Period{
		{Days: []string{"mon,wed"}, Off: "12:00", On: "13:00"}, // lunch, same day
		{Days: []string{"fri-sun"}, Off: "22:00", On: "06:00"}, // wrapping day range, crossing midnight
		{Off: "sat 10:00", On: "sat 11:00"},
	}}
	tt := mustTimetable(t, "odd", s, "UTC")
	checkWindows(t, tt, []windowCase{
		{"mon lunch", "2026-03-02T12:30:00Z", true, "2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z"},
		{"tue lunch on", "2026-03-03T12:30:00Z", false, "2026-03-02T13:00:00Z", "2026-03-04T12:00:00Z"},
		{"fri night", "2026-03-06T23:00:00Z", true, "2026-03-06T22:00:00Z", "2026-03-07T06:00:00Z"},
		{"sat 10:30", "2026-03-07T10:30:00Z", true, "2026-03-07T10:00:00Z", "2026-03-07T11:00:00Z"},
		{"sun night into mon", "2026-03-09T05:59:00Z", true, "2026-03-08T22:00:00Z", "2026-03-09T06:00:00Z"},
		{"mon 06:00", "2026-03-09T06:00:00Z", false, "2026-03-09T06:00:00Z", "2026-03-09T12:00:00Z"},
	})
}

// TestTransitionsAgreeWithOff walks 2026 minute by minute for several
// schedules and timezones and checks that LastTransition, NextTransition
// and Window agree with the changes of Off, and that the number of changes
// is what the schedule says.
func TestTransitionsAgreeWithOff(t *testing.T) {
	cases := []struct {
		name     string
		tt       *Timetable
		perWeek  int // changes in a week without holidays
		holidays int // changes the holidays in the 50 weeks remove
	}{
		{name: "default london", tt: defaultTimetable(t), perWeek: 10},
		{name: "default london with holidays", tt: defaultTimetable(t, "2026-04-03", "2026-05-04", "2026-08-31", "2026-12-25"), perWeek: 10, holidays: 6},
		{name: "nightly london", tt: mustTimetable(t, "nightly", Schedule{Periods: []Period{{Days: []string{"mon-sun"}, Off: "00:30", On: "01:30"}}}, "Europe/London"), perWeek: 14},
		{name: "default new york", tt: mustTimetable(t, "default", DefaultConfig().Schedules["default"], "America/New_York"), perWeek: 10},
		{name: "default sydney", tt: mustTimetable(t, "default", DefaultConfig().Schedules["default"], "Australia/Sydney"), perWeek: 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from := mustTime(t, "2026-01-05T03:00:00Z") // a Monday, at no change in any of the zones
			to := from.AddDate(0, 0, 7*50)
			var changes []time.Time
			prev := tc.tt.Off(from)
			for at := from.Add(time.Minute); at.Before(to); at = at.Add(time.Minute) {
				if cur := tc.tt.Off(at); cur != prev {
					changes = append(changes, at)
					prev = cur
				}
			}
			if want := 50*tc.perWeek - tc.holidays; len(changes) != want {
				t.Fatalf("%d changes in 50 weeks, want %d", len(changes), want)
			}
			for at := from.Add(time.Hour); at.Before(to.Add(-8 * 24 * time.Hour)); at = at.Add(7 * time.Minute) {
				i, found := slices.BinarySearchFunc(changes, at, func(c, at time.Time) int { return c.Compare(at) })
				if found {
					i++
				}
				if i == 0 {
					continue
				}
				wantStart, wantEnd := changes[i-1], changes[i]
				w := tc.tt.Window(at)
				if !w.Start.Equal(wantStart) || !w.End.Equal(wantEnd) || w.Off != tc.tt.Off(at) {
					t.Fatalf("Window(%s) = %v, want off=%v %s → %s", at, w, tc.tt.Off(at), wantStart, wantEnd)
				}
			}
		})
	}
}

func TestTimetableAllocations(t *testing.T) {
	tt := defaultTimetable(t, "2026-12-25")
	at := mustTime(t, "2026-10-25T01:30:00Z")
	if n := testing.AllocsPerRun(100, func() { _ = tt.Off(at); _ = tt.Window(at) }); n != 0 {
		t.Errorf("Off and Window allocate %v times per call, want 0", n)
	}
}
