package notify

import (
	"bytes"
	"errors"
	"fmt"
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

// threadServer answers chat.postMessage for channel C-RESOLVED with a
// timestamp of its own for each message, or as fail says for call n (from
// 0) when it says anything, and keeps the form of every call.
type threadServer struct {
	mu    sync.Mutex
	calls []url.Values
	fail  func(n int) func(http.ResponseWriter)
}

func (s *threadServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, r.PostForm)
	n := len(s.calls) - 1
	s.mu.Unlock()
	if s.fail != nil {
		if respond := s.fail(n); respond != nil {
			respond(w)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"ok":true,"channel":"C-RESOLVED","ts":"1700000000.%06d"}`, n+1)
}

func (s *threadServer) Calls() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.calls...)
}

func (s *threadServer) bind(c slacktest.Customize) { c.Handle("/chat.postMessage", s.ServeHTTP) }

// arnTable is a table of n instances by ARN.
func arnTable(n int) *Table {
	t := &Table{Columns: []string{"RESOURCE", "STATE"}}
	for i := range n {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("arn:aws:ec2:eu-west-2:111111111111:instance/i-%05d", i), "stopped"})
	}
	return t
}

// rowsIn counts, by resource, the table rows in the posts' blocks.
func rowsIn(t *testing.T, posts []url.Values) map[string]int {
	t.Helper()
	rows := map[string]int{}
	for _, p := range posts {
		for _, text := range sectionTexts(decodeBlocks(t, p)) {
			if !strings.HasPrefix(text, "```\nRESOURCE") {
				continue
			}
			for _, l := range strings.Split(text, "\n") {
				if id, _, ok := strings.Cut(l, " "); ok && strings.HasPrefix(id, "arn:") {
					rows[id]++
				}
			}
		}
	}
	return rows
}

// A table too long for one message continues in the first message's
// thread: every row once, every message within Slack's limits and saying
// which part it is.
func TestSlackLongTableContinuesInThread(t *testing.T) {
	h := &threadServer{}
	n := newTestSlack(t, SlackOptions{APIURL: startSlack(t, h.bind).GetAPIURL()})
	const rows = 500
	msg := Message{Kind: KindShutdown, Title: "Overnight shutdown: stopped 500", Text: "All stopped.", Table: arnTable(rows)}
	if err := n.Notify(t.Context(), msg); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	calls := h.Calls()
	if len(calls) < 3 {
		t.Fatalf("%d messages for %d rows, want several", len(calls), rows)
	}
	for i, c := range calls {
		blocks := decodeBlocks(t, c)
		checkPart(t, i+1, blocks)
		if want := fmt.Sprintf("opsd · shutdown · part %d of %d", i+1, len(calls)); footer(blocks) != want {
			t.Errorf("message %d footer %q, want %q", i+1, footer(blocks), want)
		}
		if i == 0 {
			if c.Get("thread_ts") != "" || c.Get("channel") != "C-DEFAULT" || !strings.HasPrefix(c.Get("text"), ":information_source: Overnight shutdown") {
				t.Errorf("first message: channel %q thread_ts %q text %q", c.Get("channel"), c.Get("thread_ts"), c.Get("text"))
			}
			continue
		}
		if c.Get("thread_ts") != "1700000000.000001" || c.Get("channel") != "C-RESOLVED" {
			t.Errorf("message %d: channel %q thread_ts %q, want the first's thread", i+1, c.Get("channel"), c.Get("thread_ts"))
		}
		if want := fmt.Sprintf("Part %d of %d\n```", i+1, len(calls)); !strings.HasPrefix(c.Get("text"), want) {
			t.Errorf("message %d fallback text starts %.40q, want %q", i+1, c.Get("text"), want)
		}
		if strings.Contains(c.Get("text"), "Overnight shutdown") {
			t.Errorf("message %d repeats the title", i+1)
		}
	}
	got := rowsIn(t, calls)
	for i := range rows {
		if id := fmt.Sprintf("arn:aws:ec2:eu-west-2:111111111111:instance/i-%05d", i); got[id] != 1 {
			t.Fatalf("%s is in %d rows, want 1", id, got[id])
		}
	}
}

// When the first message cannot be posted, nothing more is, and the error
// is the post's.
func TestSlackFirstPartFailsNothingMore(t *testing.T) {
	h := &threadServer{fail: func(int) func(http.ResponseWriter) { return slackError("channel_not_found") }}
	n := newTestSlack(t, SlackOptions{Channel: "C-OPS", APIURL: startSlack(t, h.bind).GetAPIURL()})
	err := n.Notify(t.Context(), Message{Kind: KindShutdown, Title: "big", Table: arnTable(500)})
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); !ok || se.Err != "channel_not_found" || !strings.Contains(err.Error(), `channel "C-OPS"`) {
		t.Fatalf("err = %v, want channel_not_found naming the channel", err)
	}
	if got := len(h.Calls()); got != 1 {
		t.Errorf("%d posts, want 1", got)
	}
}

