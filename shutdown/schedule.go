package shutdown

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Timetable is a compiled [Schedule]: it answers whether a resource is
// meant to be off at an instant, left as it is, or on, and when that state
// began and ends.
//
// Periods are local wall-clock times in the timetable's timezone, so they
// follow daylight saving: "19:00" is 19:00 on the local clock in winter
// and in summer. Where the clock skips (spring forward), a change set for
// a skipped time happens when the clock jumps past it. Where the clock
// repeats an hour (autumn back), each change happens at the first of the
// two times the clock reads it, and the state holds through the repeat.
// Holidays are off from local midnight to the next local midnight.
//
// The state is the union of the periods: off where any period is off, else
// left as it is where a one-sided period says so, else on. A one-minute
// gap between two off stretches (a period that ends at 23:59 and one that
// begins at 00:00) is bridged: the resource stays off through it.
//
// A Timetable is immutable and safe for concurrent use; its methods do not
// allocate.
type Timetable struct {
	name     string
	loc      *time.Location
	set      periodSet
	holidays []int32 // day numbers, ascending
	cal      *offCalendar
}

// Window is the stretch of time a timetable's state is constant: an off
// period (holidays included), a stretch in which a resource is left as it
// is, or the on period between them.
type Window struct {
	// Off is set through an off period.
	Off bool
	// Keep is set where a one-sided period leaves the resource as it is:
	// neither stopped nor started. Off is then false.
	Keep bool
	// Start is when the state began; zero when it never changed.
	Start time.Time
	// End is when the state next changes; zero when it never does.
	End time.Time
}

// State names the window's state: "off", "as-is" or "on".
func (w Window) State() string {
	switch {
	case w.Off:
		return "off"
	case w.Keep:
		return "as-is"
	}
	return "on"
}

// NewTimetable compiles s, called name. An empty s.Timezone means loc.
// holidays are YYYY-MM-DD dates on which the timetable is off all day;
// s's iCalendar file and UK bank holidays count too (an s3:// calendar is
// not read: see [Planner.WithCalendars]).
func NewTimetable(name string, s Schedule, loc *time.Location, holidays []Date) (*Timetable, error) {
	path := "schedules." + name
	var errs []error
	if loc == nil && s.Timezone == "" {
		errs = append(errs, fmt.Errorf("%s: no timezone: the schedule names none and no default was given", path))
	}
	days := make([]int32, 0, len(holidays))
	for _, h := range holidays {
		d, err := parseDate(string(h))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: holiday: %w", path, err))
			continue
		}
		days = append(days, d)
	}
	slices.Sort(days)
	sp, specErrs := Config{}.compileSchedule("", name, s, loc, slices.Compact(days))
	errs = append(errs, specErrs...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return sp.timetable(nil), nil
}

// newTimetable returns a timetable from parts already checked; holidays
// are sorted day numbers.
func newTimetable(name string, loc *time.Location, set periodSet, holidays []int32) *Timetable {
	return &Timetable{name: name, loc: loc, set: set, holidays: holidays}
}

// Name is the schedule's name.
func (tt *Timetable) Name() string { return tt.name }

// Location is the timezone the schedule is read in.
func (tt *Timetable) Location() *time.Location { return tt.loc }

// Off reports whether a resource on this schedule is meant to be off at t.
func (tt *Timetable) Off(t time.Time) bool {
	day, minute := splitLocal(tt.wall(t))
	return tt.stateAt(day, minute) == phaseOff
}

// LastTransition returns when the state at t began and whether it is off:
// the latest instant at or before t at which the state changed. at is zero
// when the state has never changed.
func (tt *Timetable) LastTransition(t time.Time) (at time.Time, off bool) {
	day, minute := splitLocal(tt.wall(t))
	cur := tt.stateAt(day, minute)
	if d, m, ok := tt.lastChange(day, minute, cur); ok {
		at = tt.instant(d*secondsPerDay + int64(m)*60)
	}
	return at, cur == phaseOff
}

