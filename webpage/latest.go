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
// for the page. It holds what the results hold; nothing is kept across a
// restart but the chart's series (see [Series]).
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
