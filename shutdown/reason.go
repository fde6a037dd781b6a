package shutdown

import (
	"fmt"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
)

// catchUpAfter is how late after a period began an action is called a
// catch-up (a reconcile missed while the daemon was down).
const catchUpAfter = 15 * time.Minute

// Reason explains the decision in a sentence naming the schedule and its
// period, e.g. "off period default (Tue 19:00 → Wed 07:00 Europe/London)",
// and the removal of an override tag whose time has passed.
func (d Decision) Reason() string {
	s := d.reason()
	if d.ClearOverride && d.Cause != CauseOverrideExpired && d.Action != ActionReport {
		s += fmt.Sprintf("; tag %s=%s passed at %s: removed", d.Override.Key, d.Override.Value, d.local(d.Override.Until))
	}
	return s
}

func (d Decision) reason() string {
	switch d.Cause {
	case CauseUntagged:
		return "no shutdown tag"
	case CauseOptedOut:
		return "opted out (" + d.p.optOutBy(&d.Intent.raw) + ")"
	case CauseProblem:
		s := d.p.problemText(d.Intent)
		if d.orphan() {
			s += "; " + d.orphanNote()
		}
		return s
	case CauseOrphan:
		why := "no shutdown tag"
		if d.Intent.OptedOut {
			why = "opted out by " + d.p.optOutBy(&d.Intent.raw)
		}
		return fmt.Sprintf("no schedule applies any more (%s); %s", why, d.orphanNote())
	case CauseSkip:
		return d.Observation.Skip
	case CauseUnsupported:
		return fmt.Sprintf("tagged for schedule %s, but AWS cannot stop it: %s", d.Intent.Schedule, d.Observation.Unsupported)
	}
	period := d.Period()
	m := d.Marker
	switch d.Cause {
	case CauseTransition:
		return fmt.Sprintf("%s; %s: decided once that settles", period, d.Observation.State)
	case CauseOtherState:
		return fmt.Sprintf("%s; state %s is never acted on", period, d.Observation.State)
	case CauseOffPeriod:
		return period + d.catchUp()
	case CauseAlreadyStopped:
		return period + "; already stopped"
	case CauseStopUnrecorded:
		return fmt.Sprintf("%s; stopped by opsd at %s, not recorded then: recorded now", period, d.local(m.At))
	case CauseRDSAutoStart:
		return fmt.Sprintf("%s; AWS restarted the database 7 days after opsd stopped it at %s: stopping it again", period, d.local(m.At))
	case CauseStartedOutside:
		if m.Valid() && m.Action == LastStop && !m.At.Before(d.Window.Start) {
			return fmt.Sprintf("%s; started outside opsd after opsd stopped it at %s: left running until %s", period, d.local(m.At), d.nextOff())
		}
		return fmt.Sprintf("%s; started outside opsd at %s: left running until %s", period, d.local(d.Observation.StartedAt), d.nextOff())
	case CausePatching:
		hold, _, _ := d.patchingHold()
		return fmt.Sprintf("%s; started for a patch window: left running until %s", period, d.local(hold))
	case CausePatchingOver:
		hold, _, _ := d.patchingHold()
		return fmt.Sprintf("%s; started for a patch window that ended at %s", period, d.local(hold))
	case CausePatchingHoldInvalid:
		_, _, err := d.patchingHold()
		return fmt.Sprintf("%s; %v: left running, not stopped on a guess", period, err)
	case CauseHeld:
		return fmt.Sprintf("%s; started outside opsd in this period (seen at %s): left running until %s", period, d.local(m.At), d.nextOff())
	case CauseOnPeriod:
		return fmt.Sprintf("%s; opsd stopped it at %s%s", period, d.local(m.At), d.catchUp())
	case CauseAlreadyRunning:
		return period + "; already running"
	case CauseRunningAfterStop:
		return fmt.Sprintf("%s; running although opsd stopped it at %s: recorded as started, so that a stop by hand sticks", period, d.local(m.At))
	case CauseStoppedOutside:
		return period + "; stopped outside opsd: left stopped"
	case CauseOverrideInvalid:
		_, err := d.override()
		return fmt.Sprintf("%s; %v: neither stopped nor started", period, err)
	case CauseSkipUntil:
		return fmt.Sprintf("%s; kept up until %s by tag %s", period, d.local(d.Override.Until), d.Override.Key)
	case CauseSkipUntilStart:
		return fmt.Sprintf("%s; tag %s keeps it up until %s: starting what opsd stopped at %s", period, d.Override.Key, d.local(d.Override.Until), d.local(m.At))
	case CauseSkipUntilStoppedOutside:
		return fmt.Sprintf("%s; stopped outside opsd: left stopped (tag %s keeps up only what opsd stopped)", period, d.Override.Key)
	case CauseOffUntilStop:
		return fmt.Sprintf("%s; tag %s keeps it down until %s: stopping it", period, d.Override.Key, d.local(d.Override.Until))
	case CauseOffUntil:
		return fmt.Sprintf("%s; kept down until %s by tag %s", period, d.local(d.Override.Until), d.Override.Key)
	case CauseKeepRunning:
		return period + "; running: left running (the period neither stops nor starts it)"
	case CauseKeepStopped:
		return period + "; stopped: left stopped (the period neither stops nor starts it)"
	case CauseOverrideExpired:
		return fmt.Sprintf("%s; tag %s=%s passed at %s: removed, the schedule applies again", period, d.Override.Key, d.Override.Value, d.local(d.Override.Until))
	}
	return period
}

