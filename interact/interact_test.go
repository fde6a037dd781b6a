package interact

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// standIn is a stand-in for Slack's side of Socket Mode: the Web API calls
// (apps.connections.open, usergroups.users.list, chat.postEphemeral) and
// the WebSocket that delivers envelopes and takes their acknowledgements.
type standIn struct {
	t         *testing.T
	srv       *httptest.Server
	envelopes []map[string]any
	members   []string

	mu      sync.Mutex
	acks    []string
	replies []string
	done    chan struct{}
}

func newStandIn(t *testing.T, members []string, envelopes ...map[string]any) *standIn {
	s := &standIn{t: t, members: members, envelopes: envelopes, done: make(chan struct{})}
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/apps.connections.open":
			if got := r.Header.Get("Authorization"); got != "Bearer xapp-test" {
				t.Errorf("apps.connections.open with %q, want the app-level token", got)
			}
			writeJSON(w, map[string]any{"ok": true, "url": "ws://" + r.Host + "/ws"})
		case "/usergroups.users.list":
			_ = r.ParseForm()
			if r.Form.Get("usergroup") != "S-OPS" {
				t.Errorf("members asked of group %q", r.Form.Get("usergroup"))
			}
			writeJSON(w, map[string]any{"ok": true, "users": s.members})
		case "/chat.postEphemeral":
			_ = r.ParseForm()
			s.mu.Lock()
			s.replies = append(s.replies, r.Form.Get("user")+": "+r.Form.Get("text"))
			n := len(s.replies)
			s.mu.Unlock()
			writeJSON(w, map[string]any{"ok": true, "message_ts": "1.0"})
			if n == len(s.envelopes) {
				close(s.done)
			}
		case "/ws":
			conn, err := upgrader.Upgrade(w, r, nil)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
			for _, e := range s.envelopes {
				if err := conn.WriteJSON(e); err != nil {
					return
				}
			}
			for {
				var ack map[string]any
				if err := conn.ReadJSON(&ack); err != nil {
					return
				}
				s.mu.Lock()
				s.acks = append(s.acks, ack["envelope_id"].(string))
				s.mu.Unlock()
			}
		default:
			t.Errorf("unexpected call %s", r.URL.Path)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func press(id, user, action, value string) map[string]any {
	return map[string]any{"envelope_id": id, "type": "interactive", "accepts_response_payload": false,
		"payload": map[string]any{"type": "block_actions", "user": map[string]any{"id": user}, "channel": map[string]any{"id": "C-OPS"},
			"actions": []any{map[string]any{"type": "button", "block_id": "opsd-actions", "action_id": action, "value": value}}}}
}

// A press by a member of the group is carried out and answered; one by
// anyone else is refused and changes nothing; every envelope is
// acknowledged.
func TestListenerAnswersMembersOnly(t *testing.T) {
	s := newStandIn(t, []string{"U-ALICE"},
		press("e1", "U-ALICE", "keep", "i-0abc"),
		press("e2", "U-MALLORY", "keep", "i-0abc"),
	)
	var mu sync.Mutex
	var calls []string
	l := &Listener{
		API:       slack.New("xoxb-test", slack.OptionAPIURL(s.srv.URL+"/"), slack.OptionAppLevelToken("xapp-test")),
		UserGroup: "S-OPS",
		Handlers: map[string]Handler{"keep": func(_ context.Context, action, value, user string) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, user+" "+action+" "+value)
			return value + " is kept up", nil
		}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- l.Run(ctx) }()
	select {
	case <-s.done:
	case <-ctx.Done():
		t.Fatal("no replies in time")
	}
	mu.Lock()
	if len(calls) != 1 || calls[0] != "U-ALICE keep i-0abc" {
		t.Errorf("handled %v, want only alice's press", calls)
	}
	mu.Unlock()
	s.mu.Lock()
	replies := strings.Join(s.replies, "\n")
	s.mu.Unlock()
	if !strings.Contains(replies, "U-ALICE: i-0abc is kept up") || !strings.Contains(replies, "U-MALLORY: Only members of <!subteam^S-OPS> may do this; nothing was changed.") {
		t.Errorf("replies:\n%s", replies)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		n := len(s.acks)
		s.mu.Unlock()
		if n == 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.mu.Lock()
	if strings.Join(s.acks, ",") != "e1,e2" {
		t.Errorf("acknowledged %v, want e1,e2", s.acks)
	}
	s.mu.Unlock()
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Run after cancel: %v", err)
	}
}
