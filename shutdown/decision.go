package shutdown

import (
	"time"
)

// Verb is what the service does to a resource.
type Verb string

// The verbs.
const (
	// ActionNone: nothing to do.
	ActionNone Verb = "none"
	// ActionStop: stop it (an ASG: scale it to zero), then record LastStop.
	ActionStop Verb = "stop"
	// ActionStart: start it (an ASG: restore its capacity), then record
	// LastStart.
	ActionStart Verb = "start"
	// ActionMark: change nothing but record a marker: LastOverride when it
	// was started by someone else after opsd stopped it, LastStop when
	// opsd stopped it without recording so (CauseStopUnrecorded).
	ActionMark Verb = "mark"
	// ActionReport: tell a person; change nothing.
	ActionReport Verb = "report"
	// ActionClear: change nothing but remove an override tag whose time
	// has passed (Decision.ClearOverride); the schedule applies again.
	ActionClear Verb = "clear-override"
)

// Cause is why a decision was made; [Decision.Reason] explains it.
type Cause int

// The causes.
const (
	// CauseUntagged: no shutdown tag.
	CauseUntagged Cause = iota
	// CauseOptedOut: a tag says false.
	CauseOptedOut
	// CauseProblem: the tags cannot be acted on (see Intent.Problems).
	CauseProblem
	// CauseOrphan: opsd stopped it, but no schedule applies any more.
	CauseOrphan
	// CauseSkip: handled through another resource (Observation.Skip).
	CauseSkip
	// CauseUnsupported: AWS cannot stop it (Observation.Unsupported).
	CauseUnsupported
	// CauseTransition: pending or stopping; decided once it settles.
	CauseTransition
	// CauseOtherState: a state never acted on.
	CauseOtherState
	// CauseOffPeriod: off period and running: stop.
	CauseOffPeriod
	// CauseAlreadyStopped: off period and stopped.
	CauseAlreadyStopped
	// CauseStopUnrecorded: off period and stopped by opsd, whose record of
	// the stop was never written (its marker still says LastStopping):
	// record it.
	CauseStopUnrecorded
	// CauseRDSAutoStart: off period, and AWS restarted the database 7 days
	// after opsd stopped it: stop again.
	CauseRDSAutoStart
	// CauseStartedOutside: off period, running, started by someone else
	// since opsd stopped it or since the period began: record the override.
	CauseStartedOutside
	// CausePatching: off period, running, and the patching service holds
	// it running for a patch window (its hold tag is in the future).
	CausePatching
	// CausePatchingOver: off period, running, and the patching hold has
	// passed: stop, since the start was opsd's own.
	CausePatchingOver
	// CausePatchingHoldInvalid: off period, running, and the patching
	// hold tag cannot be read: reported, not stopped.
	CausePatchingHoldInvalid
	// CauseHeld: off period, running, override already recorded in this
	// period: left running until the next off period.
	CauseHeld
	// CauseOnPeriod: on period, stopped by opsd: start.
	CauseOnPeriod
	// CauseAlreadyRunning: on period and running.
	CauseAlreadyRunning
	// CauseRunningAfterStop: on period, running although opsd's record
	// says it stopped it (its start's answer was lost, or someone started
	// it): record the start, so a later stop by hand sticks.
	CauseRunningAfterStop
	// CauseStoppedOutside: on period, stopped by someone else: left
	// stopped.
	CauseStoppedOutside
	// CauseOverrideInvalid: an override tag cannot be read (or both are
	// set): reported, neither stopped nor started.
	CauseOverrideInvalid
	// CauseSkipUntil: off period, running, and a skip-until tag keeps it
	// up: left running.
	CauseSkipUntil
	// CauseSkipUntilStart: stopped by opsd, and a skip-until tag keeps it
	// up: start.
	CauseSkipUntilStart
	// CauseSkipUntilStoppedOutside: off period, stopped by someone else,
	// with a skip-until tag: left stopped (opsd starts only what it
	// stopped).
	CauseSkipUntilStoppedOutside
	// CauseOffUntilStop: running, and an off-until tag keeps it down: stop.
	CauseOffUntilStop
	// CauseOffUntil: stopped, and an off-until tag keeps it down: left
	// stopped.
	CauseOffUntil
	// CauseOverrideExpired: the override's time has passed and the
	// schedule asks for nothing: remove the tag.
	CauseOverrideExpired
	// CauseKeepRunning: before the only time of a one-sided period,
	// running: left running (neither stopped nor started).
	CauseKeepRunning
	// CauseKeepStopped: before the only time of a one-sided period,
	// stopped: left stopped.
	CauseKeepStopped
)

// Decision is what the service does to one resource now, and why.
type Decision struct {
	// Observation is the resource decided on.
	Observation Observation
	// Action is what to do.
	Action Verb
	// Cause is why.
	Cause Cause
	// Intent is what the tags ask for.
	Intent Intent
	// Marker is opsd's record of its last action on the resource, with a
	// LastStopping marker settled against the resource's state.
	Marker Marker
	// Unrecorded is set when Marker is a LastStop read from a LastStopping
	// marker: opsd stopped the resource but never recorded it.
	Unrecorded bool
	// Window is the schedule's current off, as-is or on period; zero when
	// no schedule was evaluated.
	Window Window
	// Now is the time decided at.
	Now time.Time
	// Override is the resource's override tag, when it has one.
	Override Override
	// ClearOverride is set when Override's time has passed: the tag is
	// removed once the decision is carried out.
	ClearOverride bool

	tt *Timetable
	p  *Planner
}

// Schedule is the name of the schedule that applies, or "".
func (d Decision) Schedule() string {
	if d.tt == nil {
		return ""
	}
	return d.tt.name
}

// Timetable is the compiled schedule that applies, or nil.
func (d Decision) Timetable() *Timetable { return d.tt }

// Desired is the state opsd means the resource to be in once this decision
// is carried out: stopped or running, or "" when no schedule applies.
// Overrides count: a resource started by hand in its off period is
// desired running.
func (d Decision) Desired() State {
	switch {
	case d.tt == nil:
		return ""
	case d.Action == ActionStop:
		return StateStopped
	case d.Action == ActionStart:
		return StateRunning
	case d.Observation.State == StateRunning || d.Observation.State == StateStopped:
		return d.Observation.State
	case d.Window.Off:
		return StateStopped
	}
	return StateRunning
}

// Listed reports whether the decision belongs in a plan: every resource a
// schedule applies to, and every action or report.
func (d Decision) Listed() bool {
	return d.Action != ActionNone || d.tt != nil
}

// RecordAfter is the marker opsd writes once the action succeeded, or ""
// when the action writes none.
func (d Decision) RecordAfter() LastAction {
	switch d.Action {
	case ActionStop:
		return LastStop
	case ActionStart:
		return LastStart
	case ActionClear:
		return ""
	case ActionMark:
		switch d.Cause {
		case CauseStopUnrecorded:
			return LastStop
		case CauseRunningAfterStop:
			// Running in the on period is what opsd wants, whoever started
			// it (opsd itself, when the answer to its start was lost).
			return LastStart
		}
		return LastOverride
	}
	return ""
}
