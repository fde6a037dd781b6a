package savings

import (
	"context"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// The ledger's place in the state store.
const ledgerKind, ledgerKey = "savings", "ledger"

// Ledger keeps the record of what opsd kept off in the state store when
// there is one, so that it survives restarts and every replica reads
// what the leader wrote.
type Ledger struct {
	mu    sync.Mutex
	doc   Doc
	store state.Keeper
}

// NewLedger returns a ledger kept in store (nil: memory only).
func NewLedger(store state.Keeper) *Ledger { return &Ledger{store: store} }

// Observe records what res did as of at. Only the shutdown service's
// stops and starts change the ledger; anything else writes nothing.
func (l *Ledger) Observe(ctx context.Context, at time.Time, res reconcile.Result) {
	if res.Service != serviceName {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// Read what is stored every run: another replica may have led since.
	l.load(ctx)
	if !Record(&l.doc, at, res) {
		return
	}
	l.doc.At = at.UTC()
	Bound(&l.doc, at)
	if l.store != nil {
		l.store.Save(ctx, ledgerKind, ledgerKey, l.doc)
	}
}

// Doc returns the ledger as the store holds it, merged with what this
// process recorded.
func (l *Ledger) Doc(ctx context.Context) Doc {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.load(ctx)
	return Merge(Doc{}, l.doc) // a copy
}

func (l *Ledger) load(ctx context.Context) {
	d, ok := state.Load[Doc](ctx, l.store, ledgerKind, ledgerKey)
	if !ok {
		return
	}
	l.doc = Merge(d, l.doc)
}

// ReadLedger returns the ledger store holds, for a read-only command.
func ReadLedger(ctx context.Context, store state.Keeper) (Doc, bool) {
	return state.Load[Doc](ctx, store, ledgerKind, ledgerKey)
}
