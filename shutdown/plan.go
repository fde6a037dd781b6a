package shutdown

import (
	"fmt"
	"strings"
	"time"
)

// ServiceName is the service's config key and its name in plans.
const ServiceName = "shutdown"

// rdsAutoStartAfter is how long AWS lets a database stay stopped before it
// starts it again by itself.
const rdsAutoStartAfter = 7 * 24 * time.Hour

// startSlack is how long after opsd's recorded start a resource's start
// time may fall and still be opsd's start (the record carries the time of
// the reconcile, the start takes effect a little later).
const startSlack = 15 * time.Minute

// Decide returns what to do to o at now. It is pure (o and now are all it
// reads) and does not allocate.
//
// The daemon may have been down, so Decide does not rely on when it last
// ran: it compares the resource's state and opsd's marker tags with the
// start of the schedule's current period.
//
//   - Off period, running: stop, unless opsd already stopped it in this
//     period (or saw it started by someone else in it): then someone
//     started it by hand, and it stays up until the next off period. A
//     database AWS restarted 7 days after opsd stopped it is stopped again.
//     A stop missed because the daemon was down is caught up.
//   - On period, stopped: start only if opsd's marker says opsd stopped it
//     (and, where the start time is known, nobody started it since). A
//     stop by someone else is left alone.
//   - An override tag bends the schedule until its time: skip-until keeps
//     the resource up, off-until keeps it down; once the time has passed
//     the tag is removed and the schedule applies again. A tag that cannot
//     be read is reported, and the resource neither stopped nor started.
//   - Before the only time of a one-sided period: left as it is, running
//     or stopped.
//   - Pending or stopping: nothing until it settles.
//   - Tags with problems, production, other environments: reported, never
//     acted on.
func (p *Planner) Decide(o Observation, now time.Time) Decision {
	d := Decision{Observation: o, Now: now, p: p}
	if o.Skip != "" {
		return d.with(ActionNone, CauseSkip)
	}
	d.Intent = p.Intent(o.Tags)
	d.Marker = p.marker(o.Tags)
	if d.Marker.Action == LastStopping {
		d.Marker = d.Marker.settle(o.State, o.StartedAt, now)
		d.Unrecorded = d.Marker.Valid()
	}
	in := &d.Intent
	switch {
	case in.Problems != 0:
		return d.with(ActionReport, CauseProblem)
	case !in.Wants() && d.orphan():
		return d.with(ActionReport, CauseOrphan)
	case in.OptedOut:
		return d.with(ActionNone, CauseOptedOut)
	case !in.Wants():
		return d.with(ActionNone, CauseUntagged)
	case o.Unsupported != "":
		return d.with(ActionReport, CauseUnsupported)
	}
	d.tt = p.timetables[in.Schedule]
	d.Window = d.tt.Window(now)
	switch o.State {
	case StateRunning, StateStopped:
	case StatePending, StateStopping:
		return d.with(ActionNone, CauseTransition)
	default:
		return d.with(ActionNone, CauseOtherState)
	}
	ov, err := d.override()
	switch {
	case err != nil:
		return d.with(ActionReport, CauseOverrideInvalid)
	case ov.Active(now):
		if out, ok := d.decideOverride(ov); ok {
			return out
		}
		d.Override = ov
	case ov.Set():
		d.Override, d.ClearOverride = ov, true
	}
	switch {
	case d.Window.Off:
		d = d.decideOff()
	case d.Window.Keep:
		d = d.decideKeep()
	default:
		d = d.decideOn()
	}
	if d.ClearOverride && d.Action == ActionNone {
		d = d.with(ActionClear, CauseOverrideExpired)
	}
	return d
}

func (d Decision) decideOff() Decision {
	o, m, start := &d.Observation, d.Marker, d.Window.Start
	if o.State == StateStopped {
		if d.Unrecorded {
			return d.with(ActionMark, CauseStopUnrecorded)
		}
		return d.with(ActionNone, CauseAlreadyStopped)
	}
	switch hold, ok, err := d.patchingHold(); {
	case err != nil:
		return d.with(ActionReport, CausePatchingHoldInvalid)
	case ok && d.Now.Before(hold):
		return d.with(ActionNone, CausePatching)
	case ok:
		// Started for a patch window that has ended and not stopped again:
		// opsd's own start, so no override of the schedule.
		return d.with(ActionStop, CausePatchingOver)
	}
	thisPeriod := m.Valid() && !m.At.Before(start)
	switch {
	case thisPeriod && m.Action == LastStop:
		if d.p.restop && isRDS(o.Kind) && d.Now.Sub(m.At) >= rdsAutoStartAfter {
			return d.with(ActionStop, CauseRDSAutoStart)
		}
		return d.with(ActionMark, CauseStartedOutside)
	case thisPeriod && m.Action == LastOverride:
		return d.with(ActionNone, CauseHeld)
	case d.startedThisPeriod():
		return d.with(ActionMark, CauseStartedOutside)
	}
	return d.with(ActionStop, CauseOffPeriod)
}

