package state

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ReadFile copies what a closed state file holds; saves to the copy never
// reach the file.
func TestReadFileCopiesAndNeverWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	f, _, err := OpenFile(path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Save(ctx, "dlq", "memory", doc{N: 7}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got doc
	if found, err := m.Load(ctx, "dlq", "memory", &got); !found || err != nil || got.N != 7 {
		t.Fatalf("copy: found %v, %v, %+v", found, err, got)
	}
	if err := m.Save(ctx, "dlq", "memory", doc{N: 8}); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Error("a save to the copy changed the file")
	}
}

func TestReadFileMissingIsEmptyAndHeldIsAnError(t *testing.T) {
	dir := t.TempDir()
	m, err := ReadFile(filepath.Join(dir, "none.db"))
	if err != nil || len(m.docs) != 0 {
		t.Fatalf("missing file: %v, %d docs", err, len(m.docs))
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("reading a missing file created it")
	}
	path := filepath.Join(dir, "state.db")
	f, _, err := OpenFile(path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "a running opsd holds it open") {
		t.Fatalf("held file: %v", err)
	}
	bad := filepath.Join(dir, "bad.db")
	if err := os.WriteFile(bad, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("corrupt file: %v", err)
	}
}
