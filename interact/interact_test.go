package interact

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/opsd-dev/opsd/internal/slacksocket"
)

// A press by a member of the group is carried out and answered; one by
// anyone else is refused and changes nothing; every envelope is
// acknowledged.
func TestListenerAnswersMembersOnly(t *testing.T) {
	s := slacksocket.Start(t, "S-OPS", []string{"U-ALICE"},
		slacksocket.Press("e1", "U-ALICE", "keep", "i-0abc"),
		slacksocket.Press("e2", "U-MALLORY", "keep", "i-0abc"),
	)
	var mu sync.Mutex
	var calls []string
	l := &Listener{
		API:       slack.New("xoxb-test", slack.OptionAPIURL(s.URL()), slack.OptionAppLevelToken(slacksocket.AppToken)),
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
	for range 2 {
		select {
		case <-s.Replied():
		case <-ctx.Done():
			t.Fatalf("replies in time: %v", s.Replies())
		}
	}
	mu.Lock()
	if len(calls) != 1 || calls[0] != "U-ALICE keep i-0abc" {
		t.Errorf("handled %v, want only alice's press", calls)
	}
	mu.Unlock()
	replies := strings.Join(s.Replies(), "\n")
	if !strings.Contains(replies, "U-ALICE: i-0abc is kept up") || !strings.Contains(replies, "U-MALLORY: Only members of <!subteam^S-OPS> may do this; nothing was changed.") {
		t.Errorf("replies:\n%s", replies)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && len(s.Acks()) < 2 {
		time.Sleep(20 * time.Millisecond)
	}
	if got := strings.Join(s.Acks(), ","); got != "e1,e2" {
		t.Errorf("acknowledged %s, want e1,e2", got)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Run after cancel: %v", err)
	}
}
