package dlq

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

func TestList(t *testing.T) {
	h := newHarness(t, DefaultConfig(), testAccount, "222222222222")
	e := h.env()
	seedOrders(e)
	for range 3 {
		e.sqs.put("orders-dlq", "x", t0, nil)
	}
	e.cw.ages["orders-dlq"] = 2 * time.Hour
	other := h.envs["222222222222"]
	other.sqs.addQueue("billing-dlq.fifo", 0, "", nil)
	other.sqs.addQueue("billing.fifo", 0, "billing-dlq.fifo", nil)
	other.cw.addAlarm("billing", "billing-dlq.fifo", cwtypes.StateValueOk)
	qs, errs := h.svc.List(context.Background(), t0)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if len(qs) != 2 {
		t.Fatalf("queues = %+v", qs)
	}
	o, b := qs[0], qs[1]
	if o.Name != "orders-dlq" || o.Visible != 3 || !o.OldestKnown || o.OldestAge != 2*time.Hour || o.Alarm.State != "ALARM" ||
		len(o.Sources) != 2 || o.Retention != retention4d || o.FIFO {
		t.Errorf("orders-dlq = %+v", o)
	}
	if b.Account != "222222222222" || b.Name != "billing-dlq.fifo" || !b.FIFO || b.Visible != 0 || b.OldestKnown || b.Alarm.String() != "OK (billing)" {
		t.Errorf("billing-dlq = %+v", b)
	}
	var buf bytes.Buffer
	if err := WriteList(&buf, qs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ACCOUNT") ||
		!strings.Contains(lines[1], "orders-dlq") || !strings.Contains(lines[1], "2h") || !strings.Contains(lines[1], "ALARM (orders-dlq-not-empty)") ||
		!strings.Contains(lines[2], "billing.fifo") {
		t.Errorf("table:\n%s", buf.String())
	}
	j, err := json.Marshal(qs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"orders-dlq"`, `"visible":3`, `"oldest_age_seconds":7200`, `"retention_seconds":345600`,
		`"alarm":{"state":"ALARM","names":["orders-dlq-not-empty"]}`, `"sources":["orders","orders-replica"]`, `"age_source":"cloudwatch"`} {
		if !strings.Contains(string(j), want) {
			t.Errorf("JSON %s lacks %s", j, want)
		}
	}
	if j, _ := json.Marshal(qs[1]); strings.Contains(string(j), "oldest_age_seconds") || strings.Contains(string(j), "reviewed_at") {
		t.Errorf("unknown values in %s", j)
	}
	for _, env := range h.envs {
		if m := env.mutating(); len(m) != 0 {
			t.Errorf("list made mutating calls: %v", m)
		}
	}
}

// Where CloudWatch has no age for a queue, a list in a new process reads
// the oldest message's age from what the last archive scan saw, through
// the state store; with no store the age is unknown and the table says
// why.
func TestListReadsTheArchiverAgeFromState(t *testing.T) {
	store := state.NewTolerant(state.NewMemory(), nil)
	h := newHarness(t, archivingConfig())
	h.restart(store)
	e := h.env()
	seedOrders(e)
	e.sqs.put("orders-dlq", "x", t0.Add(-90*time.Minute), nil)
	h.run(reconcile.Apply, t0)

	h.restart(store)
	qs, errs := h.svc.List(context.Background(), t0.Add(30*time.Minute))
	if len(errs) != 0 || len(qs) != 1 {
		t.Fatalf("list: %v, %+v", errs, qs)
	}
	if q := qs[0]; !q.OldestKnown || q.OldestAge != 2*time.Hour || q.AgeSource != ageFromArchiver {
		t.Errorf("with state: %+v, want 2h from the archiver", q)
	}

	h.restart(nil)
	qs, _ = h.svc.List(context.Background(), t0)
	var buf bytes.Buffer
	if err := WriteList(&buf, qs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], " unknown ") || !strings.HasPrefix(lines[2], "OLDEST unknown: ") {
		t.Errorf("without state the age is not marked unknown:\n%s", buf.String())
	}
}
