package shutdown

import "slices"

// phase is a timetable's state at a minute.
type phase uint8

// The states, weakest first: where periods overlap the strongest wins.
const (
	// phaseOn: outside every period; started if opsd stopped it.
	phaseOn phase = iota
	// phaseKeep: before the only time of a one-sided period; left as it
	// is.
	phaseKeep
	// phaseOff: in an off period or on a holiday; stopped.
	phaseOff
)

// dayOff reports whether the whole day is a holiday.
func (tt *Timetable) dayOff(day int64) bool {
	if len(tt.holidays) > 0 {
		if _, found := slices.BinarySearch(tt.holidays, int32(day)); found {
			return true
		}
	}
	return tt.cal != nil && tt.cal.dayOff(day)
}

// rawAt is the state the periods, holidays and calendars give a minute,
// before one-minute gaps are bridged.
func (tt *Timetable) rawAt(day int64, minute int) (off, keep bool) {
	if tt.dayOff(day) || (tt.cal != nil && tt.cal.minuteOff(day, minute)) {
		return true, false
	}
	for i := range tt.set.rules {
		r := &tt.set.rules[i]
		for k := 0; k <= tt.set.lookback; k++ {
			into := k*minutesPerDay + minute - r.from
			if into < 0 {
				continue
			}
			start := day - int64(k)
			if into >= r.length[weekdayOf(start)] || !r.match.matches(start) {
				continue
			}
			if !r.keep {
				return true, false
			}
			keep = true
		}
	}
	if tt.cal != nil && tt.cal.keepAll() {
		keep = true
	}
	return false, keep
}

// stateAt is the state at a minute of a day.
func (tt *Timetable) stateAt(day int64, minute int) phase {
	off, keep := tt.rawAt(day, minute)
	if off {
		return phaseOff
	}
	pd, pm, nd, nm := day, minute-1, day, minute+1
	if pm < 0 {
		pd, pm = day-1, minutesPerDay-1
	}
	if nm == minutesPerDay {
		nd, nm = day+1, 0
	}
	if before, _ := tt.rawAt(pd, pm); before {
		if after, _ := tt.rawAt(nd, nm); after {
			return phaseOff
		}
	}
	if keep {
		return phaseKeep
	}
	return phaseOn
}

// states returns the minutes of a day that are off and those left as
// they are, one-minute gaps bridged; [Timetable.stateAt] minute by minute.
func (tt *Timetable) states(day int64) (off, keep dayBits) {
	if tt.dayOff(day) {
		off.setRange(0, minutesPerDay)
		return off, keep
	}
	if tt.cal != nil {
		tt.cal.fillDay(day, &off)
	}
	for k := 0; k <= tt.set.lookback; k++ {
		start := day - int64(k)
		wd := weekdayOf(start)
		for i := range tt.set.rules {
			r := &tt.set.rules[i]
			from := r.from - k*minutesPerDay
			to := from + r.length[wd]
			if to <= 0 || !r.match.matches(start) {
				continue
			}
			if r.keep {
				keep.setRange(from, to)
			} else {
				off.setRange(from, to)
			}
		}
	}
	if tt.cal != nil && tt.cal.keepAll() {
		keep.setRange(0, minutesPerDay)
	}
	before, _ := tt.rawAt(day-1, minutesPerDay-1)
	after, _ := tt.rawAt(day+1, 0)
	off.bridge(before, after)
	for w := range keep {
		keep[w] &^= off[w]
	}
	return off, keep
}

// minutesIn returns the minutes of a day whose phase is s.
func (tt *Timetable) minutesIn(day int64, s phase) dayBits {
	off, keep := tt.states(day)
	switch s {
	case phaseOff:
		return off
	case phaseKeep:
		return keep
	}
	var on dayBits
	for w := range on {
		on[w] = ^(off[w] | keep[w])
	}
	on.trim()
	return on
}

// scanLimit bounds how many days a search for a change looks through. A
// weekly schedule changes within a week but for holidays, fewer than
// seven days per holiday; any schedule repeats with the calendar's
// 400-year cycle, and its periods are never off throughout.
func (tt *Timetable) scanLimit() int {
	n := 7*(len(tt.holidays)+1) + 2 + tt.set.lookback
	if !tt.set.weekly || tt.cal != nil {
		n += daysPerCycle
	}
	return n
}

// lastChange finds the latest change at or before the minute of day, whose
// state is cur: the day and minute the state became cur.
func (tt *Timetable) lastChange(day int64, minute int, cur phase) (int64, int, bool) {
	before := minute
	for range tt.scanLimit() {
		in := tt.minutesIn(day, cur)
		if z := in.prevZero(before); z >= 0 {
			if z+1 == minutesPerDay {
				return day + 1, 0, true
			}
			return day, z + 1, true
		}
		day--
		before = minutesPerDay
	}
	return 0, 0, false
}

// nextChange finds the first change after the minute of day, whose state
// is cur.
func (tt *Timetable) nextChange(day int64, minute int, cur phase) (int64, int, bool) {
	after := minute
	for range tt.scanLimit() {
		in := tt.minutesIn(day, cur)
		if z := in.nextZero(after); z >= 0 {
			return day, z, true
		}
		day++
		after = -1
	}
	return 0, 0, false
}

// alwaysOff reports whether the periods are off at every minute.
func (set periodSet) alwaysOff() bool {
	tt := &Timetable{set: set}
	days := 7
	if !set.weekly {
		days = daysPerCycle
	}
	const from = 10957 // 2000-01-01
	for day := int64(from); day < from+int64(days); day++ {
		if off, _ := tt.states(day); !off.full() {
			return false
		}
	}
	return true
}