// decideKeep leaves the resource as it is: a one-sided period says
// neither stop nor start before its only time.
func (d Decision) decideKeep() Decision {
	if d.Observation.State == StateStopped {
		return d.with(ActionNone, CauseKeepStopped)
	}
	return d.with(ActionNone, CauseKeepRunning)
}

// startedThisPeriod reports whether the resource's start time, when known,
// falls in the current period and is not opsd's own start.
func (d Decision) startedThisPeriod() bool {
	s, m := d.Observation.StartedAt, d.Marker
	if s.IsZero() || d.Window.Start.IsZero() || s.Before(d.Window.Start) {
		return false
	}
	if s.After(d.Now) {
		// A start later than the time decided for (run --once --now in
		// the past, or clock skew) says nothing about this period.
		return false
	}
	if !m.Valid() {
		// opsd has never acted on it: it simply follows its schedule.
		return false
	}
	if m.Action == LastStart {
		return s.Sub(m.At) > startSlack
	}
	return s.After(m.At)
}

func (d Decision) decideOn() Decision {
	o, m := &d.Observation, d.Marker
	opsdStopped := m.Valid() && m.Action == LastStop
	if o.State == StateRunning {
		if opsdStopped {
			return d.with(ActionMark, CauseRunningAfterStop)
		}
		return d.with(ActionNone, CauseAlreadyRunning)
	}
	if opsdStopped && !d.startedSinceMarker() {
		return d.with(ActionStart, CauseOnPeriod)
	}
	return d.with(ActionNone, CauseStoppedOutside)
}

// startedSinceMarker reports whether the resource, stopped now, was
// started (and so stopped again by someone) after opsd's last marker: it
// was then stopped by hand, and opsd starts only what it stopped. A start
// the patching service made for a patch window, and stopped again after
// it, is not such a start: it is at or before the time patching recorded
// for its stop (see [Decision.patchingStopped]).
func (d Decision) startedSinceMarker() bool {
	s := d.Observation.StartedAt
	if s.IsZero() || !s.After(d.Marker.At) || s.After(d.Now) {
		return false
	}
	if at, ok := d.patchingStopped(); ok && at.After(d.Marker.At) && !s.After(at) {
		return false
	}
	return true
}

// patchingStopped returns when the patching service last stopped again an
// EC2 instance it had started for a window, from its tag; ok is false when
// there is no such tag or it cannot be read (then every start since the
// marker counts as a person's, as without patching).
func (d Decision) patchingStopped() (at time.Time, ok bool) {
	if d.Observation.Kind != KindEC2 || d.p.keys.PatchingStopped == "" {
		return time.Time{}, false
	}
	v, ok := d.Observation.Tags[d.p.keys.PatchingStopped]
	if !ok {
		return time.Time{}, false
	}
	at, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, false
	}
	return at, true
}

// orphan reports whether opsd stopped the resource and it is still
// stopped.
func (d *Decision) orphan() bool {
	return d.Observation.State == StateStopped && d.Marker.Valid() && d.Marker.Action == LastStop
}

func (d Decision) with(v Verb, c Cause) Decision {
	d.Action, d.Cause = v, c
	return d
}

func isRDS(k Kind) bool { return k == KindRDSInstance || k == KindRDSCluster }

// patchingHold returns the time the patching service holds an EC2
// instance running until, from its hold tag; ok is false when there is no
// such tag. A tag that is not an RFC 3339 time is an error: the instance
// is then reported, never stopped on a guess.
func (d Decision) patchingHold() (at time.Time, ok bool, err error) {
	if d.Observation.Kind != KindEC2 || d.p.keys.PatchingHold == "" {
		return time.Time{}, false, nil
	}
	v, ok := d.Observation.Tags[d.p.keys.PatchingHold]
	if !ok {
		return time.Time{}, false, nil
	}
	at, err = time.Parse(time.RFC3339, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("tag %s=%q is not an RFC 3339 time", d.p.keys.PatchingHold, v)
	}
	return at, true, nil
}
