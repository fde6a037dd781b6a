package state

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
)

// Tolerant is a Store whose failures never stop a service: a load that
// fails reads as nothing remembered, a save that fails is dropped, and
// the first failure of a spell is logged once, saying that opsd may
// repeat itself; the first success after it is logged too. A fenced
// write (another replica leads) is dropped quietly: the leader's state is
// the one that counts.
type Tolerant struct {
	store Store
	log   *slog.Logger

	mu      sync.Mutex
	failing bool
	lastErr string
	// known is each document as last loaded or saved, so a save that
	// would write the same document again is skipped.
	known map[string][]byte
}

// NewTolerant wraps store.
func NewTolerant(store Store, log *slog.Logger) *Tolerant {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Tolerant{store: store, log: log, known: map[string][]byte{}}
}

// Load reads kind/key into v; a failure reads as not found.
func (t *Tolerant) Load(ctx context.Context, kind, key string, v any) bool {
	found, err := t.store.Load(ctx, kind, key, v)
	t.outcome(err)
	if err == nil && found {
		t.remember(kind, key, v)
	}
	return err == nil && found
}

// unchanged reports whether v is the document last loaded or saved as
// kind/key.
func (t *Tolerant) unchanged(kind, key string, v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	old, ok := t.known[kind+"/"+key]
	return ok && bytes.Equal(old, b)
}

func (t *Tolerant) remember(kind, key string, v any) {
	b, err := json.Marshal(v)
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		delete(t.known, kind+"/"+key)
		return
	}
	t.known[kind+"/"+key] = b
}

// Save writes v as kind/key, unless it is the document last loaded or
// saved there; a failure is logged, not returned.
func (t *Tolerant) Save(ctx context.Context, kind, key string, v any) {
	if t.unchanged(kind, key, v) {
		return // a run that changed nothing writes nothing
	}
	err := t.store.Save(ctx, kind, key, v)
	if err == nil {
		t.remember(kind, key, v)
	}
	if errors.Is(err, ErrFenced) {
		t.log.InfoContext(ctx, "state not written: another replica leads", "state", t.store.Where(), "error", err.Error())
		return
	}
	t.outcome(err)
}

func (t *Tolerant) outcome(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case err != nil && !t.failing:
		t.failing, t.lastErr = true, err.Error()
		t.log.Warn("state store unavailable: opsd carries on from what it remembers in memory and may repeat alerts it already sent",
			"state", t.store.Where(), "error", err.Error())
	case err != nil:
		t.lastErr = err.Error()
	case t.failing:
		t.failing, t.lastErr = false, ""
		t.log.Info("state store available again", "state", t.store.Where())
	}
}

// Status is the store's place and health, for /status.
func (t *Tolerant) Status() map[string]any {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := map[string]any{"where": t.store.Where(), "ok": !t.failing}
	if t.failing {
		st["error"] = t.lastErr
	}
	return st
}

// Warn logs once, at start, a problem found opening the store (a corrupt
// file moved aside) that means opsd may repeat itself.
func (t *Tolerant) Warn(msg string, args ...any) {
	t.log.Warn(msg, append([]any{"state", t.store.Where()}, args...)...)
}

// Close closes the store.
func (t *Tolerant) Close() error { return t.store.Close() }
