package shutdown

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// OffFor names what keeps the schedule off at t besides its periods: a
// bank holiday ("Boxing Day"), a calendar event's summary, or a dated
// holiday ("holiday 2026-12-24"); "" when only the periods do. Where t
// falls in a period that a holiday later in the same off period extends,
// it names that holiday.
func (tt *Timetable) OffFor(t time.Time) string {
	day, minute := splitLocal(tt.wall(t))
	if tt.stateAt(day, minute) != phaseOff {
		return ""
	}
	if n := tt.offName(day, minute); n != "" {
		return n
	}
	end := tt.Window(t).End
	last := day + 31
	if !end.IsZero() {
		d, _ := splitLocal(tt.wall(end))
		last = min(last, d)
	}
	for d := day + 1; d <= last; d++ {
		if n := tt.offName(d, 0); n != "" {
			return n
		}
	}
	return ""
}

// offName names the holiday or event at a minute, or "".
func (tt *Timetable) offName(day int64, minute int) string {
	if tt.cal != nil {
		if n := tt.cal.name(day, minute); n != "" {
			return n
		}
	}
	if _, found := slices.BinarySearch(tt.holidays, int32(day)); found {
		y, m, d := civilDate(day)
		return fmt.Sprintf("holiday %04d-%02d-%02d", y, m, d)
	}
	return ""
}

// Unread names the calendars that could not be read, which leave on time
// as it is; "" when all were read.
func (tt *Timetable) Unread() string {
	if tt.cal == nil || len(tt.cal.unread) == 0 {
		return ""
	}
	return strings.Join(tt.cal.unread, ", ")
}
