package patching

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// maxLookBack bounds how far back [cronSchedule.Latest] looks for an
// occurrence: a schedule that names no time in the last year (30 February)
// has none.
const maxLookBack = 400 * 24 * time.Hour

// cronSchedule is a five-field cron expression read in a timezone.
type cronSchedule struct {
	expr  string
	sched cron.Schedule
	loc   *time.Location
}

// compileCron parses expr (minute hour day-of-month month day-of-week) to
// be read in loc.
func compileCron(expr string, loc *time.Location) (cronSchedule, error) {
	s, err := cron.ParseStandard(expr)
	if err != nil {
		return cronSchedule{}, fmt.Errorf("%q is not a cron expression (minute hour day month weekday): %w", expr, err)
	}
	if loc == nil {
		loc = time.UTC
	}
	return cronSchedule{expr: expr, sched: s, loc: loc}, nil
}

// Next returns the first time after t the schedule names, or the zero
// time when it names none in the next five years.
func (c cronSchedule) Next(t time.Time) time.Time {
	return c.sched.Next(t.In(c.loc))
}

// Latest returns the latest time at or before t the schedule names, and
// false when it names none in the last year.
func (c cronSchedule) Latest(t time.Time) (time.Time, bool) {
	for back := time.Hour; back <= 2*maxLookBack; back *= 2 {
		n := c.Next(t.Add(-back))
		if n.IsZero() {
			return time.Time{}, false
		}
		if n.After(t) {
			continue
		}
		last := n
		for {
			m := c.Next(last)
			if m.After(t) || !m.After(last) {
				return last, true
			}
			last = m
		}
	}
	return time.Time{}, false
}
