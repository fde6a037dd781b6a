package state

import (
	"context"
	"errors"
	"sync"
)

// Store holds JSON documents by kind and key.
type Store interface {
	// Load reads the document kind/key into v. found is false, and v
	// untouched, when there is none.
	Load(ctx context.Context, kind, key string, v any) (found bool, err error)
	// Save writes v as the document kind/key, replacing what was there.
	Save(ctx context.Context, kind, key string, v any) error
	// Where says where the state lives, for logs and /status.
	Where() string
	// Close releases the store.
	Close() error
}

// ErrFenced is a write refused because a replica holding a newer leader
// lease has written since, or because this replica does not lead.
var ErrFenced = errors.New("state write fenced: another replica leads")

// Memory is a Store in memory only: what a daemon remembers when no
// store is configured, and for tests.
type Memory struct {
	mu   sync.Mutex
	docs map[string][]byte
}

// NewMemory returns an empty in-memory store.
func NewMemory() *Memory { return &Memory{docs: map[string][]byte{}} }

// Keeper is what a service needs of the state: to load and save its own
// documents, with failures handled by the store (Tolerant is one). A load
// that fails reads as nothing kept.
type Keeper interface {
	Load(ctx context.Context, kind, key string, v any) bool
	Save(ctx context.Context, kind, key string, v any)
}

var _ Keeper = (*Tolerant)(nil)

// Load reads kind/key from k into a new T. ok is false when k is nil or
// holds no such document.
func Load[T any](ctx context.Context, k Keeper, kind, key string) (v T, ok bool) {
	if k == nil {
		return v, false
	}
	ok = k.Load(ctx, kind, key, &v)
	return v, ok
}
