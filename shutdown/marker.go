package shutdown

import (
	"strings"
	"time"
)

// LastAction is what opsd last did to a resource, as recorded in the
// last-action marker tag (opsd:shutdown:last-action) with its time in
// opsd:shutdown:last-action-at (RFC 3339, UTC). opsd writes both together,
// after the action succeeded; before a stop it writes LastStopping.
type LastAction string

// The values of the last-action tag.
const (
	// LastStop: opsd stopped the resource. Until opsd records something
	// else, a stopped resource is one opsd will start when its on period
	// comes, and a running one was started by someone (or something) else.
	LastStop LastAction = "stop"
	// LastStart: opsd started the resource.
	LastStart LastAction = "start"
	// LastOverride: opsd found the resource running after it had stopped
	// it, started by someone else. In an off period opsd leaves it running
	// until the next off period begins; a later stop is someone else's,
	// so opsd does not start it.
	LastOverride LastAction = "override"
	// LastStopping: opsd was about to stop the resource. It is written
	// before the stop and replaced by LastStop once the stop succeeded, so
	// a stop opsd made but never recorded (the daemon killed between the
	// two calls, or the marker write failed) is still known as opsd's: on a
	// stopped resource it reads as LastStop, and the stop is recorded at
	// the next reconcile; on a running one (the stop failed or never
	// happened) as no marker at all.
	LastStopping LastAction = "stopping"
)

// Marker is opsd's record, in the resource's tags, of its last action.
type Marker struct {
	// Action is empty when there is no valid marker.
	Action LastAction
	// At is when opsd took the action (the reconcile's clock).
	At time.Time
}

// Valid reports whether the marker was read: a known action with a time.
func (m Marker) Valid() bool { return m.Action != "" && !m.At.IsZero() }

// marker reads the marker tags. A missing, unknown or unparsable value
// gives the zero Marker: opsd then behaves as if it had never acted, so
// it neither starts the resource nor holds back from stopping it.
func (p *Planner) marker(tags map[string]string) Marker {
	a, ok := tags[p.keys.LastAction]
	if !ok {
		return Marker{}
	}
	at, ok := tags[p.keys.LastActionAt]
	if !ok {
		return Marker{}
	}
	var action LastAction
	switch strings.TrimSpace(a) {
	case string(LastStop):
		action = LastStop
	case string(LastStart):
		action = LastStart
	case string(LastOverride):
		action = LastOverride
	case string(LastStopping):
		action = LastStopping
	default:
		return Marker{}
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(at))
	if err != nil {
		return Marker{}
	}
	return Marker{Action: action, At: t}
}

// settle reads a LastStopping marker against the resource's state and,
// where the API gives one, its start time (an EC2 instance's launch time):
//   - stopped or stopping: opsd stopped it and its record of the stop was
//     never written: a LastStop at the marker's time;
//   - running, started after the marker (and not after now): the stop took
//     and someone started it by hand before the next run: a LastStop too,
//     which the off period reads as started outside opsd and keeps up;
//   - otherwise the stop did not take, and there is no marker.
//
// Other markers are returned as they are.
func (m Marker) settle(s State, startedAt, now time.Time) Marker {
	if m.Action != LastStopping {
		return m
	}
	switch {
	case s == StateStopped || s == StateStopping:
		return Marker{Action: LastStop, At: m.At}
	case s == StateRunning && !startedAt.IsZero() && startedAt.After(m.At) && !startedAt.After(now):
		return Marker{Action: LastStop, At: m.At}
	}
	return Marker{}
}

// MarkerTags returns the tags that record action at time at, to write on
// the resource after the action succeeded (with the last-error tag
// removed).
func (p *Planner) MarkerTags(action LastAction, at time.Time) map[string]string {
	return map[string]string{
		p.keys.LastAction:   string(action),
		p.keys.LastActionAt: at.UTC().Format(time.RFC3339),
	}
}
