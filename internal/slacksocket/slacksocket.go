// Package slacksocket is a stand-in for Slack's side of Socket Mode, for
// tests: the Web API calls a Socket Mode app makes (apps.connections.open,
// usergroups.users.list, chat.postEphemeral, and chat.postMessage for the
// messages themselves) and the WebSocket that delivers envelopes and takes
// their acknowledgements. It serves on loopback.
package slacksocket

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
)

// AppToken is the app-level token the stand-in expects.
const AppToken = "xapp-test"

// Server is the stand-in.
type Server struct {
	srv       *httptest.Server
	group     string
	members   []string
	envelopes []map[string]any

	mu      sync.Mutex
	acks    []string
	replies []string
	posts   []string
	replied chan struct{}
}

// Start serves a stand-in whose user group (group) has members, and which
// delivers envelopes, in order, to the first connection.
func Start(t testing.TB, group string, members []string, envelopes ...map[string]any) *Server {
	s := &Server{group: group, members: members, envelopes: envelopes, replied: make(chan struct{}, 64)}
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	delivered := false
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/apps.connections.open":
			if got := r.Header.Get("Authorization"); got != "Bearer "+AppToken {
				t.Errorf("apps.connections.open with %q, want the app-level token", got)
			}
			writeJSON(w, map[string]any{"ok": true, "url": "ws://" + r.Host + "/ws"})
		case "/usergroups.users.list":
			_ = r.ParseForm()
			if r.Form.Get("usergroup") != s.group {
				t.Errorf("members asked of group %q, want %q", r.Form.Get("usergroup"), s.group)
			}
			writeJSON(w, map[string]any{"ok": true, "users": s.members})
		case "/chat.postEphemeral":
			_ = r.ParseForm()
			s.mu.Lock()
			s.replies = append(s.replies, r.Form.Get("user")+": "+r.Form.Get("text"))
			s.mu.Unlock()
			writeJSON(w, map[string]any{"ok": true, "message_ts": "1.0"})
			s.replied <- struct{}{}
		case "/chat.postMessage":
			_ = r.ParseForm()
			s.mu.Lock()
			s.posts = append(s.posts, r.Form.Get("blocks"))
			s.mu.Unlock()
			writeJSON(w, map[string]any{"ok": true, "channel": r.Form.Get("channel"), "ts": "1.0"})
		case "/ws":
			conn, err := upgrader.Upgrade(w, r, nil)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			_ = conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
			s.mu.Lock()
			send := !delivered
			delivered = true
			s.mu.Unlock()
			if send {
				for _, e := range s.envelopes {
					if err := conn.WriteJSON(e); err != nil {
						return
					}
				}
			}
			for {
				var ack map[string]any
				if err := conn.ReadJSON(&ack); err != nil {
					return
				}
				id, _ := ack["envelope_id"].(string)
				s.mu.Lock()
				s.acks = append(s.acks, id)
				s.mu.Unlock()
			}
		default:
			writeJSON(w, map[string]any{"ok": false, "error": "unknown_method"})
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// URL is the Web API's base URL, ending in "/".
func (s *Server) URL() string { return s.srv.URL + "/" }

// Replied receives a value for each reply opsd posts.
func (s *Server) Replied() <-chan struct{} { return s.replied }

// Replies are the replies posted, "user: text".
func (s *Server) Replies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.replies...)
}

// Acks are the envelope ids acknowledged.
func (s *Server) Acks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acks...)
}

// Posts are the blocks of the messages posted with chat.postMessage.
func (s *Server) Posts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.posts...)
}

// Press is the envelope of a button pressed by user in channel C-OPS, as
// Slack delivers it.
func Press(envelopeID, user, actionID, value string) map[string]any {
	return map[string]any{"envelope_id": envelopeID, "type": "interactive", "accepts_response_payload": false,
		"payload": map[string]any{"type": "block_actions", "user": map[string]any{"id": user}, "channel": map[string]any{"id": "C-OPS"},
			"actions": []any{map[string]any{"type": "button", "block_id": "opsd-actions", "action_id": actionID, "value": value}}}}
}
