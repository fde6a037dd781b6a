package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultPagerDutyEventsURL is the PagerDuty Events API's base URL.
const DefaultPagerDutyEventsURL = "https://events.pagerduty.com"

// DefaultPagerDutyMaxRetries is how many times an event is retried after a
// rate limit or a server error when PagerDutyOptions.MaxRetries is zero.
const DefaultPagerDutyMaxRetries = 4

// EventAction is what a page event does to its incident.
type EventAction string

// Event actions.
const (
	Trigger EventAction = "trigger"
	Resolve EventAction = "resolve"
)

// PageSeverity is a PagerDuty event's severity.
type PageSeverity string

// PagerDuty severities.
const (
	PageCritical PageSeverity = "critical"
	PageError    PageSeverity = "error"
	PageWarning  PageSeverity = "warning"
	PageInfo     PageSeverity = "info"
)

// PageEvent is one PagerDuty Events API v2 event: a trigger opens (or
// repeats, without a second page) the incident with DedupKey, a resolve
// closes it.
type PageEvent struct {
	Action   EventAction  `json:"event_action"`
	DedupKey string       `json:"dedup_key"`
	Summary  string       `json:"summary"`
	Source   string       `json:"source"`
	Severity PageSeverity `json:"severity"`
	// Component, Group and Class are PagerDuty's optional fields: the
	// resource, the account/region and the condition.
	Component string            `json:"component,omitempty"`
	Group     string            `json:"group,omitempty"`
	Class     string            `json:"class,omitempty"`
	Details   map[string]string `json:"custom_details,omitempty"`
	Labels    Labels            `json:"labels"`
}

// Pager sends page events.
type Pager interface {
	Page(ctx context.Context, ev PageEvent) error
}

// PagerDutyOptions configures a PagerDuty Events API v2 client.
type PagerDutyOptions struct {
	// RoutingKey is the integration key of the PagerDuty service. It never
	// appears in errors or logs.
	RoutingKey string
	// EventsURL is the Events API's base URL; empty means
	// DefaultPagerDutyEventsURL.
	EventsURL string
	// MaxRetries: 0 means DefaultPagerDutyMaxRetries, negative never.
	MaxRetries int
	// HTTPClient sends the requests; nil means a client with a 30 s timeout.
	HTTPClient *http.Client
	// Sleep waits before a retry; nil means a real timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// PagerDuty sends events to the PagerDuty Events API v2.
type PagerDuty struct {
	key        string
	url        string
	maxRetries int
	http       *http.Client
	sleep      func(ctx context.Context, d time.Duration) error
}

var _ Pager = (*PagerDuty)(nil)

// ErrPageRejected is an event PagerDuty refused as invalid (400): a wrong
// routing key or a malformed event, which retrying cannot fix.
var ErrPageRejected = errors.New("pagerduty rejected the event")

// NewPagerDuty returns a PagerDuty client; it makes no call.
func NewPagerDuty(opts PagerDutyOptions) (*PagerDuty, error) {
	if strings.TrimSpace(opts.RoutingKey) == "" {
		return nil, errors.New("create pagerduty client: no routing key")
	}
	u := strings.TrimRight(strings.TrimSpace(opts.EventsURL), "/")
	if u == "" {
		u = DefaultPagerDutyEventsURL
	}
	p := &PagerDuty{key: strings.TrimSpace(opts.RoutingKey), url: u + "/v2/enqueue", maxRetries: opts.MaxRetries, http: opts.HTTPClient, sleep: opts.Sleep}
	switch {
	case p.maxRetries == 0:
		p.maxRetries = DefaultPagerDutyMaxRetries
	case p.maxRetries < 0:
		p.maxRetries = 0
	}
	if p.http == nil {
		p.http = &http.Client{Timeout: 30 * time.Second}
	}
	if p.sleep == nil {
		p.sleep = sleepContext
	}
	return p, nil
}

// pdBody is the Events API v2 request body.
type pdBody struct {
	RoutingKey  string     `json:"routing_key"`
	EventAction string     `json:"event_action"`
	DedupKey    string     `json:"dedup_key"`
	Payload     *pdPayload `json:"payload,omitempty"`
}

type pdPayload struct {
	Summary       string            `json:"summary"`
	Source        string            `json:"source"`
	Severity      string            `json:"severity"`
	Component     string            `json:"component,omitempty"`
	Group         string            `json:"group,omitempty"`
	Class         string            `json:"class,omitempty"`
	CustomDetails map[string]string `json:"custom_details,omitempty"`
}

// maxSummary is the longest summary PagerDuty keeps.
const maxSummary = 1024

// Page sends ev. PagerDuty answers 202 when it accepted the event; 429
// and 5xx are retried with backoff (Retry-After honoured), 400 returns an
// error wrapping ErrPageRejected.
func (p *PagerDuty) Page(ctx context.Context, ev PageEvent) error {
	body := pdBody{RoutingKey: p.key, EventAction: string(ev.Action), DedupKey: ev.DedupKey}
	if ev.Action == Trigger {
		summary := ev.Summary
		if len(summary) > maxSummary {
			summary = strings.ToValidUTF8(summary[:maxSummary], "")
		}
		body.Payload = &pdPayload{Summary: summary, Source: ev.Source, Severity: string(ev.Severity),
			Component: ev.Component, Group: ev.Group, Class: ev.Class, CustomDetails: ev.Details}
	}
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("%s pagerduty incident %s: encode event: %w", ev.Action, ev.DedupKey, err)
	}
	for attempt := 0; ; attempt++ {
		wait, err := p.post(ctx, data)
		if err == nil {
			return nil
		}
		err = scrub(err, p.key)
		if wait < 0 || ctx.Err() != nil {
			return fmt.Errorf("%s pagerduty incident %s: %w", ev.Action, ev.DedupKey, err)
		}
		if attempt >= p.maxRetries {
			return fmt.Errorf("%s pagerduty incident %s: gave up after %d attempts: %w", ev.Action, ev.DedupKey, attempt+1, err)
		}
		if wait == 0 {
			wait = backoff(attempt)
		}
		if werr := p.sleep(ctx, wait); werr != nil {
			return fmt.Errorf("%s pagerduty incident %s: wait %s to retry: %w (last error: %w)", ev.Action, ev.DedupKey, wait, werr, err)
		}
	}
}

// post sends one request. A nil error means accepted; otherwise wait is
// negative when the failure is final, else how long PagerDuty asked to
// wait (0 for the usual backoff).
func (p *PagerDuty) post(ctx context.Context, data []byte) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(data))
	if err != nil {
		return -1, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode == http.StatusAccepted || resp.StatusCode == http.StatusOK:
		return 0, nil
	case resp.StatusCode == http.StatusBadRequest:
		return -1, fmt.Errorf("%w (400): %s", ErrPageRejected, strings.TrimSpace(string(text)))
	case resp.StatusCode == http.StatusTooManyRequests:
		wait := time.Duration(0)
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
		return wait, fmt.Errorf("pagerduty rate limit (429)")
	case resp.StatusCode >= 500:
		return 0, fmt.Errorf("pagerduty server error (%d): %s", resp.StatusCode, strings.TrimSpace(string(text)))
	}
	return -1, fmt.Errorf("pagerduty answered %d: %s", resp.StatusCode, strings.TrimSpace(string(text)))
}