// A part that fails once is retried alone: no earlier part is posted
// again, and every part arrives once.
func TestSlackRetriedPartIsNotRepeated(t *testing.T) {
	h := &threadServer{fail: func(n int) func(http.ResponseWriter) {
		if n == 1 {
			return unavailable
		}
		return nil
	}}
	sl := &sleeps{}
	n := newTestSlack(t, SlackOptions{APIURL: startSlack(t, h.bind).GetAPIURL(), Sleep: sl.Sleep})
	msg := Message{Kind: KindShutdown, Title: "big", Table: arnTable(500)}
	if err := n.Notify(t.Context(), msg); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	parts, _ := layout(msg, false)
	calls := h.Calls()
	if len(calls) != len(parts)+1 || len(sl.Waits()) != 1 {
		t.Fatalf("%d posts and %d waits for %d parts, want one retry", len(calls), len(sl.Waits()), len(parts))
	}
	if calls[1].Get("blocks") != calls[2].Get("blocks") || calls[2].Get("thread_ts") != "1700000000.000001" {
		t.Errorf("the retry is not the failed part in the thread")
	}
	delivered := append(calls[:1:1], calls[2:]...)
	for i, c := range delivered {
		if want := fmt.Sprintf("part %d of %d", i+1, len(parts)); !strings.HasSuffix(footer(decodeBlocks(t, c)), want) {
			t.Errorf("delivered message %d is not %s", i+1, want)
		}
	}
	for id, k := range rowsIn(t, delivered) {
		if k != 1 {
			t.Errorf("%s delivered %d times", id, k)
		}
	}
}

// When a later part cannot be posted, the error says which; the same
// message notified again continues the thread from that part, and once
// it is whole a new notification starts a thread of its own.
func TestSlackContinuesThreadWhereItStopped(t *testing.T) {
	failing := true
	h := &threadServer{fail: func(n int) func(http.ResponseWriter) {
		if n == 2 && failing {
			return slackError("internal_error")
		}
		return nil
	}}
	n := newTestSlack(t, SlackOptions{APIURL: startSlack(t, h.bind).GetAPIURL(), MaxRetries: -1})
	msg := Message{Kind: KindShutdown, Title: "big", Table: arnTable(500)}
	parts, _ := layout(msg, false)

	err := n.Notify(t.Context(), msg)
	if se, ok := errors.AsType[slack.SlackErrorResponse](err); !ok || se.Err != "internal_error" ||
		!strings.Contains(err.Error(), fmt.Sprintf("part 3 of %d in the thread of slack message 1700000000.000001", len(parts))) {
		t.Fatalf("err = %v, want internal_error naming part 3 and the thread", err)
	}
	failing = false
	if err := n.Notify(t.Context(), msg); err != nil {
		t.Fatalf("Notify again: %v", err)
	}
	calls := h.Calls()
	if len(calls) != len(parts)+1 {
		t.Fatalf("%d posts for %d parts, want each once and the failed one twice", len(calls), len(parts))
	}
	for _, c := range calls[3:] {
		if c.Get("thread_ts") != "1700000000.000001" {
			t.Errorf("a continued part went to thread %q", c.Get("thread_ts"))
		}
	}
	delivered := append(calls[:2:2], calls[3:]...)
	if got := rowsIn(t, delivered); len(got) != 500 {
		t.Errorf("%d rows delivered, want 500", len(got))
	}
	for id, k := range rowsIn(t, delivered) {
		if k != 1 {
			t.Errorf("%s delivered %d times", id, k)
		}
	}

	if err := n.Notify(t.Context(), msg); err != nil {
		t.Fatalf("Notify a third time: %v", err)
	}
	if c := h.Calls()[len(calls)]; c.Get("thread_ts") != "" {
		t.Errorf("a whole message told again continued a thread: %q", c.Get("thread_ts"))
	}
}

// A thread stopped long ago is not continued: the message starts again.
func TestSlackForgetsAStoppedThreadAfterAWhile(t *testing.T) {
	failing := true
	h := &threadServer{fail: func(n int) func(http.ResponseWriter) {
		if n == 1 && failing {
			return slackError("internal_error")
		}
		return nil
	}}
	now := time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
	n := newTestSlack(t, SlackOptions{APIURL: startSlack(t, h.bind).GetAPIURL(), MaxRetries: -1, Now: func() time.Time { return now }})
	msg := Message{Kind: KindShutdown, Title: "big", Table: arnTable(500)}
	if err := n.Notify(t.Context(), msg); err == nil {
		t.Fatal("Notify succeeded, want the failed part's error")
	}
	failing = false
	now = now.Add(slackResumeWithin + time.Minute)
	if err := n.Notify(t.Context(), msg); err != nil {
		t.Fatal(err)
	}
	if c := h.Calls()[2]; c.Get("thread_ts") != "" || c.Get("channel") != "C-DEFAULT" {
		t.Errorf("after %s the message continued thread %q instead of starting again", slackResumeWithin, c.Get("thread_ts"))
	}
}

// What would take more messages than slackMaxParts is left out, and the
// last message and the log say how much.
func TestSlackTooLongForAThreadSaysWhatIsLeftOut(t *testing.T) {
	h := &threadServer{}
	var logs bytes.Buffer
	n := newTestSlack(t, SlackOptions{APIURL: startSlack(t, h.bind).GetAPIURL(), Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	const rows = 20000
	if err := n.Notify(t.Context(), Message{Kind: KindShutdown, Title: "huge", Table: arnTable(rows)}); err != nil {
		t.Fatal(err)
	}
	calls := h.Calls()
	if len(calls) != slackMaxParts {
		t.Fatalf("%d messages, want %d", len(calls), slackMaxParts)
	}
	shown := len(rowsIn(t, calls))
	want := fmt.Sprintf("_%d more rows not shown: too long for %d Slack messages_", rows-shown, slackMaxParts)
	last := decodeBlocks(t, calls[len(calls)-1])
	note := last[len(last)-2].(*slack.ContextBlock).ContextElements.Elements[0].(*slack.TextBlockObject).Text
	if shown == 0 || note != want {
		t.Errorf("%d rows shown, note %q; want %q", shown, note, want)
	}
	if !strings.Contains(logs.String(), fmt.Sprintf(`"left_out":"%d more rows"`, rows-shown)) {
		t.Errorf("the log does not say what was left out: %s", logs.String())
	}
}
