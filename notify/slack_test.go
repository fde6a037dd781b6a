package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slacktest"
)

const testToken = "xoxb-1234-5678-sEcReTtOkEn"

// startSlack starts a slacktest server with the given endpoint overrides and
// stops it when the test ends.
func startSlack(t *testing.T, binders ...slacktest.Binder) *slacktest.Server {
	t.Helper()
	s := slacktest.NewTestServer(binders...)
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// postRecorder is an http.RoundTripper that keeps the form of every
// chat.postMessage request before passing it on.
type postRecorder struct {
	mu    sync.Mutex
	posts []url.Values
}

func (r *postRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/chat.postMessage") && req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.posts = append(r.posts, form)
		r.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

func (r *postRecorder) Posts() []url.Values {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]url.Values(nil), r.posts...)
}

// sleeps records the waits the notifier asks for without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// countingHandler answers chat.postMessage with responses[i] on call i (the
// last one repeating) and counts the calls.
type countingHandler struct {
	mu        sync.Mutex
	calls     int
	responses []func(w http.ResponseWriter)
}

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	i := min(h.calls, len(h.responses)-1)
	h.calls++
	h.mu.Unlock()
	h.responses[i](w)
}

func (h *countingHandler) Calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}

func (h *countingHandler) bind(c slacktest.Customize) { c.Handle("/chat.postMessage", h.ServeHTTP) }

func okResponse(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1.1"}`))
}

func rateLimited(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "1")
	w.WriteHeader(http.StatusTooManyRequests)
}

func unavailable(w http.ResponseWriter) {
	w.WriteHeader(http.StatusServiceUnavailable)
}

func slackError(code string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"ok":false,"error":%q}`, code)
	}
}

func newTestSlack(t *testing.T, opts SlackOptions) *Slack {
	t.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	if opts.Channel == "" && opts.Channels == nil {
		opts.Channel = "C-DEFAULT"
	}
	s, err := NewSlack(opts)
	if err != nil {
		t.Fatalf("NewSlack: %v", err)
	}
	return s
}

func decodeBlocks(t *testing.T, form url.Values) []slack.Block {
	t.Helper()
	var blocks slack.Blocks
	if err := json.Unmarshal([]byte(form.Get("blocks")), &blocks); err != nil {
		t.Fatalf("decode blocks %q: %v", form.Get("blocks"), err)
	}
	return blocks.BlockSet
}

func TestSlackRoutesByKindWithFallback(t *testing.T) {
	srv := startSlack(t)
	rec := &postRecorder{}
	n := newTestSlack(t, SlackOptions{
		Channel:  "C-DEFAULT",
		Channels: map[Kind]string{KindBackup: "C-BACKUP", KindDLQ: "C-DLQ"},
		// Without the trailing slash: NewSlack adds it.
		APIURL:     strings.TrimSuffix(srv.GetAPIURL(), "/"),
		HTTPClient: &http.Client{Transport: rec},
	})

	tests := []struct {
		kind Kind
		want string
	}{
		{KindBackup, "C-BACKUP"},
		{KindDLQ, "C-DLQ"},
		{KindPatching, "C-DEFAULT"},
		{"", "C-DEFAULT"},
	}
	for _, tt := range tests {
		if err := n.Notify(t.Context(), Message{Kind: tt.kind, Severity: Info, Title: "hello " + string(tt.kind)}); err != nil {
			t.Fatalf("Notify(%q): %v", tt.kind, err)
		}
	}
	posts := rec.Posts()
	if len(posts) != len(tests) {
		t.Fatalf("got %d posts, want %d", len(posts), len(tests))
	}
	for i, tt := range tests {
		if got := posts[i].Get("channel"); got != tt.want {
			t.Errorf("kind %q went to %q, want %q", tt.kind, got, tt.want)
		}
		if got := posts[i].Get("token"); got != testToken {
			t.Errorf("kind %q: token sent = %q, want the configured token", tt.kind, got)
		}
	}
}

func TestSlackNoChannelForKind(t *testing.T) {
	n := newTestSlack(t, SlackOptions{Channels: map[Kind]string{KindBackup: "C-BACKUP"}, APIURL: "http://127.0.0.1:1/"})
	err := n.Notify(t.Context(), Message{Kind: KindShutdown, Title: "x"})
	if err == nil || !strings.Contains(err.Error(), `"shutdown"`) {
		t.Fatalf("Notify without a channel: err = %v, want one naming the kind", err)
	}
}

func TestSlackBlocks(t *testing.T) {
	srv := startSlack(t)
	rec := &postRecorder{}
	n := newTestSlack(t, SlackOptions{APIURL: srv.GetAPIURL(), HTTPClient: &http.Client{Transport: rec}})

	var fields []Field
	for i := range 12 {
		fields = append(fields, Field{Label: fmt.Sprintf("Label%d", i), Value: fmt.Sprintf("value %d", i)})
	}
	msg := Message{
		Kind:     KindPatching,
		Severity: Warning,
		Title:    "3 instances miss critical patches",
		Text:     "Patch them *tonight* or tag `TOPATCH`.",
		Fields:   fields,
		Table: &Table{
			Columns: []string{"INSTANCE", "NAME", "MISSING"},
			Rows: [][]string{
				{"i-0123456789abcdef0", "web", "4"},
				{"i-1", "db <primary>", "12"},
				{"i-2", "batch", "1"},
			},
		},
	}
	if err := n.Notify(t.Context(), msg); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	posts := rec.Posts()
	if len(posts) != 1 {
		t.Fatalf("got %d posts, want 1", len(posts))
	}
	if got := posts[0].Get("text"); !strings.Contains(got, msg.Title) {
		t.Errorf("fallback text %q does not contain the title", got)
	}
	blocks := decodeBlocks(t, posts[0])

	header, ok := blocks[0].(*slack.HeaderBlock)
	if !ok {
		t.Fatalf("first block is %T, want *slack.HeaderBlock", blocks[0])
	}
	if want := ":warning: " + msg.Title; header.Text.Text != want {
		t.Errorf("header = %q, want %q", header.Text.Text, want)
	}

	var texts []string
	var fieldCounts []int
	var fieldTexts []string
	for _, b := range blocks[1:] {
		sec, ok := b.(*slack.SectionBlock)
		if !ok {
			continue
		}
		if sec.Text != nil {
			texts = append(texts, sec.Text.Text)
		}
		if len(sec.Fields) > 0 {
			fieldCounts = append(fieldCounts, len(sec.Fields))
			for _, f := range sec.Fields {
				fieldTexts = append(fieldTexts, f.Text)
			}
		}
	}
	if len(texts) != 2 || texts[0] != msg.Text {
		t.Fatalf("section texts = %q, want the text then the table", texts)
	}
	if fmt.Sprint(fieldCounts) != "[10 2]" {
		t.Errorf("fields per section = %v, want [10 2]", fieldCounts)
	}
	if len(fieldTexts) == 12 && fieldTexts[11] != "*Label11*\nvalue 11" {
		t.Errorf("last field = %q", fieldTexts[11])
	}
	wantTable := "```\n" +
		"INSTANCE             NAME          MISSING\n" +
		"i-0123456789abcdef0  web           4\n" +
		"i-1                  db &lt;primary&gt;  12\n" + // aligned as Slack shows it: "db <primary>"
		"i-2                  batch         1\n" +
		"```"
	if texts[1] != wantTable {
		t.Errorf("table block =\n%s\nwant\n%s", texts[1], wantTable)
	}
}

