// Package override reads the times of the override tags people set to
// bend a service's schedule for a while (shutdown's skip-until and
// off-until, patching's skip-until): an RFC 3339 time, or a clock time
// HH:MM in the schedule's timezone.
package override

import (
	"errors"
	"fmt"
	"time"
)

// Clock times ("22:00") mean the nearest such time that is at most Behind
// ago or Ahead ahead: set in the evening, "07:00" is tomorrow morning and
// "22:00" tonight; seen a little after 22:00, "22:00" has passed.
const (
	Behind = 6 * time.Hour
	Ahead  = 18 * time.Hour
)

// ErrValue is the error for a value that is neither form; its text says
// what is wanted.
var ErrValue = errors.New("is not an RFC 3339 time (2026-12-04T22:00:00Z) or a clock time HH:MM")

// Until reads an override's value at now: an RFC 3339 time as it is, or a
// clock time HH:MM in loc, taken as the nearest such time between Behind
// before now and Ahead after it. Across a daylight-saving change the clock
// time is the one the wall clock shows that day.
func Until(v string, now time.Time, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	hm, err := time.Parse("15:04", v)
	if err != nil || len(v) != len("15:04") {
		return time.Time{}, ErrValue
	}
	local := now.In(loc)
	for day := -1; day <= 1; day++ {
		t := time.Date(local.Year(), local.Month(), local.Day()+day, hm.Hour(), hm.Minute(), 0, 0, loc)
		if t.After(now.Add(-Behind)) && !t.After(now.Add(Ahead)) {
			return t, nil
		}
	}
	// Unreachable for a valid clock time: the three days cover the window.
	return time.Time{}, fmt.Errorf("is a clock time that could not be placed near %s", now.Format(time.RFC3339))
}
