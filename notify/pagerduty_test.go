package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// eventsAPI is a stand-in for the PagerDuty Events API v2: it checks
// each request's method, path and content type, keeps the bodies, and
// answers with the statuses queued (202 once they run out).
type eventsAPI struct {
	t        *testing.T
	mu       sync.Mutex
	bodies   []map[string]any
	statuses []int
}

func (e *eventsAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v2/enqueue" || r.Header.Get("Content-Type") != "application/json" {
		e.t.Errorf("request %s %s (%s), want POST /v2/enqueue (application/json)", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	data, _ := io.ReadAll(r.Body)
	var body map[string]any
	if err := json.Unmarshal(data, &body); err != nil {
		e.t.Errorf("body is not JSON: %v: %s", err, data)
	}
	e.mu.Lock()
	e.bodies = append(e.bodies, body)
	status := http.StatusAccepted
	if len(e.statuses) > 0 {
		status, e.statuses = e.statuses[0], e.statuses[1:]
	}
	e.mu.Unlock()
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "3")
	}
	w.WriteHeader(status)
	if status == http.StatusBadRequest {
		_, _ = w.Write([]byte(`{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect"]}`))
		return
	}
	_, _ = w.Write([]byte(`{"status":"success","message":"Event processed","dedup_key":"k"}`))
}

func newEventsAPI(t *testing.T, statuses ...int) (*eventsAPI, *httptest.Server) {
	api := &eventsAPI{t: t, statuses: statuses}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, srv
}

// noWait records the waits asked for and returns at once.
type noWait struct{ waits []time.Duration }

func (n *noWait) sleep(_ context.Context, d time.Duration) error {
	n.waits = append(n.waits, d)
	return nil
}

var testEvent = PageEvent{
	Action: Trigger, DedupKey: "opsd/backup/111111111111/eu-west-2/orders-db/backup-job-failed",
	Summary: "Production backup failed: orders-db", Source: "opsd backup", Severity: PageCritical,
	Component: "orders-db", Group: "111111111111/eu-west-2", Class: "backup-job-failed",
	Details: map[string]string{"service": "backup", "environment": "production"},
}

func TestPagerDutyTriggerSendsAnEventsV2Body(t *testing.T) {
	api, srv := newEventsAPI(t)
	w := &noWait{}
	pd, err := NewPagerDuty(PagerDutyOptions{RoutingKey: "R0UTINGKEY", EventsURL: srv.URL + "/", Sleep: w.sleep})
	if err != nil {
		t.Fatal(err)
	}
	if err := pd.Page(context.Background(), testEvent); err != nil {
		t.Fatal(err)
	}
	if len(api.bodies) != 1 {
		t.Fatalf("%d requests, want 1", len(api.bodies))
	}
	b := api.bodies[0]
	payload, _ := b["payload"].(map[string]any)
	details, _ := payload["custom_details"].(map[string]any)
	for field, got := range map[string]any{
		"routing_key": b["routing_key"], "event_action": b["event_action"], "dedup_key": b["dedup_key"],
		"payload.summary": payload["summary"], "payload.source": payload["source"], "payload.severity": payload["severity"],
		"payload.component": payload["component"], "payload.group": payload["group"], "payload.class": payload["class"],
		"payload.custom_details.environment": details["environment"],
	} {
		want := map[string]any{
			"routing_key": "R0UTINGKEY", "event_action": "trigger", "dedup_key": testEvent.DedupKey,
			"payload.summary": testEvent.Summary, "payload.source": "opsd backup", "payload.severity": "critical",
			"payload.component": "orders-db", "payload.group": "111111111111/eu-west-2", "payload.class": "backup-job-failed",
			"payload.custom_details.environment": "production",
		}[field]
		if got != want {
			t.Errorf("%s = %v, want %v", field, got, want)
		}
	}
}

func TestPagerDutyResolveSendsOnlyTheKey(t *testing.T) {
	api, srv := newEventsAPI(t)
	pd, _ := NewPagerDuty(PagerDutyOptions{RoutingKey: "R0UTINGKEY", EventsURL: srv.URL})
	ev := testEvent
	ev.Action = Resolve
	if err := pd.Page(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	b := api.bodies[0]
	if b["event_action"] != "resolve" || b["dedup_key"] != testEvent.DedupKey || b["routing_key"] != "R0UTINGKEY" {
		t.Errorf("resolve body = %v", b)
	}
	if _, ok := b["payload"]; ok {
		t.Errorf("resolve carries a payload: %v", b)
	}
}

func TestPagerDutyRetriesRateLimitsAndServerErrors(t *testing.T) {
	api, srv := newEventsAPI(t, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable)
	w := &noWait{}
	pd, _ := NewPagerDuty(PagerDutyOptions{RoutingKey: "R0UTINGKEY", EventsURL: srv.URL, Sleep: w.sleep})
	if err := pd.Page(context.Background(), testEvent); err != nil {
		t.Fatal(err)
	}
	if len(api.bodies) != 4 {
		t.Fatalf("%d requests, want 4 (three retried)", len(api.bodies))
	}
	for i, b := range api.bodies {
		if b["dedup_key"] != testEvent.DedupKey {
			t.Errorf("attempt %d changed the dedup key: %v", i, b["dedup_key"])
		}
	}
	if len(w.waits) != 3 || w.waits[0] != 3*time.Second || w.waits[1] != backoff(1) || w.waits[2] != backoff(2) {
		t.Errorf("waits = %v, want [3s (Retry-After) %s %s]", w.waits, backoff(1), backoff(2))
	}
}

func TestPagerDutyGivesUpAfterMaxRetries(t *testing.T) {
	api, srv := newEventsAPI(t, 500, 500, 500)
	pd, _ := NewPagerDuty(PagerDutyOptions{RoutingKey: "R0UTINGKEY", EventsURL: srv.URL, MaxRetries: 2, Sleep: (&noWait{}).sleep})
	err := pd.Page(context.Background(), testEvent)
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Fatalf("err = %v, want gave up after 3 attempts", err)
	}
	if len(api.bodies) != 3 {
		t.Errorf("%d requests, want 3", len(api.bodies))
	}
}

func TestPagerDutyBadRequestIsFinalAndHidesTheKey(t *testing.T) {
	api, srv := newEventsAPI(t, http.StatusBadRequest)
	pd, _ := NewPagerDuty(PagerDutyOptions{RoutingKey: "R0UTINGKEY", EventsURL: srv.URL, Sleep: (&noWait{}).sleep})
	err := pd.Page(context.Background(), testEvent)
	if !errors.Is(err, ErrPageRejected) {
		t.Fatalf("err = %v, want ErrPageRejected", err)
	}
	if len(api.bodies) != 1 {
		t.Errorf("%d requests, want 1 (400 is not retried)", len(api.bodies))
	}
	if strings.Contains(err.Error(), "R0UTINGKEY") {
		t.Errorf("error shows the routing key: %v", err)
	}
	if !strings.Contains(err.Error(), "routing_key") || !strings.Contains(err.Error(), "trigger pagerduty incident") {
		t.Errorf("error lacks the action or PagerDuty's reason: %v", err)
	}
}

func TestNewPagerDutyNeedsAKey(t *testing.T) {
	if _, err := NewPagerDuty(PagerDutyOptions{}); err == nil {
		t.Error("no error without a routing key")
	}
	pd, _ := NewPagerDuty(PagerDutyOptions{RoutingKey: "k"})
	if pd.url != DefaultPagerDutyEventsURL+"/v2/enqueue" {
		t.Errorf("default url = %s", pd.url)
	}
}
