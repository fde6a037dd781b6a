package dlq

import (
	"testing"
	"time"

	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

func TestOwnerTagsLabelTheAlertAndDetailTheActions(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	e := h.env()
	e.sqs.addQueue("payments-dlq", 0, "", map[string]string{"opsd:dlq": "true", "Environment": "production", "Application": "ledger", "TeamEmail": "pay@example.com"})
	e.sqs.addQueue("scratch-dlq", 0, "", map[string]string{"opsd:dlq": "true", "Environment": "development", "TeamEmail": "pay@example.com"})
	h.run(reconcile.Apply, t0)
	e.sqs.put("payments-dlq", "x", t0, nil)
	res := h.run(reconcile.Apply, t0.Add(time.Minute))
	msgs := h.rec.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	want := notify.Labels{Account: testAccount, Region: testRegion, Environment: "production", Application: "ledger", TeamEmail: "pay@example.com"}
	if msgs[0].Labels != want {
		t.Errorf("labels = %+v, want %+v", msgs[0].Labels, want)
	}
	for _, name := range []string{actionWatch, actionAlert} {
		a, ok := findAction(res, "payments-dlq", name)
		if !ok || a.Details["environment"] != "production" || a.Details["team_email"] != "pay@example.com" || a.Details["application"] != "ledger" {
			t.Errorf("%s action details = %v", name, a.Details)
		}
	}

	// Arrivals in two queues of one team: the alert keeps what they share.
	e.sqs.put("payments-dlq", "y", t0, nil)
	e.sqs.put("scratch-dlq", "y", t0, nil)
	h.run(reconcile.Apply, t0.Add(3*time.Hour))
	msgs = h.rec.Messages()
	want = notify.Labels{Account: testAccount, Region: testRegion, TeamEmail: "pay@example.com"}
	if got := msgs[len(msgs)-1].Labels; got != want {
		t.Errorf("labels of a two-queue alert = %+v, want %+v", got, want)
	}
}
