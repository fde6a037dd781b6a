package dlq

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// diesWith is a state store a process writes only while it lives.
type diesWith struct {
	state.Keeper
	dead func() bool
}

func (k diesWith) Save(ctx context.Context, kind, key string, v any) {
	if !k.dead() {
		k.Keeper.Save(ctx, kind, key, v)
	}
}

// storedMemory is the queue's memory in the state store.
func storedMemory(t *testing.T, store state.Keeper, q string) memory {
	t.Helper()
	st, ok := state.Load[savedState](context.Background(), store, ServiceName, stateKey)
	if !ok {
		t.Fatal("no state stored")
	}
	return st.Queues[testAccount+"/"+testRegion+"/"+q]
}

func TestInFlightMessagesAreToldAsOpsdsOrAnotherConsumers(t *testing.T) {
	store := state.NewTolerant(state.NewMemory(), nil)
	h := newHarness(t, archivingConfig())
	e := h.env()
	h.restart(diesWith{store, func() bool { return e.sqs.kill.isDead() }})
	seedOrders(e)
	for i := range 3 {
		e.sqs.put("orders-dlq", fmt.Sprint("m", i), t0.Add(-time.Hour), nil)
	}
	// The process dies in its first receive, after SQS hid the messages.
	e.sqs.kill = &killSwitch{op: "ReceiveMessage", n: 1, mode: killAfter}
	h.run(reconcile.Apply, t0)
	if !e.sqs.kill.isDead() {
		t.Fatal("no receive")
	}
	m := storedMemory(t, store, "orders-dlq")
	hidden := t0.Add(h.cfg.Timeout + h.cfg.Archive.VisibilityTimeout)
	if !m.ReceivedAt.Equal(t0) || !m.HiddenUntil.Equal(hidden) {
		t.Fatalf("stored before the receive: received %v hidden until %v, want %v and %v", m.ReceivedAt, m.HiddenUntil, t0, hidden)
	}

	// A new process, a minute later: the three are opsd's.
	e.sqs.kill = nil
	h.restart(store)
	res := h.run(reconcile.Apply, t0.Add(time.Minute))
	w, _ := findAction(res, "orders-dlq", actionWatch)
	if w.Details["in_flight"] != "3" || w.Details["in_flight_received_by"] != "opsd" ||
		w.Details["received_at"] != "2026-11-24T10:00:00Z" || w.Details["visible_again_by"] != "2026-11-24T10:02:50Z" {
		t.Errorf("watch details %v", w.Details)
	}
	if !strings.HasSuffix(w.Reason, "; 3 in flight (received by opsd at 10:00, visible again by 10:03)") {
		t.Errorf("watch reason %q", w.Reason)
	}
	msgs := h.rec.Messages()
	if len(msgs) == 0 || !strings.Contains(msgs[len(msgs)-1].Text, "`orders-dlq`: 3 in flight (received by opsd at 10:00, visible again by 10:03). Until then opsd cannot read or archive them.") {
		t.Errorf("alert %+v", msgs)
	}

	// Once they are visible again the scan reads them, releases them (not
	// due) and the record is cleared.
	res = h.run(reconcile.Apply, t0.Add(3*time.Minute))
	if a, ok := findAction(res, "orders-dlq", actionWatch); !ok || a.Details["in_flight"] != "0" || a.Details["in_flight_received_by"] != "" {
		t.Errorf("after the visibility timeout: %v", a.Details)
	}
	if m := storedMemory(t, store, "orders-dlq"); !m.ReceivedAt.IsZero() || !m.HiddenUntil.IsZero() {
		t.Errorf("after a complete scan the record is %v–%v, want none", m.ReceivedAt, m.HiddenUntil)
	}

	// Another consumer's: within the queue's visibility timeout.
	e.sqs.queues[e.sqs.queueURL("orders-dlq")].attrs["VisibilityTimeout"] = "30"
	for _, fm := range e.sqs.live("orders-dlq") {
		fm.visibleAt = t0.Add(4*time.Minute + 30*time.Second)
	}
	res = h.run(reconcile.Apply, t0.Add(4*time.Minute))
	w, _ = findAction(res, "orders-dlq", actionWatch)
	if w.Details["in_flight_received_by"] != "another consumer" || w.Details["visible_again_within"] != "30s" || w.Details["visible_again_by"] != "" {
		t.Errorf("another consumer's: %v", w.Details)
	}
	if !strings.HasSuffix(w.Reason, "; 3 in flight, received by another consumer; visible again within 30s") {
		t.Errorf("watch reason %q", w.Reason)
	}
}

// Whichever queues a killed run had received from when it died, every
// queue whose messages it left hidden is put down to opsd, none to
// another consumer.
func TestEveryQueueAKilledRunHidIsPutDownToOpsd(t *testing.T) {
	for n := 1; n <= 6; n++ {
		t.Run(fmt.Sprint("killed at receive ", n), func(t *testing.T) {
			store := state.NewTolerant(state.NewMemory(), nil)
			h := newHarness(t, archivingConfig())
			e := h.env()
			h.restart(diesWith{store, func() bool { return e.sqs.kill.isDead() }})
			for q := range 6 {
				name := fmt.Sprintf("q%d-dlq", q)
				e.sqs.addQueue(name, retention4d, "", nil)
				e.sqs.addQueue(fmt.Sprintf("q%d", q), 0, name, nil)
				for i := range 2 {
					e.sqs.put(name, fmt.Sprint("m", i), t0.Add(-time.Hour), nil)
				}
			}
			e.sqs.kill = &killSwitch{op: "ReceiveMessage", n: n, mode: killAfter}
			h.run(reconcile.Apply, t0)
			e.sqs.kill = nil
			h.restart(store)
			res := h.run(reconcile.Apply, t0.Add(time.Minute))
			hidden := 0
			for _, a := range actionsOf(res, actionWatch) {
				switch by := a.Details["in_flight_received_by"]; {
				case a.Details["in_flight"] == "0":
				case by == "opsd":
					hidden++
				default:
					t.Errorf("%s: %s in flight put down to %q", a.Resource, a.Details["in_flight"], by)
				}
			}
			if hidden == 0 {
				t.Error("no queue left hidden")
			}
		})
	}
}
