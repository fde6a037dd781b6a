package paging

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Incident is one open condition: paged for, not yet resolved.
type Incident struct {
	Key       string            `json:"key"`
	Service   string            `json:"service"`
	Account   string            `json:"account"`
	Region    string            `json:"region"`
	Resource  string            `json:"resource"`
	Condition string            `json:"condition"`
	Summary   string            `json:"summary"`
	Details   map[string]string `json:"details,omitempty"`
}

// maxKey is the longest dedup key PagerDuty takes.
const maxKey = 255

// Key is the dedup key of a condition on a resource: the same condition
// on the same resource is always the same incident. A key longer than
// PagerDuty takes (a resource named by a long ARN) keeps its readable
// start and ends with a hash of the whole.
func Key(service, account, region, resource, condition string) string {
	k := strings.Join([]string{"opsd", service, account, region, resource, condition}, "/")
	if len(k) <= maxKey {
		return k
	}
	sum := sha256.Sum256([]byte(k))
	tail := "/" + hex.EncodeToString(sum[:16])
	return k[:maxKey-len(tail)] + tail
}

// Decision is what one result means for paging.
type Decision struct {
	// Events are the triggers and resolves to send, in order.
	Events []notify.PageEvent
	// Open are the service's incidents open once every event is sent.
	Open map[string]Incident
}

// Decide compares a service's result with its incidents open before it
// (open, keyed by Key) and returns the events to send: a trigger for each
// condition that fires and is not open, a resolve for each open incident
// whose account and region the run reached and whose condition is gone.
// An incident of a target the run did not reach stays open. A plan never
// pages: it returns no events and open unchanged.
func Decide(open map[string]Incident, res reconcile.Result, mode reconcile.Mode, p Policy) Decision {
	next := maps.Clone(open)
	if next == nil {
		next = map[string]Incident{}
	}
	if mode == reconcile.Plan {
		return Decision{Open: next}
	}
	seen := map[string]bool{}
	var events []notify.PageEvent
	for _, a := range res.Actions {
		cond, v := judge(a, p)
		if v == none {
			continue
		}
		key := Key(a.Service, a.Account, a.Region, a.Resource, cond)
		seen[key] = true
		if v != firing {
			continue
		}
		if _, ok := next[key]; ok {
			continue
		}
		inc := Incident{Key: key, Service: a.Service, Account: a.Account, Region: a.Region, Resource: a.Resource,
			Condition: cond, Summary: summary(a, cond), Details: incidentDetails(a)}
		next[key] = inc
		events = append(events, inc.event(notify.Trigger))
	}
	reached := reachedFunc(res.Errors)
	for _, key := range sortedKeys(next) {
		inc := next[key]
		if inc.Service != res.Service || seen[key] || !reached(inc.Account, inc.Region) {
			continue
		}
		delete(next, key)
		events = append(events, inc.event(notify.Resolve))
	}
	return Decision{Events: events, Open: next}
}

// reachedFunc says whether a run with errs reached an account and region:
// not when an error names that target, and nowhere when an error names no
// target (the run may have stopped anywhere).
func reachedFunc(errs []error) func(account, region string) bool {
	failed := map[string]bool{}
	for _, err := range errs {
		var te *accounts.TargetError
		if !errors.As(err, &te) {
			return func(string, string) bool { return false }
		}
		failed[te.Target.Account+"/"+te.Target.Region] = true
	}
	return func(account, region string) bool { return !failed[account+"/"+region] }
}

// event is the page event that triggers or resolves inc.
func (inc Incident) event(action notify.EventAction) notify.PageEvent {
	details := maps.Clone(inc.Details)
	if details == nil {
		details = map[string]string{}
	}
	details["service"] = inc.Service
	details["account"] = inc.Account
	details["region"] = inc.Region
	details["resource"] = inc.Resource
	summary := inc.Summary
	if action == notify.Resolve {
		summary = "cleared: " + inc.Summary
	}
	return notify.PageEvent{
		Action: action, DedupKey: inc.Key, Summary: summary, Source: "opsd " + inc.Service,
		Severity: severity(inc.Condition), Component: inc.Resource, Group: inc.Account + "/" + inc.Region,
		Class: inc.Condition, Details: details,
		Labels: notify.Labels{Account: inc.Account, Region: inc.Region, Environment: inc.Details["environment"],
			Application: inc.Details["application"], TeamEmail: inc.Details["team_email"]},
	}
}

// summary is the incident's one line for the person paged.
func summary(a reconcile.Action, cond string) string {
	where := fmt.Sprintf("%s in %s/%s", a.Resource, a.Account, a.Region)
	var s string
	switch cond {
	case CondBackupJobFailed:
		s = "Production backup failed: " + where
	case CondDLQMessages:
		s = "Messages in production dead-letter queue " + where
	case CondStartFailed:
		s = "Shutdown could not start " + where + " this morning"
	case CondCertExpiring:
		s = "Certificate expiring within 7 days: " + where
	default:
		s = cond + ": " + where
	}
	if r := strings.TrimSpace(a.Reason); r != "" {
		s += " (" + r + ")"
	}
	if e := strings.TrimSpace(a.Error); e != "" {
		s += ": " + e
	}
	return s
}

// incidentDetails are the action's details worth showing in the page.
func incidentDetails(a reconcile.Action) map[string]string {
	d := maps.Clone(a.Details)
	if d == nil {
		d = map[string]string{}
	}
	d["action"] = a.Action
	if a.Error != "" {
		d["error"] = a.Error
	}
	return d
}

func sortedKeys(m map[string]Incident) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
