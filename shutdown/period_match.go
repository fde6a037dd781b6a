package shutdown

// dayMatch is which days a period applies to: the parts of a [Period]
// (days, monthdays, months) compiled. A day matches when every part the
// period names matches it, as in Instance Scheduler; a part not named
// matches every day.
type dayMatch struct {
	// hasDays, hasMonthdays and hasMonths tell which parts were named.
	hasDays, hasMonthdays, hasMonths bool
	// weekdays has bit d set for weekday d (Monday 0) on every week.
	weekdays uint8
	// nth has, for each weekday, bit n (1–5) set for its nth occurrence
	// in the month ("mon#1") and bit nthLast for its last ("friL").
	nth [7]uint8
	// monthdays has bit d set for day d of the month (1–31).
	monthdays uint32
	// lastDay is "L": the month's last day.
	lastDay bool
	// nearest has bit d set for "dW": the weekday nearest day d.
	nearest uint32
	// months has bit m set for month m (1–12).
	months uint16
}

// nthLast is the bit of [dayMatch.nth] for a weekday's last occurrence.
const nthLast = 6

// weekly reports whether the match depends on the weekday alone.
func (m *dayMatch) weekly() bool {
	if m.hasMonthdays || m.hasMonths {
		return false
	}
	for _, n := range m.nth {
		if n != 0 {
			return false
		}
	}
	return true
}

// matches reports whether the period applies to a day number. It does not
// allocate.
func (m *dayMatch) matches(day int64) bool {
	wd := weekdayOf(day)
	if m.weekly() {
		return !m.hasDays || m.weekdays&(1<<wd) != 0
	}
	y, mo, d := civilDate(day)
	n := daysInMonth(y, mo)
	if m.hasMonths && m.months&(1<<mo) == 0 {
		return false
	}
	if m.hasMonthdays && !m.monthday(wd, d, n) {
		return false
	}
	if m.hasDays {
		nth := m.nth[wd]
		switch {
		case m.weekdays&(1<<wd) != 0:
		case nth&(1<<((d-1)/7+1)) != 0:
		case nth&(1<<nthLast) != 0 && d+7 > n:
		default:
			return false
		}
	}
	return true
}

// monthday reports whether day d of a month of n days, a weekday wd, is
// one of the month days named.
func (m *dayMatch) monthday(wd, d, n int) bool {
	if m.monthdays&(1<<d) != 0 || (m.lastDay && d == n) {
		return true
	}
	for t := 1; t <= 31 && m.nearest>>t != 0; t++ {
		if m.nearest&(1<<t) != 0 && nearestWeekday(t, wd, d, n) == d {
			return true
		}
	}
	return false
}

// nearestWeekday is the day of the month of "tW", the weekday (Monday to
// Friday) nearest day t, in a month of n days whose day d is weekday wd;
// 0 when the month has no day t. It never leaves the month: "1W" on a
// Saturday is Monday the 3rd, and the last day on a Sunday gives the
// Friday before.
func nearestWeekday(t, wd, d, n int) int {
	if t > n {
		return 0
	}
	switch ((wd-d+t)%7 + 7) % 7 {
	case 5: // Saturday
		if t == 1 {
			return 3
		}
		return t - 1
	case 6: // Sunday
		if t == n {
			return t - 2
		}
		return t + 1
	}
	return t
}

// matchesSome reports whether m matches any day of the calendar's 400-year
// cycle (and so any day at all).
func (m *dayMatch) matchesSome() bool {
	if m.weekly() {
		return !m.hasDays || m.weekdays != 0
	}
	const from = 10957 // 2000-01-01
	for day := int64(from); day < from+daysPerCycle; day++ {
		if m.matches(day) {
			return true
		}
	}
	return false
}
