package webpage

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// seriesWindow is how far back the chart goes.
const seriesWindow = 7 * 24 * time.Hour

// Point is how many of the resources the shutdown service schedules were
// running at the end of one hour, by opsd's last run in that hour.
type Point struct {
	Hour    time.Time `json:"hour"`
	Running int       `json:"running"`
	Total   int       `json:"total"`
}

// Series keeps the last week of hourly points from the shutdown service's
// results, in the state store when there is one, so the chart survives a
// restart and a failover. Beside it, in the same store, is the page's
// history of actions (see [Series.History]).
type Series struct {
	mu      sync.Mutex
	points  []Point
	store   state.Keeper
	loaded  bool
	history *History
}

// NewSeries returns a series kept in store (nil: memory only), with the
// history of actions kept there too.
func NewSeries(store state.Keeper) *Series { return &Series{store: store, history: NewHistory(store)} }

// History is the history of actions kept in the series' store.
func (s *Series) History() *History {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.history == nil {
		s.history = NewHistory(s.store)
	}
	return s.history
}

const seriesKind, seriesKey = "webpage", "running-by-hour"

// Observe records a shutdown result: after the run, a resource is running
// when it was and was not stopped, or was started.
func (s *Series) Observe(ctx context.Context, at time.Time, res reconcile.Result) {
	if res.Service != "shutdown" {
		return
	}
	running, total := 0, 0
	for _, a := range res.Actions {
		if a.Details["schedule"] == "" {
			continue
		}
		total++
		up := a.Details["state"] == "running"
		if a.Status == reconcile.Done {
			switch a.Action {
			case "stop":
				up = false
			case "start":
				up = true
			}
		}
		if up {
			running++
		}
	}
	hour := at.UTC().Truncate(time.Hour)
	s.mu.Lock()
	defer s.mu.Unlock()
	// Read what is stored every run: another replica may have led since.
	s.loaded = false
	s.load(ctx)
	if n := len(s.points); n > 0 && s.points[n-1].Hour.Equal(hour) {
		s.points[n-1] = Point{hour, running, total}
	} else {
		s.points = append(s.points, Point{hour, running, total})
	}
	slices.SortFunc(s.points, func(a, b Point) int { return a.Hour.Compare(b.Hour) })
	cut := hour.Add(-seriesWindow)
	s.points = slices.DeleteFunc(s.points, func(p Point) bool { return !p.Hour.After(cut) })
	if s.store != nil {
		s.store.Save(ctx, seriesKind, seriesKey, s.points)
	}
}

// Points returns the points, oldest first.
func (s *Series) Points(ctx context.Context) []Point {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loaded = false // a follower shows what the leader records
	s.load(ctx)
	return slices.Clone(s.points)
}

func (s *Series) load(ctx context.Context) {
	if s.loaded {
		return
	}
	s.loaded = true
	p, ok := state.Load[[]Point](ctx, s.store, seriesKind, seriesKey)
	if !ok {
		return
	}
	// Keep this process's points where the store has none for the hour.
	have := map[time.Time]bool{}
	for _, q := range p {
		have[q.Hour] = true
	}
	for _, q := range s.points {
		if !have[q.Hour] {
			p = append(p, q)
		}
	}
	slices.SortFunc(p, func(a, b Point) int { return a.Hour.Compare(b.Hour) })
	s.points = p
}
