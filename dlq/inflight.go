package dlq

import (
	"fmt"
	"strconv"
	"time"
)

// Who holds a queue's in-flight messages, as the watch action's
// in_flight_received_by detail says it.
const (
	heldByOpsd  = "opsd"
	heldByOther = "another consumer"
)

// inFlightByOpsd reports whether the queue's in-flight messages are put down
// to opsd: its record says a receive of its own may still hide messages.
func (r *queueRun) inFlightByOpsd() bool {
	return r.depth.InFlight > 0 && r.hiddenUntil.After(r.now)
}

// inFlightDetail says who received the queue's in-flight messages and
// when they are visible again, after their count: " (received by opsd at
// 21:04, visible again by 21:06)" from opsd's own record, else ",
// received by another consumer; visible again within 30s" from the
// queue's visibility timeout. It is "" when nothing is in flight.
func (r *queueRun) inFlightDetail(loc *time.Location) string {
	switch {
	case r.depth.InFlight == 0:
		return ""
	case r.inFlightByOpsd():
		return fmt.Sprintf(" (received by opsd at %s, visible again by %s)",
			clock(r.receivedAt.Truncate(time.Minute), r.now, loc), clock(ceilMinute(r.hiddenUntil), r.now, loc))
	case r.depth.VisibilityTimeout > 0:
		return ", received by another consumer; visible again within " + humanAge(r.depth.VisibilityTimeout)
	}
	return ", received by another consumer; visible again when the visibility timeout it asked for ends (the queue's own is 0s)"
}

// inFlightText is "10 in flight (received by opsd at 21:04, visible
// again by 21:06)", or "" when nothing is in flight.
func (r *queueRun) inFlightText(loc *time.Location) string {
	if r.depth.InFlight == 0 {
		return ""
	}
	return strconv.FormatInt(r.depth.InFlight, 10) + " in flight" + r.inFlightDetail(loc)
}

// inFlightDetails are the watch action's details about the in-flight
// messages, for plans and /status: who received them, and when they are
// visible again (an RFC 3339 time from opsd's record, else within the
// queue's visibility timeout).
func (r *queueRun) inFlightDetails(d map[string]string) {
	d["visibility_timeout"] = humanAge(r.depth.VisibilityTimeout)
	switch {
	case r.depth.InFlight == 0:
	case r.inFlightByOpsd():
		d["in_flight_received_by"] = heldByOpsd
		d["received_at"] = r.receivedAt.UTC().Format(time.RFC3339)
		d["visible_again_by"] = r.hiddenUntil.UTC().Format(time.RFC3339)
	default:
		d["in_flight_received_by"] = heldByOther
		d["visible_again_within"] = humanAge(r.depth.VisibilityTimeout)
	}
}

// clock is t in loc to the minute: "21:04" on now's day, else with its
// date.
func clock(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// ceilMinute is t rounded up to the minute.
func ceilMinute(t time.Time) time.Time {
	if f := t.Truncate(time.Minute); f.Before(t) {
		return f.Add(time.Minute)
	}
	return t
}