// NextTransition returns the first instant after t at which the state
// changes, and whether the state it changes to is off. at is zero when it
// never does.
func (tt *Timetable) NextTransition(t time.Time) (at time.Time, off bool) {
	day, minute := splitLocal(tt.wall(t))
	cur := tt.stateAt(day, minute)
	d, m, ok := tt.nextChange(day, minute, cur)
	if !ok {
		return time.Time{}, cur != phaseOff
	}
	return tt.instant(d*secondsPerDay + int64(m)*60), tt.stateAt(d, m) == phaseOff
}

// NextOff returns the first instant after t at which an off period
// begins; zero when none does.
func (tt *Timetable) NextOff(t time.Time) time.Time {
	day, minute := splitLocal(tt.wall(t))
	cur := tt.stateAt(day, minute)
	for range 4 {
		d, m, ok := tt.nextChange(day, minute, cur)
		if !ok {
			return time.Time{}
		}
		day, minute, cur = d, m, tt.stateAt(d, m)
		if cur == phaseOff {
			return tt.instant(d*secondsPerDay + int64(m)*60)
		}
	}
	return time.Time{}
}

// Window returns the window of constant state that contains t.
func (tt *Timetable) Window(t time.Time) Window {
	day, minute := splitLocal(tt.wall(t))
	cur := tt.stateAt(day, minute)
	w := Window{Off: cur == phaseOff, Keep: cur == phaseKeep}
	if d, m, ok := tt.lastChange(day, minute, cur); ok {
		w.Start = tt.instant(d*secondsPerDay + int64(m)*60)
	}
	if d, m, ok := tt.nextChange(day, minute, cur); ok {
		w.End = tt.instant(d*secondsPerDay + int64(m)*60)
	}
	return w
}

// wall returns t's local wall-clock time in the timetable's timezone, as
// seconds since 1970-01-01 00:00 on that clock. Through an hour the clock
// repeats, it returns the last second before the repeat began, so that the
// wall clock seen by the schedule never runs backwards.
func (tt *Timetable) wall(t time.Time) int64 {
	lt := t.In(tt.loc)
	_, offset := lt.Zone()
	u := t.Unix()
	start, _ := lt.ZoneBounds()
	if !start.IsZero() {
		su := start.Unix()
		if since := u - su; since < secondsPerDay {
			_, prev := time.Unix(su-1, 0).In(tt.loc).Zone()
			if back := int64(prev - offset); back > 0 && since < back {
				return su + int64(prev) - 1
			}
		}
	}
	return u + int64(offset)
}

// instant returns the first instant at which the wall clock (as [wall]
// reads it) reaches local, seconds since 1970-01-01 00:00 local.
func (tt *Timetable) instant(local int64) time.Time {
	before := offsetAt(tt.loc, local-secondsPerDay)
	after := offsetAt(tt.loc, local+secondsPerDay)
	ua, ub := local-int64(before), local-int64(after)
	va := offsetAt(tt.loc, ua) == before
	vb := offsetAt(tt.loc, ub) == after
	switch {
	case va && vb:
		return time.Unix(min(ua, ub), 0).In(tt.loc)
	case va:
		return time.Unix(ua, 0).In(tt.loc)
	case vb:
		return time.Unix(ub, 0).In(tt.loc)
	}
	// local was skipped: the clock jumped past it when the zone changed.
	start, _ := time.Unix(max(ua, ub), 0).In(tt.loc).ZoneBounds()
	return start
}

func offsetAt(loc *time.Location, unix int64) int {
	_, off := time.Unix(unix, 0).In(loc).Zone()
	return off
}

// splitLocal splits local seconds into a day number and a minute of the
// day.
func splitLocal(local int64) (day int64, minute int) {
	day = floorDiv(local, secondsPerDay)
	return day, int(local-day*secondsPerDay) / 60
}

// weekdayOf returns the weekday of a day number, Monday 0.
func weekdayOf(day int64) int {
	// 1970-01-01 was a Thursday.
	return int(((day+3)%7 + 7) % 7)
}
