package main

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
)

// writeExplanation writes what the services would do to one resource,
// service by service, and for the shutdown service what decides it and
// what happens next.
func writeExplanation(w io.Writer, resource string, now time.Time, actions []reconcile.Action) {
	if len(actions) == 0 {
		fmt.Fprintf(w, "%s: no enabled service acts on it at %s: it carries no tag opsd acts on in the configured accounts and regions, or it does not exist there\n",
			resource, now.Format(time.RFC3339))
		return
	}
	sort.SliceStable(actions, func(i, j int) bool { return actions[i].Service < actions[j].Service })
	first := actions[0]
	title := first.Resource
	if name := first.Details["name"]; name != "" && name != title {
		title += " (" + name + ")"
	}
	fmt.Fprintf(w, "%s in account %s region %s, as of %s\n", title, first.Account, first.Region, now.Format(time.RFC3339))
	service := ""
	for _, a := range actions {
		if a.Service != service {
			service = a.Service
			fmt.Fprintf(w, "\n%s\n", service)
		}
		if a.Service == "shutdown" {
			writeShutdown(w, a)
			continue
		}
		fmt.Fprintf(w, "  %s (%s): %s\n", a.Action, a.Status, a.Reason)
		if a.Error != "" {
			fmt.Fprintf(w, "    error: %s\n", a.Error)
		}
	}
}

// writeShutdown explains a shutdown decision from its action's details.
func writeShutdown(w io.Writer, a reconcile.Action) {
	d := a.Details
	loc := time.UTC
	if l, err := time.LoadLocation(d["timezone"]); err == nil {
		loc = l
	}
	shortTime := func(s string) string { return shortTime(s, loc) }
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(w, "  %-10s %s\n", label+":", value)
		}
	}
	state := d["state"]
	if want := d["desired"]; want != "" && want != state {
		state += " (opsd wants it " + want + ")"
	}
	line("state", state)
	if s := d["schedule"]; s != "" {
		sched := fmt.Sprintf("%s, %s period %s → %s", s, d["schedule_state"], shortTime(d["period_start"]), shortTime(d["period_end"]))
		if by := d["decided_by"]; by != "" {
			sched += " (chosen by " + by + ")"
		}
		line("schedule", sched)
	}
	if ov := d["override"]; ov != "" {
		line("override", ov+" (until "+shortTime(d["override_until"])+")")
	}
	if m := d["last_action"]; m != "" {
		line("marker", m+" at "+shortTime(d["last_action_at"]))
	}
	line("now", a.Action+": "+a.Reason)
	line("next", nextShutdownStep(a, loc))
}

// nextShutdownStep says what the schedule does at the end of the current
// period, from what opsd knows now.
func nextShutdownStep(a reconcile.Action, loc *time.Location) string {
	d := a.Details
	end := shortTime(d["period_end"], loc)
	if end == "" {
		return ""
	}
	stopped := d["state"] == "stopped" || a.Action == "stop"
	opsdStopped := d["last_action"] == "stop" || d["last_action"] == "stopping" || a.Action == "stop"
	switch {
	case d["schedule_state"] == "off" && stopped && opsdStopped:
		return "at " + end + " the off period ends: opsd starts it"
	case d["schedule_state"] == "off" && stopped:
		return "at " + end + " the off period ends: left stopped (opsd starts only what it stopped)"
	case d["schedule_state"] == "off":
		return "left running; at " + end + " the off period ends, and the next one stops it"
	case stopped:
		return "left stopped until someone starts it; at " + end + " the off period begins"
	}
	return "at " + end + " the off period begins: opsd stops it"
}

// shortTime writes an RFC 3339 time as "Mon 2 Jan 15:04 MST" in loc, or
// returns s unchanged when it is not one.
func shortTime(s string, loc *time.Location) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.In(loc).Format("Mon 2 Jan 15:04 MST")
}
