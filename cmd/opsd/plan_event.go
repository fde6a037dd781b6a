package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/opsd-dev/opsd/events"
	"github.com/opsd-dev/opsd/reconcile"
)

// eventScope reads --event FILE and returns the event and the enabled
// services it concerns (narrowed by --only, when given).
func eventScope(path, file, only string) (events.Event, []string, error) {
	cfg, err := loadConfig(path)
	if err != nil {
		return events.Event{}, nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return events.Event{}, nil, &usageError{fmt.Sprintf("--event: %v", err)}
	}
	ev, err := events.Parse(data, events.Options{IgnorePrincipals: cfg.Events.IgnorePrincipals, OwnTagPrefix: "opsd:"})
	if err != nil {
		return events.Event{}, nil, &usageError{fmt.Sprintf("--event %s: %v", file, err)}
	}
	enabled := cfg.EnabledServices()
	var services []string
	for _, s := range ev.Services {
		if slices.Contains(enabled, s) && (only == "" || slices.Contains(strings.Split(only, ","), s)) {
			services = append(services, s)
		}
	}
	return ev, services, nil
}

// eventNothing says why an event makes opsd do nothing.
func eventNothing(ev events.Event) string {
	if ev.Ignored != "" {
		return fmt.Sprintf("  (event %s about %s %s: nothing to do: %s)", ev.ID, ev.Kind, ev.Resource, ev.Ignored)
	}
	return fmt.Sprintf("  (event %s about %s %s: it concerns %s, none of them enabled)", ev.ID, ev.Kind, ev.Resource, strings.Join(ev.Services, ", "))
}

// aboutEvent keeps, of each result, the actions on the event's resource
// in its account and region: what that one event would make opsd do. An
// event that names no one resource (a backup plan or an alarm changed by
// hand) keeps every action of its services, whose reconcile puts it back.
func aboutEvent(results []reconcile.Result, ev events.Event) []reconcile.Result {
	switch ev.Kind {
	case "backup", "alarm", "log-group":
		return results
	}
	out := make([]reconcile.Result, 0, len(results))
	for _, r := range results {
		k := reconcile.Result{Service: r.Service, Errors: r.Errors}
		for _, a := range r.Actions {
			if (ev.Account == "" || a.Account == ev.Account) && (ev.Region == "" || a.Region == ev.Region) && about(a, ev.Resource) {
				k.Actions = append(k.Actions, a)
			}
		}
		out = append(out, k)
	}
	return out
}
