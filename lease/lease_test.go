package lease

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/opsd-dev/opsd/internal/mototest"
)

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

// clock is a settable clock shared by the replicas of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// setup returns a DynamoDB client on a fresh moto with the lease table.
func setup(t *testing.T) *dynamodb.Client {
	t.Helper()
	srv := mototest.Shared(t)
	srv.Reset(t)
	db := dynamodb.NewFromConfig(srv.Config("eu-west-2"))
	if err := EnsureTable(context.Background(), db, "opsd-lease", true); err != nil {
		t.Fatal(err)
	}
	return db
}

func replica(t *testing.T, db DynamoDBAPI, c *clock, holder string) *Lease {
	t.Helper()
	l, err := New(Options{Client: db, Table: "opsd-lease", Name: "opsd", Holder: holder, TTL: 30 * time.Second, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestOneLeaderAndTakeOverAfterTTL(t *testing.T) {
	db := setup(t)
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)}
	a, b := replica(t, db, c, "a"), replica(t, db, c, "b")

	a.Step(ctx)
	b.Step(ctx)
	tokA, okA := a.Leading()
	if !okA || b.Role() != "follower" {
		t.Fatalf("after both tried: a leading=%v, b role=%s; want a leader, b follower", okA, b.Role())
	}
	if err := b.Fence(); !errors.Is(err, ErrNotLeader) {
		t.Errorf("follower's fence = %v, want ErrNotLeader", err)
	}
	if err := a.Fence(); err != nil {
		t.Errorf("leader's fence = %v", err)
	}

	// a renews as it should: b never gets in.
	for range 5 {
		c.Add(10 * time.Second)
		a.Step(ctx)
		b.Step(ctx)
		if _, ok := a.Leading(); !ok || b.Role() != "follower" {
			t.Fatalf("at %s: a leading=%v, b=%s", c.Now(), ok, b.Role())
		}
	}

	// a is killed (stops renewing). Before the TTL runs out b stays out;
	// a stops counting itself leader before b can take over.
	c.Add(25 * time.Second)
	b.Step(ctx)
	if b.Role() != "follower" {
		t.Fatal("b took the lease before it expired")
	}
	if _, ok := a.Leading(); ok {
		t.Error("a still counts itself leader past ttl - margin without renewing")
	}
	c.Add(6 * time.Second)
	b.Step(ctx)
	tokB, okB := b.Leading()
	if !okB {
		t.Fatal("b did not take the expired lease")
	}
	if tokB != tokA+1 {
		t.Errorf("token after takeover = %d, want %d", tokB, tokA+1)
	}
	// a comes back: its renewal fails, it is a follower.
	a.Step(ctx)
	if a.Role() != "follower" {
		t.Error("a still leader after b took over")
	}
	a.Step(ctx)
	if _, ok := b.Leading(); !ok || a.Role() != "follower" {
		t.Error("a took the lease back from a live leader")
	}
}

func TestReleaseHandsOverAtOnce(t *testing.T) {
	db := setup(t)
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)}
	a, b := replica(t, db, c, "a"), replica(t, db, c, "b")
	a.Step(ctx)
	a.Release(ctx)
	if a.Role() != "follower" {
		t.Error("a still leader after release")
	}
	c.Add(time.Second)
	b.Step(ctx)
	if b.Role() != "leader" {
		t.Error("b did not take a released lease")
	}
}

func TestOnlyOneTakesInARace(t *testing.T) {
	db := setup(t)
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC)}
	for round := range 3 {
		var replicas []*Lease
		for i := range 8 {
			replicas = append(replicas, replica(t, db, c, fmt.Sprintf("r%d-%d", round, i)))
		}
		var wg sync.WaitGroup
		for _, r := range replicas {
			wg.Go(func() { r.Step(ctx) })
		}
		wg.Wait()
		leaders := 0
		for _, r := range replicas {
			if _, ok := r.Leading(); ok {
				leaders++
			}
		}
		if leaders != 1 {
			t.Fatalf("round %d: %d leaders, want 1", round, leaders)
		}
		c.Add(time.Minute) // every lease of this round expires
	}
}

func TestEnsureTableWithoutCreateNamesTheTable(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	db := dynamodb.NewFromConfig(srv.Config("eu-west-2"))
	err := EnsureTable(context.Background(), db, "missing-table", false)
	if err == nil || !strings.Contains(err.Error(), "missing-table") || !strings.Contains(err.Error(), "ha.create_table") {
		t.Fatalf("err = %v", err)
	}
	if err := EnsureTable(context.Background(), db, "made", true); err != nil {
		t.Fatal(err)
	}
	if err := EnsureTable(context.Background(), db, "made", false); err != nil {
		t.Errorf("existing table: %v", err)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{
		{Table: "t", Name: "n", Holder: "h", TTL: time.Second},
		{Client: &dynamodb.Client{}, Name: "n", Holder: "h", TTL: time.Second},
		{Client: &dynamodb.Client{}, Table: "t", Name: "n", Holder: "h"},
		{Client: &dynamodb.Client{}, Table: "t", Name: "n", Holder: "h", TTL: 30 * time.Second, RenewEvery: 25 * time.Second},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
}
