package webpage

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// DefaultHistoryPeriod is how long the page keeps the actions opsd took
// when http.history does not say: a week, like the chart.
const DefaultHistoryPeriod = 7 * 24 * time.Hour

const historyKind, historyKey = "webpage", "actions"

// History keeps the actions opsd took or tried (done or failed) over a
// period, newest first, in the state store when there is one, so that the
// night's stops are still on the page in the morning, after a restart
// and on every replica: each reads what the leader wrote.
type History struct {
	mu    sync.Mutex
	doc   historyDoc
	store state.Keeper
}

// historyDoc is the stored history.
type historyDoc struct {
	// Rows are newest first.
	Rows []Row `json:"rows"`
	// Keep is the period the writer kept, for the page to say.
	Keep time.Duration `json:"keep"`
	// At is the time of the run that wrote it, which the rows were
	// bounded as of.
	At time.Time `json:"at"`
	// Capped is the newest time of the rows dropped, within the period,
	// to keep the document small (see maxHistoryRows); zero when none was.
	Capped time.Time `json:"capped,omitzero"`
}

// NewHistory returns a history kept in store (nil: memory only).
func NewHistory(store state.Keeper) *History { return &History{store: store} }

// Observe adds the actions of res that did or tried something, as of at,
// with their owners from known where the actions do not say, and drops
// what is older than keep (DefaultHistoryPeriod when not positive) or
// beyond the cap.
func (h *History) Observe(ctx context.Context, at time.Time, res reconcile.Result, keep time.Duration, known Owners) {
	if keep <= 0 {
		keep = DefaultHistoryPeriod
	}
	add := rowsOf(at, res, known)
	h.mu.Lock()
	defer h.mu.Unlock()
	// Read what is stored every run: another replica may have led since.
	h.load(ctx)
	before := len(h.doc.Rows)
	rows := mergeRows(h.doc.Rows, add)
	kept, capped := boundRows(rows, at, keep)
	if len(add) == 0 && len(kept) == before && h.doc.Keep == keep {
		return // nothing new, nothing dropped: no write
	}
	h.doc.Rows, h.doc.Keep, h.doc.At = kept, keep, at.UTC()
	if capped.After(h.doc.Capped) {
		h.doc.Capped = capped
	}
	if !h.doc.Capped.IsZero() && !h.doc.Capped.After(at.Add(-keep)) {
		h.doc.Capped = time.Time{} // what the cap dropped is now past the period anyway
	}
	if h.store != nil {
		h.store.Save(ctx, historyKind, historyKey, h.doc)
	}
}

// Rows returns the kept actions, newest first, the period they cover and
// the newest time of those the cap dropped (zero when none was).
func (h *History) Rows(ctx context.Context) (rows []Row, keep time.Duration, capped time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.load(ctx) // a follower shows what the leader records
	keep = h.doc.Keep
	if keep <= 0 {
		keep = DefaultHistoryPeriod
	}
	return slices.Clone(h.doc.Rows), keep, h.doc.Capped
}

// load merges what the store holds into what this process holds, so that
// rows this process recorded and could not save are kept, and bounds the
// union as of the last write: a follower's rows from when it led go as
// the leader's do.
func (h *History) load(ctx context.Context) {
	d, ok := state.Load[historyDoc](ctx, h.store, historyKind, historyKey)
	if !ok {
		return
	}
	if d.Keep > 0 {
		h.doc.Keep = d.Keep
	}
	if d.Capped.After(h.doc.Capped) {
		h.doc.Capped = d.Capped
	}
	if d.At.After(h.doc.At) {
		h.doc.At = d.At
	}
	keep := h.doc.Keep
	if keep <= 0 {
		keep = DefaultHistoryPeriod
	}
	h.doc.Rows, _ = boundRows(mergeRows(d.Rows, h.doc.Rows), h.doc.At, keep)
}
