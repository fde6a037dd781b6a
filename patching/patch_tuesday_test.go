package patching

import (
	"testing"
	"time"
)

func TestSecondTuesday(t *testing.T) {
	for _, tt := range []struct {
		year  int
		month time.Month
		day   int
	}{
		{2026, time.January, 13}, {2026, time.February, 10}, {2026, time.March, 10}, {2026, time.September, 8},
		{2026, time.October, 13}, {2026, time.November, 10}, {2026, time.December, 8}, {2027, time.June, 8},
		{2025, time.April, 8}, {2024, time.October, 8}, {2029, time.May, 8}, {2030, time.October, 8},
		{2019, time.October, 8}, {2026, time.August, 11}, {2020, time.September, 8}, {2021, time.June, 8},
	} {
		if got := secondTuesday(tt.year, tt.month); got != tt.day {
			t.Errorf("second Tuesday of %s %d = %d, want %d", tt.month, tt.year, got, tt.day)
		}
		if wd := time.Date(tt.year, tt.month, tt.day, 0, 0, 0, 0, time.UTC).Weekday(); wd != time.Tuesday {
			t.Errorf("%d %s %d is a %s", tt.day, tt.month, tt.year, wd)
		}
	}
}

// Patch Tuesday windows in London across month ends and both daylight
// saving changes: the local time of day holds, the UTC time moves.
func TestPatchTuesdayScheduleAcrossMonthsAndDST(t *testing.T) {
	loc := london(t)
	tests := []struct {
		name   string
		days   int
		at     string
		now    string
		latest string // "" = none
		next   string
	}{
		{"patch tuesday itself, winter", 0, "02:00", "2026-11-20T00:00:00Z", "2026-11-10T02:00:00Z", "2026-12-08T02:00:00Z"},
		{"two days after, summer is BST", 2, "02:00", "2026-07-01T00:00:00Z", "2026-06-11T01:00:00Z", "2026-07-16T01:00:00Z"},
		{"at the start itself is latest", 2, "02:00", "2026-06-11T01:00:00Z", "2026-06-11T01:00:00Z", "2026-07-16T01:00:00Z"},
		{"a minute before is the month before", 2, "02:00", "2026-06-11T00:59:00Z", "2026-05-14T01:00:00Z", "2026-06-11T01:00:00Z"},
		{"into the next month: January's lands on 2 February", 20, "02:00", "2026-02-01T12:00:00Z", "2025-12-29T02:00:00Z", "2026-02-02T02:00:00Z"},
		{"after the clocks go forward (29 March 2026)", 20, "02:00", "2026-03-29T12:00:00Z", "2026-03-02T02:00:00Z", "2026-03-30T01:00:00Z"},
		{"October's Patch Tuesday in BST, +13d after the clocks go back", 13, "02:00", "2026-10-20T00:00:00Z", "2026-09-21T01:00:00Z", "2026-10-26T02:00:00Z"},
		{"same month, before and after the change", 0, "22:30", "2026-10-14T00:00:00Z", "2026-10-13T21:30:00Z", "2026-11-10T22:30:00Z"},
		{"year end", 1, "03:15", "2026-12-31T23:00:00Z", "2026-12-09T03:15:00Z", "2027-01-13T03:15:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := compilePatchTuesday(PatchTuesday{DaysAfter: tt.days, At: tt.at}, loc)
			if err != nil {
				t.Fatal(err)
			}
			now := at(t, tt.now)
			l, ok := s.Latest(now)
			if !ok || !l.Equal(at(t, tt.latest)) {
				t.Errorf("Latest(%s) = %s %v, want %s", tt.now, l.UTC().Format(time.RFC3339), ok, tt.latest)
			}
			if n := s.Next(now); !n.Equal(at(t, tt.next)) {
				t.Errorf("Next(%s) = %s, want %s", tt.now, n.UTC().Format(time.RFC3339), tt.next)
			}
		})
	}
}

func TestPatchTuesdayScheduleString(t *testing.T) {
	for _, tt := range []struct {
		in   string
		days int
		at   string
		ok   bool
	}{
		{"patch_tuesday 02:00", 0, "02:00", true},
		{"patch_tuesday+2d 02:00", 2, "02:00", true},
		{"  patch_tuesday+14d   23:59 ", 14, "23:59", true},
		{"patch_tuesday-1d 02:00", 0, "", false},
		{"patch_tuesday+2d", 0, "", false},
		{"patch_tuesday+2 02:00", 0, "", false},
	} {
		pt, err := parsePatchTuesdayExpr(tt.in)
		if (err == nil) != tt.ok || tt.ok && (pt.DaysAfter != tt.days || pt.At != tt.at) {
			t.Errorf("parse %q = %+v, %v", tt.in, pt, err)
		}
	}
	for _, bad := range []PatchTuesday{{DaysAfter: 21, At: "02:00"}, {DaysAfter: -1, At: "02:00"}, {At: "25:00"}, {At: "2am"}} {
		if _, err := compilePatchTuesday(bad, time.UTC); err == nil {
			t.Errorf("compile %+v: no error", bad)
		}
	}
}

func TestShiftedScheduleFollowsItsBase(t *testing.T) {
	base, err := compilePatchTuesday(PatchTuesday{DaysAfter: 0, At: "02:00"}, london(t))
	if err != nil {
		t.Fatal(err)
	}
	s := shiftedSchedule{base: base, by: 48 * time.Hour}
	if l, ok := s.Latest(at(t, "2026-11-12T02:00:00Z")); !ok || !l.Equal(at(t, "2026-11-12T02:00:00Z")) {
		t.Errorf("Latest = %s", l)
	}
	if l, _ := s.Latest(at(t, "2026-11-12T01:59:00Z")); !l.Equal(at(t, "2026-10-15T01:00:00Z")) {
		t.Errorf("Latest before = %s", l.UTC())
	}
	if n := s.Next(at(t, "2026-11-12T02:00:00Z")); !n.Equal(at(t, "2026-12-10T02:00:00Z")) {
		t.Errorf("Next = %s", n.UTC())
	}
}