// Period names the schedule's current period, e.g. "off period default
// (Tue 19:00 → Wed 07:00 Europe/London)", and the holiday or calendar
// event that keeps it off ("…: Boxing Day"); "" when no schedule applies.
func (d Decision) Period() string {
	if d.tt == nil {
		return ""
	}
	state := d.Window.State()
	w := d.Window
	layout := "Mon 15:04"
	if w.Start.IsZero() || w.End.IsZero() || w.End.Sub(w.Start) >= 6*24*time.Hour {
		layout = "Mon 2 Jan 15:04"
	}
	from, to := "…", "…"
	if !w.Start.IsZero() {
		from = w.Start.In(d.tt.loc).Format(layout)
	}
	if !w.End.IsZero() {
		to = w.End.In(d.tt.loc).Format(layout)
	}
	s := fmt.Sprintf("%s period %s (%s → %s %s)", state, d.tt.name, from, to, d.tt.loc)
	switch {
	case w.Off:
		if why := d.tt.OffFor(d.Now); why != "" {
			s += ": " + why
		}
	case w.Keep:
		if u := d.tt.Unread(); u != "" {
			s += ": calendar " + u + " could not be read, so what it keeps off is not known"
		}
	}
	return s
}

func (d Decision) catchUp() string {
	if d.Window.Start.IsZero() || d.Now.Sub(d.Window.Start) < catchUpAfter {
		return ""
	}
	late := strings.TrimSuffix(d.Now.Sub(d.Window.Start).Round(time.Minute).String(), "0s")
	return "; catching up: the period began " + late + " ago"
}

// nextOff names when the next off period after the current one begins.
func (d Decision) nextOff() string {
	if d.Window.End.IsZero() {
		return "the next off period"
	}
	at := d.tt.NextOff(d.Window.End)
	if at.IsZero() {
		return "the next off period"
	}
	return "the next off period (" + d.local(at) + ")"
}

func (d Decision) orphanNote() string {
	return fmt.Sprintf("opsd stopped it at %s and left it stopped: start it by hand if it is needed", d.Marker.At.UTC().Format(time.RFC3339))
}

// local formats t in the schedule's timezone.
func (d Decision) local(t time.Time) string {
	if d.tt != nil {
		t = t.In(d.tt.loc)
	}
	return t.Format("Mon 2 Jan 15:04 MST")
}

// AsAction is the decision as a reconcile action (plan output), with
// details for `opsd plan --json`: kind, state, name (the Name tag, when it
// is not the id), environment, application and team_email (its owner's
// tags, when it has them), schedule,
// schedule_state (off, as-is or on), desired, period_start and period_end;
// last_action and last_action_at, opsd's marker as the resource's tags
// hold it now, only when they hold one; records, the marker opsd writes
// once the action is done.
func (d Decision) AsAction() reconcile.Action {
	o := d.Observation
	a := reconcile.Action{
		Service:  ServiceName,
		Account:  o.Account,
		Region:   o.Region,
		Resource: o.ID,
		Action:   string(d.Action),
		Reason:   d.Reason(),
		Status:   reconcile.Planned,
		Details:  map[string]string{"kind": string(o.Kind), "state": string(o.State)},
	}
	if d.Action == ActionReport {
		a.Status = reconcile.Reported
	}
	if name := o.Tags[nameTag]; name != "" && name != o.ID {
		a.Details["name"] = name
	}
	if d.Intent.Environment != "" {
		a.Details["environment"] = d.Intent.Environment
	}
	if d.p != nil {
		// Who owns it, for routing and for finding it on the page.
		for k, key := range map[string]string{"application": d.p.keys.Application, "team_email": d.p.keys.TeamEmail} {
			if v := strings.TrimSpace(o.Tags[key]); key != "" && v != "" {
				a.Details[k] = v
			}
		}
	}
	if by := d.Intent.By; by != "" {
		a.Details["decided_by"] = "tag " + by
		if v := o.Tags[by]; v != "" {
			a.Details["decided_by"] += "=" + v
		}
	}
	if d.Override.Set() {
		a.Details["override"] = d.Override.Key + "=" + d.Override.Value
		a.Details["override_until"] = d.Override.Until.UTC().Format(time.RFC3339)
	}
	if d.tt != nil {
		a.Details["schedule"] = d.tt.name
		a.Details["timezone"] = d.tt.loc.String()
		a.Details["schedule_state"] = d.Window.State()
		if !d.Window.Start.IsZero() {
			a.Details["period_start"] = d.Window.Start.In(d.tt.loc).Format(time.RFC3339)
		}
		if !d.Window.End.IsZero() {
			a.Details["period_end"] = d.Window.End.In(d.tt.loc).Format(time.RFC3339)
		}
	}
	if s := d.Desired(); s != "" {
		a.Details["desired"] = string(s)
	}
	if d.p != nil {
		if m := d.p.marker(o.Tags); m.Valid() {
			a.Details["last_action"] = string(m.Action)
			a.Details["last_action_at"] = m.At.UTC().Format(time.RFC3339)
		}
	}
	if r := d.RecordAfter(); r != "" {
		a.Details["records"] = string(r)
	}
	return a
}

// Plan decides on every observation at now and returns the decisions that
// belong in a plan (see [Decision.Listed]).
func (p *Planner) Plan(obs []Observation, now time.Time) []Decision {
	var out []Decision
	for _, o := range obs {
		if d := p.Decide(o, now); d.Listed() {
			out = append(out, d)
		}
	}
	return out
}

// Actions returns the decisions as reconcile actions.
func Actions(ds []Decision) []reconcile.Action {
	out := make([]reconcile.Action, 0, len(ds))
	for _, d := range ds {
		out = append(out, d.AsAction())
	}
	return out
}
