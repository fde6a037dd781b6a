package dlq

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// A restart (or a new leader) with the state store tells nothing already
// told: no second first-look alert, no repeat of a problem; a reminder
// still comes when it is due. Without the store the restart repeats the
// alert, which is what the store is for.
func TestStateCarriesAlertsAcrossARestart(t *testing.T) {
	store := state.NewTolerant(state.NewMemory(), nil)
	h := newHarness(t, DefaultConfig())
	h.restart(store)
	e := h.env()
	seedOrders(e)
	e.sqs.put("orders-dlq", "x", t0, nil)
	e.cw.ages["orders-dlq"] = time.Hour
	h.run(reconcile.Apply, t0)
	if n := len(h.rec.Messages()); n != 1 {
		t.Fatalf("%d messages on the first run, want the alert", n)
	}

	h.restart(store)
	h.run(reconcile.Apply, t0.Add(time.Minute))
	if msgs := h.rec.Messages(); len(msgs) != 1 {
		t.Fatalf("after a restart with state: %d messages, last %q; want no repeat", len(msgs), msgs[len(msgs)-1].Title)
	}
	h.restart(store)
	e.cw.ages["orders-dlq"] = 25 * time.Hour
	h.run(reconcile.Apply, t0.Add(24*time.Hour))
	msgs := h.rec.Messages()
	if len(msgs) != 2 || !strings.HasPrefix(msgs[1].Title, "DLQ reminder: 1 message unreviewed in orders-dlq") {
		t.Fatalf("the reminder after a restart: %d messages, last %q", len(msgs), msgs[len(msgs)-1].Title)
	}

	h.restart(nil)
	h.run(reconcile.Apply, t0.Add(24*time.Hour+time.Minute))
	if n := len(h.rec.Messages()); n != 3 {
		t.Errorf("a restart without state sent %d messages in all, want the alert again (3)", n)
	}
}

// Problems told once stay told across a restart.
func TestStateCarriesToldProblemsAcrossARestart(t *testing.T) {
	store := state.NewTolerant(state.NewMemory(), nil)
	h := newHarness(t, archivingConfig())
	h.restart(store)
	e := h.env()
	seedOrders(e)
	e.s3.pab[testBucket].BlockPublicPolicy = aws.Bool(false)
	e.sqs.put("orders-dlq", "x", t0.Add(-4*24*time.Hour), nil)
	h.run(reconcile.Apply, t0)
	before := len(h.rec.Messages())
	if before == 0 {
		t.Fatal("no message about the public bucket")
	}
	h.restart(store)
	h.run(reconcile.Apply, t0.Add(time.Minute))
	if n := len(h.rec.Messages()); n != before {
		t.Errorf("after a restart: %d messages, want %d (the problem told once)", n, before)
	}
}

// brokenStore fails every call.
type brokenStore struct{}

func (brokenStore) Load(context.Context, string, string, any) (bool, error) {
	return false, errors.New("ProvisionedThroughputExceededException")
}
func (brokenStore) Save(context.Context, string, string, any) error {
	return errors.New("ProvisionedThroughputExceededException")
}
func (brokenStore) Where() string { return "broken" }
func (brokenStore) Close() error  { return nil }

// A store that fails never stops the service: it runs and alerts from
// memory.
func TestAFailingStateStoreNeverStopsTheService(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.restart(state.NewTolerant(brokenStore{}, nil))
	e := h.env()
	seedOrders(e)
	e.sqs.put("orders-dlq", "x", t0, nil)
	res := h.run(reconcile.Apply, t0)
	if len(res.Errors) != 0 {
		t.Errorf("errors: %v", res.Errors)
	}
	h.run(reconcile.Apply, t0.Add(time.Minute))
	if n := len(h.rec.Messages()); n != 1 {
		t.Errorf("%d messages, want the one alert (memory still works)", n)
	}
}
