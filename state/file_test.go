package state

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type doc struct {
	Told map[string]time.Time `json:"told"`
	N    int                  `json:"n"`
}

func TestFileKeepsDocumentsAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "state.db")
	f, moved, err := OpenFile(path, time.Now())
	if err != nil || moved != "" {
		t.Fatalf("open: %v (moved %q)", err, moved)
	}
	at := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	if err := f.Save(ctx, "dlq", "memory", doc{Told: map[string]time.Time{"a": at}, N: 3}); err != nil {
		t.Fatal(err)
	}
	var none doc
	if found, err := f.Load(ctx, "dlq", "other", &none); found || err != nil {
		t.Fatalf("a key never saved: found %v, %v", found, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	f, _, err = OpenFile(path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got doc
	if found, err := f.Load(ctx, "dlq", "memory", &got); !found || err != nil {
		t.Fatalf("after reopening: found %v, %v", found, err)
	}
	if got.N != 3 || !got.Told["a"].Equal(at) {
		t.Errorf("read back %+v", got)
	}
}

// A file that is not a bbolt database is moved aside, named, and a new
// state started: opsd starts and works.
func TestFileCorruptIsMovedAsideAndStateStartsAfresh(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	f, moved, err := OpenFile(path, time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("open a corrupt file: %v", err)
	}
	defer f.Close()
	if moved != path+".corrupt-20261203T090000Z" {
		t.Errorf("moved to %q", moved)
	}
	if b, err := os.ReadFile(moved); err != nil || !strings.HasPrefix(string(b), "not a database") {
		t.Errorf("the corrupt file was not kept as it was: %v", err)
	}
	if err := f.Save(ctx, "backup", "memory", doc{N: 1}); err != nil {
		t.Fatalf("save after starting afresh: %v", err)
	}
}

// Two daemons must not share a state file: the second open fails and
// says why.
func TestFileHeldByAnotherOpenIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	f, _, err := OpenFile(path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, _, err = OpenFile(path, time.Now())
	if err == nil || !strings.Contains(err.Error(), "another process holds it open") {
		t.Fatalf("second open: %v", err)
	}
	if _, err := os.Stat(path + ".corrupt"); err == nil {
		t.Error("a held file was moved aside")
	}
}
