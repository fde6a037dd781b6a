// Package reconcile defines what every opsd service has in common: the
// request a reconcile runs under (the clock and whether it may change
// anything) and the actions it reports back.
package reconcile

import (
	"context"
	"time"
)

// Mode says whether a reconcile may change anything.
type Mode int

const (
	// Apply observes, plans and acts.
	Apply Mode = iota
	// Plan observes and plans; it makes read-only AWS calls only.
	Plan
)

// String returns "apply" or "plan".
func (m Mode) String() string {
	if m == Plan {
		return "plan"
	}
	return "apply"
}

// Request is one reconcile of a service.
type Request struct {
	// Now is the time the reconcile acts as if the clock read.
	Now time.Time
	// Mode says whether the reconcile may change anything.
	Mode Mode
}

// Status is the outcome of one action.
type Status string

// Action outcomes.
const (
	// Planned is an action computed in plan mode, or not yet attempted.
	Planned Status = "planned"
	// Done is an action that was carried out.
	Done Status = "done"
	// Failed is an action that was attempted and failed.
	Failed Status = "failed"
	// Reported is a finding that needs a person, not a change (a malformed
	// tag, a production resource carrying a shutdown tag).
	Reported Status = "reported"
)

// Action is one thing a service did, would do, or reports.
type Action struct {
	Service  string `json:"service"`
	Account  string `json:"account"`
	Region   string `json:"region"`
	Resource string `json:"resource"`
	Action   string `json:"action"`
	Reason   string `json:"reason"`
	Status   Status `json:"status"`
	Error    string `json:"error,omitempty"`
	// Details are further facts for the JSON plan. A service may share
	// one map between several of its actions: read it, never change it.
	Details map[string]string `json:"details,omitempty"`
}

// Result is what one reconcile of a service produced.
type Result struct {
	Service string
	Actions []Action
	// Errors are failures that stopped part of the reconcile (an account or
	// region that could not be reached); each names its account and region.
	Errors []error
}

// Failed reports whether any part of the reconcile failed.
func (r Result) Failed() bool {
	if len(r.Errors) > 0 {
		return true
	}
	for _, a := range r.Actions {
		if a.Status == Failed {
			return true
		}
	}
	return false
}

// Count returns how many actions have status s.
func (r Result) Count(s Status) int {
	n := 0
	for _, a := range r.Actions {
		if a.Status == s {
			n++
		}
	}
	return n
}

// Service is one opsd platform service (shutdown, patching, ...).
type Service interface {
	// Name is the service's config key and its name in plans and metrics.
	Name() string
	// Schedule is the cron expression the daemon runs Reconcile on.
	Schedule() string
	// Timeout bounds one reconcile.
	Timeout() time.Duration
	// Reconcile observes the estate, decides, and (in Apply mode) acts.
	Reconcile(ctx context.Context, req Request) Result
}
