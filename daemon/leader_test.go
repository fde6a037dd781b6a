package daemon

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/lease"
	"github.com/opsd-dev/opsd/scheduler"
)

// testClock is a settable clock for leases.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// A leader whose run outlasts its lease (paused past the TTL, its later
// calls refused by the fence) records the run as aborted, not as a
// failure; a follower's runs are skipped; a leader's own failure stays a
// failure.
func TestLeaderOnlyAbortsARunThatLostTheLease(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	ctx := context.Background()
	db := dynamodb.NewFromConfig(srv.Config("eu-west-2"))
	if err := lease.EnsureTable(ctx, db, "opsd-lease", true); err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: time.Date(2026, 11, 24, 19, 5, 0, 0, time.UTC)}
	newLease := func(holder string) *lease.Lease {
		l, err := lease.New(lease.Options{Client: db, Table: "opsd-lease", Name: "opsd", Holder: holder, TTL: 6 * time.Second, RenewEvery: 2 * time.Second, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	a, b := newLease("replica-a"), newLease("replica-b")
	a.Step(ctx)
	b.Step(ctx)
	if _, ok := a.Leading(); !ok {
		t.Fatal("replica-a does not lead")
	}

	failing := func(pause func()) scheduler.Job {
		return scheduler.Job{Name: "shutdown", Run: func(context.Context) (map[string]int, error) {
			pause()
			return map[string]int{"failed": 1}, fmt.Errorf("reconcile shutdown: stop i-1: %w", a.Fence())
		}}
	}
	// Replica-a's own failure while it leads is a failure.
	_, err := leaderOnly(a, failing(func() {})).Run(ctx)
	if err == nil || errors.Is(err, scheduler.ErrSkip) {
		t.Fatalf("a leader's failure = %v, want a failure", err)
	}

	// Replica-a pauses past its lease; replica-b takes over meanwhile.
	counts, err := leaderOnly(a, failing(func() {
		clk.Add(7 * time.Second)
		b.Step(ctx)
	})).Run(ctx)
	if !errors.Is(err, scheduler.ErrSkip) || !strings.Contains(err.Error(), "aborted, not leader") {
		t.Fatalf("the fenced run = %v, want skipped as aborted, not leader", err)
	}
	if counts["failed"] != 1 {
		t.Errorf("counts %v: the run's own counts are kept", counts)
	}
	if _, ok := b.Leading(); !ok {
		t.Fatal("replica-b did not take over")
	}

	// Replica-a is now a follower: its runs are skipped before they start.
	ran := false
	_, err = leaderOnly(a, scheduler.Job{Name: "shutdown", Run: func(context.Context) (map[string]int, error) { ran = true; return nil, nil }}).Run(ctx)
	if ran || !errors.Is(err, scheduler.ErrSkip) {
		t.Errorf("follower ran %v, err %v", ran, err)
	}
}
