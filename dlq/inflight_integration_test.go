package dlq

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// dyingProcess is an opsd process that dies at its first ReceiveMessage:
// moto hides the messages it received, and after that the process makes
// no call, sends no message and writes no state.
type dyingProcess struct {
	p     *mototest.Proxy
	store state.Keeper
	dead  atomic.Bool
}

func newDyingProcess(t *testing.T, upstream string, store state.Keeper) *dyingProcess {
	d := &dyingProcess{p: mototest.NewProxy(t, upstream), store: store}
	d.p.Handle(opReceive, func(w http.ResponseWriter, r *http.Request) {
		if d.dead.Swap(true) {
			mototest.WriteError(w, r, http.StatusBadRequest, "Killed", "the process died")
			return
		}
		rec := httptest.NewRecorder()
		d.p.Forward(rec, r)
		mototest.WriteError(w, r, http.StatusBadRequest, "Killed", "the process died")
	})
	for _, op := range []string{opDelete, opRelease, opPut, opGet, "AmazonSQS.GetQueueAttributes"} {
		d.p.Handle(op, func(w http.ResponseWriter, r *http.Request) {
			if d.dead.Load() {
				mototest.WriteError(w, r, http.StatusBadRequest, "Killed", "the process died")
				return
			}
			d.p.Forward(w, r)
		})
	}
	return d
}

func (d *dyingProcess) Load(ctx context.Context, kind, key string, v any) bool {
	return d.store.Load(ctx, kind, key, v)
}

func (d *dyingProcess) Save(ctx context.Context, kind, key string, v any) {
	if !d.dead.Load() {
		d.store.Save(ctx, kind, key, v)
	}
}

func (d *dyingProcess) Notify(context.Context, notify.Message) error {
	if d.dead.Load() {
		return errors.New("the process died")
	}
	return nil
}

// serviceAt is a new service (a daemon start) acting in moto's account
// through cfgAWS, with a state store.
func serviceAt(t *testing.T, cfg Config, cfgAWS aws.Config, n notify.Notifier, store state.Keeper) *Service {
	t.Helper()
	cfg.Enabled = true
	target := accounts.Target{Account: mototest.DefaultAccountID, Region: motoRegion, Config: cfgAWS}
	s, err := New(cfg, Deps{
		Targets:  func(context.Context) ([]accounts.Target, error) { return []accounts.Target{target}, nil },
		Notifier: n, State: store, Location: time.UTC,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sendTo puts n messages straight into a queue.
func (e *motoEnv) sendTo(t *testing.T, url string, n int) {
	t.Helper()
	for start := 0; start < n; start += maxBatch {
		in := &sqs.SendMessageBatchInput{QueueUrl: aws.String(url)}
		for i := start; i < min(start+maxBatch, n); i++ {
			in.Entries = append(in.Entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), MessageBody: aws.String(fmt.Sprintf("order %d failed", i))})
		}
		if out, err := e.sqs.SendMessageBatch(context.Background(), in); err != nil || len(out.Failed) > 0 {
			t.Fatalf("send: %v %v", err, out)
		}
	}
}

// alertOf is the one alert of msgs about the queue, with its fields.
func alertOf(t *testing.T, msgs []notify.Message) (notify.Message, map[string]string) {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want one alert: %+v", len(msgs), msgs)
	}
	fields := map[string]string{}
	for _, f := range msgs[0].Fields {
		fields[f.Label] = f.Value
	}
	return msgs[0], fields
}

// A run killed while it held a queue's messages leaves them hidden for
// their visibility timeout. The next process's alert says how many are in
// flight, that opsd received them and by when they are visible again, from
// opsd's record of the receive in the state store; and /status's source,
// the watch action, carries the same.
func TestIntegrationAlertSaysWhenMessagesOpsdReceivedAreVisibleAgain(t *testing.T) {
	e := newMotoEnv(t)
	ctx := context.Background()
	e.bucket(t, "opsd-dlq-archive", true)
	url := e.queue(t, "orders-dlq", map[string]string{"MessageRetentionPeriod": "345600"}, nil)
	e.source(t, "orders", "orders-dlq")
	e.sendTo(t, url, 10)
	cfg := motoArchiveConfig("opsd-dlq-archive")
	store := state.NewTolerant(state.NewMemory(), nil)

	killed := newDyingProcess(t, e.proxy.URL(), store)
	first := time.Now()
	serviceAt(t, cfg, killed.p.Config(motoRegion), killed, killed).Reconcile(ctx, reconcile.Request{Now: first, Mode: reconcile.Apply})
	if !killed.dead.Load() {
		t.Fatal("the first process never received")
	}

	rec := &notify.Recorder{}
	res := serviceAt(t, cfg, e.cfg, rec, store).Reconcile(ctx, reconcile.Request{Now: time.Now(), Mode: reconcile.Apply})
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	m, fields := alertOf(t, rec.Messages())
	receivedAt := first.UTC().Format("15:04")
	// Hidden until the visibility timeout after the last receive the
	// killed run could have made (its timeout), to the minute above.
	visibleBy := first.Add(cfg.Timeout + cfg.Archive.VisibilityTimeout).Add(time.Minute - time.Nanosecond).UTC().Truncate(time.Minute).Format("15:04")
	want := fmt.Sprintf("10 in flight (received by opsd at %s, visible again by %s)", receivedAt, visibleBy)
	if m.Title != "DLQ: 10 messages in orders-dlq (123456789012/eu-west-2)" || !strings.Contains(m.Text, want) ||
		fields["In flight"] != "10"+strings.TrimPrefix(want, "10 in flight") {
		t.Errorf("alert %q fields %v text:\n%s\nwant %q", m.Title, fields, m.Text, want)
	}
	w, _ := findAction(res, "orders-dlq", actionWatch)
	if w.Details["in_flight"] != "10" || w.Details["in_flight_received_by"] != "opsd" || w.Details["received_at"] == "" || w.Details["visible_again_by"] == "" {
		t.Errorf("watch details %v", w.Details)
	}
}

// Messages another consumer holds: the alert says so, and that they are
// visible again within the queue's visibility timeout.
func TestIntegrationAlertSaysMessagesAnotherConsumerHoldsAreInFlight(t *testing.T) {
	e := newMotoEnv(t)
	ctx := context.Background()
	url := e.queue(t, "orders-dlq", map[string]string{"VisibilityTimeout": "45"}, nil)
	e.source(t, "orders", "orders-dlq")
	e.sendTo(t, url, 10)
	for n := 0; n < 10; {
		out, err := e.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
		if err != nil || len(out.Messages) == 0 {
			t.Fatalf("consumer receive: %v (%d of 10)", err, n)
		}
		n += len(out.Messages)
	}
	rec := &notify.Recorder{}
	res := serviceAt(t, DefaultConfig(), e.cfg, rec, nil).Reconcile(ctx, reconcile.Request{Now: time.Now(), Mode: reconcile.Apply})
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	m, fields := alertOf(t, rec.Messages())
	want := "10 in flight, received by another consumer; visible again within 45s"
	if !strings.Contains(m.Text, want) || fields["In flight"] != "10"+strings.TrimPrefix(want, "10 in flight") {
		t.Errorf("alert %q fields %v text:\n%s\nwant %q", m.Title, fields, m.Text, want)
	}
	w, _ := findAction(res, "orders-dlq", actionWatch)
	if w.Details["in_flight_received_by"] != "another consumer" || w.Details["visible_again_within"] != "45s" {
		t.Errorf("watch details %v", w.Details)
	}
}
