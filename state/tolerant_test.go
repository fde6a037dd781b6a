package state

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

type lines struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lines) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(l, nil)) }

func (l *lines) count(s string) int { return strings.Count(l.String(), s) }

// flaky fails while down is set.
type flaky struct {
	Memory
	down bool
}

var errDown = errors.New("throttled")

func (f *flaky) Load(ctx context.Context, kind, key string, v any) (bool, error) {
	if f.down {
		return false, errDown
	}
	return f.Memory.Load(ctx, kind, key, v)
}

func (f *flaky) Save(ctx context.Context, kind, key string, v any) error {
	if f.down {
		return errDown
	}
	return f.Memory.Save(ctx, kind, key, v)
}

// An outage is logged once when it starts and once when it ends; loads
// during it read nothing and saves are dropped; afterwards state works.
func TestTolerantLogsAnOutageOnceAndRecovers(t *testing.T) {
	ctx := context.Background()
	f := &flaky{Memory: Memory{docs: map[string][]byte{}}}
	var logs lines
	st := NewTolerant(f, logs.logger())
	st.Save(ctx, "k", "a", doc{N: 1})
	f.down = true
	var got doc
	for range 4 {
		if st.Load(ctx, "k", "a", &got) {
			t.Fatal("a failing load read as found")
		}
		st.Save(ctx, "k", "a", doc{N: 2})
	}
	if st.Status()["ok"] != false || st.Status()["error"] == nil {
		t.Errorf("status during the outage: %v", st.Status())
	}
	f.down = false
	if !st.Load(ctx, "k", "a", &got) || got.N != 1 {
		t.Fatalf("after the outage: %+v", got)
	}
	if n := logs.count("state store unavailable"); n != 1 {
		t.Errorf("outage logged %d times:\n%s", n, logs.String())
	}
	if n := logs.count("state store available again"); n != 1 {
		t.Errorf("recovery logged %d times:\n%s", n, logs.String())
	}
}

// counting counts the saves that reach the store.
type counting struct {
	Memory
	saves int
}

func (c *counting) Save(ctx context.Context, kind, key string, v any) error {
	c.saves++
	return c.Memory.Save(ctx, kind, key, v)
}

// A save of the document just loaded or saved reaches no store: a run
// that changed nothing writes nothing.
func TestTolerantSkipsASaveThatChangesNothing(t *testing.T) {
	ctx := context.Background()
	c := &counting{Memory: Memory{docs: map[string][]byte{}}}
	st := NewTolerant(c, nil)
	st.Save(ctx, "dlq", "memory", doc{N: 1})
	st.Save(ctx, "dlq", "memory", doc{N: 1})
	if c.saves != 1 {
		t.Fatalf("%d saves of one unchanged document, want 1", c.saves)
	}
	st.Save(ctx, "dlq", "memory", doc{N: 2})
	if c.saves != 2 {
		t.Fatalf("a changed document was not saved (%d saves)", c.saves)
	}
	fresh := NewTolerant(c, nil)
	var got doc
	if !fresh.Load(ctx, "dlq", "memory", &got) {
		t.Fatal("not found")
	}
	fresh.Save(ctx, "dlq", "memory", got)
	if c.saves != 2 {
		t.Errorf("saving what was just loaded wrote it (%d saves)", c.saves)
	}
}
