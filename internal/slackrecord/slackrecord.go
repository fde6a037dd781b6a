// Package slackrecord is test support: slack-go's slacktest Web API
// server, keeping every chat.postMessage opsd sends, for tests that count
// and read the messages of a real opsd process.
package slackrecord

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack/slacktest"
)

// Post is one chat.postMessage: the token it was sent with and its form.
type Post struct {
	Token string
	Form  url.Values
}

// Server is a started slacktest server that records posts. Its API URL
// is what notify.slack.api_url takes.
type Server struct {
	*slacktest.Server
	mu    sync.Mutex
	posts []Post
}

// Start starts a recording server, stopped when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{}
	s.Server = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			if err := r.ParseForm(); err != nil {
				tb.Errorf("slack: parse chat.postMessage: %v", err)
			}
			tok := r.PostForm.Get("token")
			if tok == "" {
				tok, _ = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			}
			s.mu.Lock()
			s.posts = append(s.posts, Post{Token: tok, Form: r.PostForm})
			s.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":true,"channel":"C-OPS","ts":"1.1"}`))
		})
	})
	s.Server.Start()
	tb.Cleanup(s.Stop)
	return s
}

// URL is the API URL, for notify.slack.api_url.
func (s *Server) URL() string { return s.GetAPIURL() }

// Posts returns the posts so far.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.posts)
}

// Count is how many messages were posted.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.posts)
}

// Texts returns the text of every post after the first n.
func (s *Server) Texts(n int) []string {
	posts := s.Posts()
	var out []string
	for _, p := range posts[min(n, len(posts)):] {
		out = append(out, p.Form.Get("text"))
	}
	return out
}

// All returns how many messages were posted and every field of each but
// the token, "key=value" a line, the posts joined by blank lines.
func (s *Server) All() (int, []byte) {
	posts := s.Posts()
	fields := make([][]byte, 0, len(posts))
	for _, p := range posts {
		var b bytes.Buffer
		for _, k := range slices.Sorted(maps.Keys(p.Form)) {
			if k != "token" {
				fmt.Fprintf(&b, "%s=%s\n", k, strings.Join(p.Form[k], ","))
			}
		}
		fields = append(fields, b.Bytes())
	}
	return len(posts), bytes.Join(fields, []byte("\n"))
}

// Tokens returns the token of every post.
func (s *Server) Tokens() []string {
	var out []string
	for _, p := range s.Posts() {
		out = append(out, p.Token)
	}
	return out
}

// AuthenticatedWith reports whether there were posts and every one
// carried token.
func (s *Server) AuthenticatedWith(token string) bool {
	toks := s.Tokens()
	return len(toks) > 0 && !slices.ContainsFunc(toks, func(t string) bool { return t != token })
}
