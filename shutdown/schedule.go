package shutdown

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Timetable is a compiled [Schedule]: it answers whether a resource is
// meant to be off at an instant and when that state began and ends.
//
// Periods are local wall-clock times in the timetable's timezone, so they
// follow daylight saving: "19:00" is 19:00 on the local clock in winter
// and in summer. Where the clock skips (spring forward), a change set for
// a skipped time happens when the clock jumps past it. Where the clock
// repeats an hour (autumn back), each change happens at the first of the
// two times the clock reads it, and the state holds through the repeat.
// Holidays are off from local midnight to the next local midnight.
//
// A Timetable is immutable and safe for concurrent use; its methods do not
// allocate.
type Timetable struct {
	name     string
	loc      *time.Location
	week     week
	holidays []int32 // day numbers, ascending
}

// Window is the stretch of time a timetable's state is constant: an off
// period (holidays included) or the on period between two off periods.
type Window struct {
	// Off is the state through the window.
	Off bool
	// Start is when the state began; zero when it never changed.
	Start time.Time
	// End is when the state next changes; zero when it never does.
	End time.Time
}

// NewTimetable compiles s, called name. An empty s.Timezone means loc.
// holidays are YYYY-MM-DD dates on which the timetable is off all day.
func NewTimetable(name string, s Schedule, loc *time.Location, holidays []Date) (*Timetable, error) {
	path := "schedules." + name
	var errs []error
	tz := loc
	if s.Timezone != "" {
		var err error
		if tz, err = time.LoadLocation(s.Timezone); err != nil {
			errs = append(errs, fmt.Errorf("%s: load timezone %q: %w", path, s.Timezone, err))
		}
	}
	if tz == nil && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%s: no timezone: the schedule names none and no default was given", path))
	}
	w, weekErrs := compileWeek(path, s.Periods)
	errs = append(errs, weekErrs...)
	days := make([]int32, 0, len(holidays))
	for _, h := range holidays {
		d, err := parseDate(string(h))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: holiday: %w", path, err))
			continue
		}
		days = append(days, d)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.Sort(days)
	return newTimetable(name, tz, w, slices.Compact(days)), nil
}

// newTimetable returns a timetable from parts already checked; holidays
// are sorted day numbers.
func newTimetable(name string, loc *time.Location, w week, holidays []int32) *Timetable {
	return &Timetable{name: name, loc: loc, week: w, holidays: holidays}
}

// Name is the schedule's name.
func (tt *Timetable) Name() string { return tt.name }

// Location is the timezone the schedule is read in.
func (tt *Timetable) Location() *time.Location { return tt.loc }

// Off reports whether a resource on this schedule is meant to be off at t.
func (tt *Timetable) Off(t time.Time) bool {
	day, minute := splitLocal(tt.wall(t))
	return tt.offAt(day, minute)
}

// LastTransition returns when the state at t began and what it is: the
// latest instant at or before t at which the schedule turned off (off
// true) or on. at is zero when the state has never changed.
func (tt *Timetable) LastTransition(t time.Time) (at time.Time, off bool) {
	day, minute := splitLocal(tt.wall(t))
	off = tt.offAt(day, minute)
	if d, m, ok := tt.lastChange(day, minute, off); ok {
		at = tt.instant(d*secondsPerDay + int64(m)*60)
	}
	return at, off
}

// NextTransition returns the first instant after t at which the state
// changes, and the state it changes to. at is zero when it never does.
func (tt *Timetable) NextTransition(t time.Time) (at time.Time, off bool) {
	day, minute := splitLocal(tt.wall(t))
	cur := tt.offAt(day, minute)
	if d, m, ok := tt.nextChange(day, minute, cur); ok {
		at = tt.instant(d*secondsPerDay + int64(m)*60)
	}
	return at, !cur
}

// Window returns the window of constant state that contains t.
func (tt *Timetable) Window(t time.Time) Window {
	day, minute := splitLocal(tt.wall(t))
	w := Window{Off: tt.offAt(day, minute)}
	if d, m, ok := tt.lastChange(day, minute, w.Off); ok {
		w.Start = tt.instant(d*secondsPerDay + int64(m)*60)
	}
	if d, m, ok := tt.nextChange(day, minute, w.Off); ok {
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

func (tt *Timetable) holiday(day int64) bool {
	if len(tt.holidays) == 0 {
		return false
	}
	_, found := slices.BinarySearch(tt.holidays, int32(day))
	return found
}

// offAt is the state at a minute of a day.
func (tt *Timetable) offAt(day int64, minute int) bool {
	if tt.holiday(day) {
		return true
	}
	p := &tt.week[weekdayOf(day)]
	off := p.startOff
	for _, e := range p.edges {
		if int(e) > minute {
			break
		}
		off = !off
	}
	return off
}

func (tt *Timetable) startOff(day int64) bool {
	return tt.holiday(day) || tt.week[weekdayOf(day)].startOff
}

func (tt *Timetable) endOff(day int64) bool {
	return tt.holiday(day) || tt.week[weekdayOf(day)].endOff
}

// scanLimit bounds how many days a search for a change looks through. A
// compiled week is neither off all week nor on all week, so a run of days
// without a change is at most seven on days, or off days in which every
// weekday that has on time falls on a holiday: fewer than seven days per
// holiday, plus six.
func (tt *Timetable) scanLimit() int { return 7*(len(tt.holidays)+1) + 2 }

// lastChange finds the latest change at or before the minute of day, whose
// state is cur: the day and minute the state became cur.
func (tt *Timetable) lastChange(day int64, minute int, cur bool) (int64, int, bool) {
	upper := minute
	for range tt.scanLimit() {
		if !tt.holiday(day) {
			edges := tt.week[weekdayOf(day)].edges
			for j := len(edges) - 1; j >= 0; j-- {
				if int(edges[j]) <= upper {
					return day, int(edges[j]), true
				}
			}
		}
		if tt.endOff(day-1) != cur {
			return day, 0, true
		}
		day--
		upper = minutesPerDay - 1
	}
	return 0, 0, false
}

// nextChange finds the first change after the minute of day, whose state
// is cur.
func (tt *Timetable) nextChange(day int64, minute int, cur bool) (int64, int, bool) {
	lower := minute
	for range tt.scanLimit() {
		if !tt.holiday(day) {
			for _, e := range tt.week[weekdayOf(day)].edges {
				if int(e) > lower {
					return day, int(e), true
				}
			}
		}
		if tt.startOff(day+1) != cur {
			return day + 1, 0, true
		}
		day++
		lower = -1
	}
	return 0, 0, false
}
