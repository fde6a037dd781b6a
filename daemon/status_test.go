package daemon

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/scheduler"
	"github.com/opsd-dev/opsd/webpage"
)

// /status shows, from the DLQ service's last run, each dead-letter queue
// with messages in flight: who received them and when they are visible
// again.
func TestStatusShowsDLQMessagesInFlight(t *testing.T) {
	d := &daemon{sched: scheduler.New(&scheduler.Runner{}), latest: &webpage.Latest{}}
	if _, ok := d.status().(map[string]any)["dlq"]; ok {
		t.Fatal("/status has a dlq section before the service ran")
	}
	at := time.Date(2026, 11, 24, 21, 5, 0, 0, time.UTC)
	watch := func(queue string, details map[string]string) reconcile.Action {
		return reconcile.Action{Service: "dlq", Account: "123456789012", Region: "eu-west-2", Resource: queue, Action: "watch", Status: reconcile.Reported, Details: details}
	}
	d.latest.Observe(context.Background(), at, reconcile.Result{Service: "dlq", Actions: []reconcile.Action{
		watch("orders-dlq", map[string]string{"visible": "0", "in_flight": "10", "in_flight_received_by": "opsd",
			"received_at": "2026-11-24T21:04:00Z", "visible_again_by": "2026-11-24T21:06:00Z", "visibility_timeout": "30s"}),
		watch("billing-dlq", map[string]string{"visible": "2", "in_flight": "3", "in_flight_received_by": "another consumer", "visible_again_within": "45s"}),
		watch("empty-dlq", map[string]string{"visible": "0", "in_flight": "0"}),
		{Service: "dlq", Resource: "orders-dlq", Action: "archive", Details: map[string]string{"in_flight": "10"}},
	}})
	d.latest.Observe(context.Background(), at, reconcile.Result{Service: "backup"})

	b, err := json.Marshal(d.status())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		DLQ struct {
			At       time.Time           `json:"at"`
			InFlight []map[string]string `json:"in_flight"`
		} `json:"dlq"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.DLQ.At.Equal(at) || len(doc.DLQ.InFlight) != 2 {
		t.Fatalf("/status dlq = %+v", doc.DLQ)
	}
	byQueue := map[string]map[string]string{}
	for _, q := range doc.DLQ.InFlight {
		byQueue[q["queue"]] = q
	}
	if o := byQueue["orders-dlq"]; o["in_flight"] != "10" || o["in_flight_received_by"] != "opsd" || o["received_at"] != "2026-11-24T21:04:00Z" ||
		o["visible_again_by"] != "2026-11-24T21:06:00Z" || o["account"] != "123456789012" || o["region"] != "eu-west-2" {
		t.Errorf("orders-dlq = %v", o)
	}
	if b := byQueue["billing-dlq"]; b["in_flight"] != "3" || b["in_flight_received_by"] != "another consumer" || b["visible_again_within"] != "45s" || b["visible_again_by"] != "" {
		t.Errorf("billing-dlq = %v", b)
	}
}
