package savings

import (
	"time"
)

// Day is one calendar day in a timezone and the hours a resource was off
// in it.
type Day struct {
	// Date is the day's midnight in the report's timezone.
	Date  time.Time
	Hours float64
}

// Month is the calendar month of t in loc: its first midnight and the
// next month's.
func Month(year int, month time.Month, loc *time.Location) (from, to time.Time) {
	return time.Date(year, month, 1, 0, 0, 0, 0, loc), time.Date(year, month+1, 1, 0, 0, 0, 0, loc)
}

// Hours returns the hours off within [from, to), day by day in loc (the
// days of a clock change have 23 or 25 hours, and a night across one is
// counted as it elapsed), counting an interval still open as off until
// now (or to, whichever is first). Days with no hours off are left out.
func Hours(off []Interval, from, to, now time.Time, loc *time.Location) []Day {
	var days []Day
	for _, iv := range off {
		start, end := iv.From, iv.To
		if iv.Open() {
			end = now
		}
		if start.Before(from) {
			start = from
		}
		if end.After(to) {
			end = to
		}
		for start.Before(end) {
			l := start.In(loc)
			midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
			next := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
			stop := end
			if next.Before(stop) {
				stop = next
			}
			h := stop.Sub(start).Hours()
			if n := len(days); n > 0 && days[n-1].Date.Equal(midnight) {
				days[n-1].Hours += h
			} else {
				days = append(days, Day{Date: midnight, Hours: h})
			}
			start = stop
		}
	}
	return days
}

// Total is the sum of the days' hours.
func Total(days []Day) float64 {
	var h float64
	for _, d := range days {
		h += d.Hours
	}
	return h
}
