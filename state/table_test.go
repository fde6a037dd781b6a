package state

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/lease"
)

func newTable(t *testing.T, name string) *dynamodb.Client {
	t.Helper()
	srv := mototest.Shared(t)
	c := dynamodb.NewFromConfig(srv.Config("eu-west-2"))
	if err := lease.EnsureTable(context.Background(), c, name, true); err != nil {
		t.Fatal(err)
	}
	return c
}

// Against moto's DynamoDB, in the lease's table: a document saved is read
// back; a deposed leader's write (an older token) is refused once the
// newer leader has written; a replica that does not lead writes nothing.
func TestTableFencesStaleLeaders(t *testing.T) {
	ctx := context.Background()
	c := newTable(t, "opsd-state-fence")
	token := func(n int64, leads bool) func() (int64, bool) { return func() (int64, bool) { return n, leads } }

	oldLeader := NewTable(c, "opsd-state-fence", token(4, true))
	if err := oldLeader.Save(ctx, "dlq", "memory", doc{N: 1}); err != nil {
		t.Fatal(err)
	}
	newLeader := NewTable(c, "opsd-state-fence", token(5, true))
	var got doc
	if found, err := newLeader.Load(ctx, "dlq", "memory", &got); !found || err != nil || got.N != 1 {
		t.Fatalf("the new leader reads %+v (found %v, %v)", got, found, err)
	}
	if err := newLeader.Save(ctx, "dlq", "memory", doc{N: 2}); err != nil {
		t.Fatal(err)
	}
	if err := oldLeader.Save(ctx, "dlq", "memory", doc{N: 99}); !errors.Is(err, ErrFenced) {
		t.Fatalf("the deposed leader's write: %v, want ErrFenced", err)
	}
	follower := NewTable(c, "opsd-state-fence", token(5, false))
	if err := follower.Save(ctx, "dlq", "memory", doc{N: 98}); !errors.Is(err, ErrFenced) {
		t.Fatalf("a follower's write: %v, want ErrFenced", err)
	}
	if _, err := newLeader.Load(ctx, "dlq", "memory", &got); err != nil || got.N != 2 {
		t.Errorf("after the refused writes the document is %+v (%v), want the new leader's", got, err)
	}
}

// A missing table is an error of the store; Tolerant turns it into
// nothing remembered, logged once.
func TestTableMissingIsToleratedAndLoggedOnce(t *testing.T) {
	srv := mototest.Shared(t)
	c := dynamodb.NewFromConfig(srv.Config("eu-west-2"))
	var logs lines
	st := NewTolerant(NewTable(c, "no-such-table", nil), logs.logger())
	ctx := context.Background()
	var got doc
	for range 3 {
		if st.Load(ctx, "dlq", "memory", &got) {
			t.Fatal("found a document in a table that does not exist")
		}
		st.Save(ctx, "dlq", "memory", doc{N: 1})
	}
	if n := logs.count("state store unavailable"); n != 1 {
		t.Errorf("logged the outage %d times, want once:\n%s", n, logs.String())
	}
	if st.Status()["ok"] != false {
		t.Errorf("status %v", st.Status())
	}
}
