package patching

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// schedule names the starts of a patch window: a cron expression, a day
// relative to Patch Tuesday, or another ring's starts moved on.
type schedule interface {
	// Next returns the first start after t, or the zero time when there
	// is none in the next five years.
	Next(t time.Time) time.Time
	// Latest returns the latest start at or before t, and false when
	// there is none in the last year.
	Latest(t time.Time) (time.Time, bool)
	// Location is the timezone the schedule is read in.
	Location() *time.Location
}

var _ schedule = cronSchedule{}

// Location is the timezone the cron expression is read in.
func (c cronSchedule) Location() *time.Location { return c.loc }

// PatchTuesday places a window's start relative to Patch Tuesday, the
// second Tuesday of the month, when Microsoft releases its monthly
// security updates.
type PatchTuesday struct {
	// DaysAfter is how many days after Patch Tuesday the window opens
	// (0 to 20; 0 is Patch Tuesday itself).
	DaysAfter int `koanf:"days_after"`
	// At is the local time of day the window opens, "HH:MM".
	At string `koanf:"at"`
}

// maxDaysAfter keeps a Patch Tuesday window inside the month it belongs
// to: the second Tuesday falls on the 8th to the 14th.
const maxDaysAfter = 20

// patchTuesdaySchedule is a compiled [PatchTuesday]: once a month, at a
// local time of day.
type patchTuesdaySchedule struct {
	days         int
	hour, minute int
	loc          *time.Location
}

var _ schedule = patchTuesdaySchedule{}

// patchTuesdayExpr is the schedule string form: "patch_tuesday+2d 02:00".
var patchTuesdayExpr = regexp.MustCompile(`^patch_tuesday(?:\+(\d+)d)?\s+(\S+)$`)

// isPatchTuesdayExpr reports whether a window schedule is written
// relative to Patch Tuesday rather than as cron.
func isPatchTuesdayExpr(s string) bool {
	return strings.HasPrefix(strings.TrimSpace(s), "patch_tuesday")
}

// parsePatchTuesdayExpr reads "patch_tuesday+Nd HH:MM".
func parsePatchTuesdayExpr(s string) (PatchTuesday, error) {
	m := patchTuesdayExpr.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return PatchTuesday{}, fmt.Errorf("%q is not \"patch_tuesday+Nd HH:MM\" (e.g. \"patch_tuesday+2d 02:00\")", s)
	}
	pt := PatchTuesday{At: m[2]}
	if m[1] != "" {
		pt.DaysAfter, _ = strconv.Atoi(m[1])
	}
	return pt, nil
}

// compilePatchTuesday checks pt and reads it in loc.
func compilePatchTuesday(pt PatchTuesday, loc *time.Location) (patchTuesdaySchedule, error) {
	if pt.DaysAfter < 0 || pt.DaysAfter > maxDaysAfter {
		return patchTuesdaySchedule{}, fmt.Errorf("days_after %d is not from 0 to %d", pt.DaysAfter, maxDaysAfter)
	}
	at, err := time.Parse("15:04", strings.TrimSpace(pt.At))
	if err != nil {
		return patchTuesdaySchedule{}, fmt.Errorf("at %q is not a time of day HH:MM: %w", pt.At, err)
	}
	if loc == nil {
		loc = time.UTC
	}
	return patchTuesdaySchedule{days: pt.DaysAfter, hour: at.Hour(), minute: at.Minute(), loc: loc}, nil
}

// secondTuesday returns the day of the month of the second Tuesday of
// year/month.
func secondTuesday(year int, month time.Month) int {
	first := time.Date(year, month, 1, 12, 0, 0, 0, time.UTC).Weekday()
	return 1 + (int(time.Tuesday)-int(first)+7)%7 + 7
}

// in returns the start belonging to the month year/month: Patch Tuesday
// plus the days, at the time of day in the schedule's timezone. A time of
// day that a daylight saving change skips is read as Go's time.Date does
// (the hour after).
func (s patchTuesdaySchedule) in(year int, month time.Month) time.Time {
	return time.Date(year, month, secondTuesday(year, month)+s.days, s.hour, s.minute, 0, 0, s.loc)
}

// Next returns the first start after t.
func (s patchTuesdaySchedule) Next(t time.Time) time.Time {
	lt := t.In(s.loc)
	for n := -1; n <= 2; n++ {
		y, m, _ := time.Date(lt.Year(), lt.Month()+time.Month(n), 1, 0, 0, 0, 0, s.loc).Date()
		if c := s.in(y, m); c.After(t) {
			return c
		}
	}
	return time.Time{}
}

// Latest returns the latest start at or before t.
func (s patchTuesdaySchedule) Latest(t time.Time) (time.Time, bool) {
	lt := t.In(s.loc)
	for n := 1; n >= -2; n-- {
		y, m, _ := time.Date(lt.Year(), lt.Month()+time.Month(n), 1, 0, 0, 0, 0, s.loc).Date()
		if c := s.in(y, m); !c.After(t) {
			return c, true
		}
	}
	return time.Time{}, false
}

// Location is the timezone the schedule is read in.
func (s patchTuesdaySchedule) Location() *time.Location { return s.loc }

// shiftedSchedule is another schedule's starts, each moved on by a
// duration: a ring that opens a fixed time after the ring before it.
type shiftedSchedule struct {
	base schedule
	by   time.Duration
}

var _ schedule = shiftedSchedule{}

// Next returns the first start after t.
func (s shiftedSchedule) Next(t time.Time) time.Time {
	n := s.base.Next(t.Add(-s.by))
	if n.IsZero() {
		return n
	}
	return n.Add(s.by)
}

// Latest returns the latest start at or before t.
func (s shiftedSchedule) Latest(t time.Time) (time.Time, bool) {
	l, ok := s.base.Latest(t.Add(-s.by))
	if !ok {
		return l, false
	}
	return l.Add(s.by), true
}

// Location is the base schedule's timezone.
func (s shiftedSchedule) Location() *time.Location { return s.base.Location() }
