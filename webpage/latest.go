package webpage

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
)

// Latest keeps the last result of each service's runs, and when it came,
// for the page: the findings and pending actions of the last runs, and
// what the search looks through. It holds what the results hold; what is
// kept across a restart is the chart's series and the history of actions
// (see [Series] and [History]).
type Latest struct {
	mu      sync.Mutex
	results map[string]reconcile.Result
	at      map[string]time.Time
}

// Observe keeps res as its service's latest result.
func (l *Latest) Observe(_ context.Context, at time.Time, res reconcile.Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.results == nil {
		l.results, l.at = map[string]reconcile.Result{}, map[string]time.Time{}
	}
	l.results[res.Service], l.at[res.Service] = res, at
}

// Owners is what the latest results say of each resource's owner.
func (l *Latest) Owners() Owners {
	results, _ := l.All()
	return ownersOf(results)
}

// All returns the latest result of every service, by service name, with
// the time of each.
func (l *Latest) All() ([]reconcile.Result, map[string]time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]reconcile.Result, 0, len(l.results))
	for _, r := range l.results {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b reconcile.Result) int { return strings.Compare(a.Service, b.Service) })
	at := make(map[string]time.Time, len(l.at))
	for k, v := range l.at {
		at[k] = v
	}
	return out, at
}