func TestSlackRateLimitWaitsRetryAfter(t *testing.T) {
	h := &countingHandler{responses: []func(http.ResponseWriter){rateLimited, okResponse}}
	srv := startSlack(t, h.bind)
	sl := &sleeps{}
	n := newTestSlack(t, SlackOptions{APIURL: srv.GetAPIURL(), Sleep: sl.Sleep})

	if err := n.Notify(t.Context(), Message{Kind: KindDLQ, Title: "messages in the DLQ"}); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	if got := h.Calls(); got != 2 {
		t.Errorf("chat.postMessage called %d times, want 2", got)
	}
	if got := sl.Waits(); len(got) != 1 || got[0] != time.Second {
		t.Errorf("waits = %v, want [1s] (the Retry-After)", got)
	}
}

func TestSlackRetriesExhausted(t *testing.T) {
	tests := []struct {
		name      string
		respond   func(http.ResponseWriter)
		maxRetry  int
		wantCalls int
		wantWaits []time.Duration
		wantErr   func(error) bool
	}{
		{
			name: "rate limited", respond: rateLimited, maxRetry: 0, // default 3
			wantCalls: 4, wantWaits: []time.Duration{time.Second, time.Second, time.Second},
			wantErr: func(err error) bool { _, ok := errors.AsType[*slack.RateLimitedError](err); return ok },
		},
		{
			name: "server error", respond: unavailable, maxRetry: 2,
			wantCalls: 3, wantWaits: []time.Duration{500 * time.Millisecond, time.Second},
			wantErr: func(err error) bool {
				sc, ok := errors.AsType[slack.StatusCodeError](err)
				return ok && sc.Code == http.StatusServiceUnavailable
			},
		},
		{
			name: "transient slack error", respond: slackError("service_unavailable"), maxRetry: 1,
			wantCalls: 2, wantWaits: []time.Duration{500 * time.Millisecond},
			wantErr: func(err error) bool {
				se, ok := errors.AsType[slack.SlackErrorResponse](err)
				return ok && se.Err == "service_unavailable"
			},
		},
		{
			name: "no retries", respond: unavailable, maxRetry: -1,
			wantCalls: 1, wantWaits: nil,
			wantErr: func(err error) bool { _, ok := errors.AsType[slack.StatusCodeError](err); return ok },
		},
		{
			name: "permanent error is not retried", respond: slackError("channel_not_found"), maxRetry: 3,
			wantCalls: 1, wantWaits: nil,
			wantErr: func(err error) bool {
				se, ok := errors.AsType[slack.SlackErrorResponse](err)
				return ok && se.Err == "channel_not_found"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &countingHandler{responses: []func(http.ResponseWriter){tt.respond}}
			srv := startSlack(t, h.bind)
			sl := &sleeps{}
			var logs bytes.Buffer
			n := newTestSlack(t, SlackOptions{
				Channel: "C-OPS", APIURL: srv.GetAPIURL(), MaxRetries: tt.maxRetry, Sleep: sl.Sleep,
				Logger: slog.New(slog.NewJSONHandler(&logs, nil)),
			})

			err := n.Notify(t.Context(), Message{Kind: KindBackup, Title: "backup failed"})
			if err == nil {
				t.Fatal("Notify succeeded, want an error")
			}
			if !strings.Contains(err.Error(), `channel "C-OPS"`) {
				t.Errorf("error %q does not name the channel", err)
			}
			if strings.Contains(err.Error(), testToken) || strings.Contains(logs.String(), testToken) {
				t.Errorf("token leaked: error %q, logs %q", err, logs.String())
			}
			if !tt.wantErr(err) {
				t.Errorf("error %q does not wrap the expected cause", err)
			}
			if got := h.Calls(); got != tt.wantCalls {
				t.Errorf("chat.postMessage called %d times, want %d", got, tt.wantCalls)
			}
			if got := sl.Waits(); fmt.Sprint(got) != fmt.Sprint(tt.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if retries := len(tt.wantWaits); strings.Count(logs.String(), "will retry") != retries {
				t.Errorf("logged %d retries, want %d: %s", strings.Count(logs.String(), "will retry"), retries, logs.String())
			}
		})
	}
}

func TestSlackRetryWaitStopsWithContext(t *testing.T) {
	h := &countingHandler{responses: []func(http.ResponseWriter){func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}}}
	srv := startSlack(t, h.bind)
	// No Sleep injected: the real timer must give way to the context.
	n := newTestSlack(t, SlackOptions{APIURL: srv.GetAPIURL()})

	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := n.Notify(ctx, Message{Kind: KindMonitor, Title: "alarm"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if _, ok := errors.AsType[*slack.RateLimitedError](err); !ok {
		t.Errorf("err = %v, want it to wrap the rate limit too", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Notify took %s, want it to stop when the context ended", elapsed)
	}
	if got := h.Calls(); got != 1 {
		t.Errorf("chat.postMessage called %d times, want 1", got)
	}
}

// echoTokenTransport fails every request with an error that quotes the
// request body, token included, as a careless proxy or library might.
type echoTokenTransport struct{}

func (echoTokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	form, _ := url.ParseQuery(string(body))
	return nil, fmt.Errorf("proxy refused request with token=%s", form.Get("token"))
}

func TestSlackTokenNeverInErrorsOrLogs(t *testing.T) {
	sl := &sleeps{}
	var logs bytes.Buffer
	n := newTestSlack(t, SlackOptions{
		APIURL:     "http://127.0.0.1:1/",
		HTTPClient: &http.Client{Transport: echoTokenTransport{}},
		MaxRetries: 1,
		Sleep:      sl.Sleep,
		Logger:     slog.New(slog.NewJSONHandler(&logs, nil)),
	})
	err := n.Notify(t.Context(), Message{Kind: KindAudit, Title: "x"})
	if err == nil {
		t.Fatal("Notify succeeded, want an error")
	}
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("error leaks the token: %q", err)
	}
	if !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("error %q: want the token replaced by [REDACTED]", err)
	}
	if strings.Contains(logs.String(), testToken) {
		t.Errorf("logs leak the token: %s", logs.String())
	}
	if got := len(sl.Waits()); got != 1 {
		t.Errorf("network error retried %d times, want 1", got)
	}
}

func TestNewSlackValidates(t *testing.T) {
	tests := []struct {
		name string
		opts SlackOptions
		want string
	}{
		{"no token", SlackOptions{Channel: "C1"}, "no token"},
		{"no channel", SlackOptions{Token: testToken}, "no channel"},
		{"only blank channels", SlackOptions{Token: testToken, Channels: map[Kind]string{KindBackup: " "}}, "no channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSlack(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewSlack: err = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := NewSlack(SlackOptions{Token: testToken, Channels: map[Kind]string{KindBackup: "C1"}}); err != nil {
		t.Errorf("NewSlack with only a per-kind channel: %v", err)
	}
}
