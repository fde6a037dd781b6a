package notify

import (
	"context"
	"errors"
	"testing"
)

// recordingPager keeps the events it is sent.
type recordingPager struct{ events []PageEvent }

func (p *recordingPager) Page(_ context.Context, ev PageEvent) error {
	p.events = append(p.events, ev)
	return nil
}

// A replica that does not lead tells and pages no one, and says so with
// an error wrapping the fence's, so nothing records the message as told.
func TestLeaderOnlyHoldsBackWhileNotLeading(t *testing.T) {
	notLeader := errors.New("this replica does not hold the leader lease")
	var fence error
	rec := &Recorder{}
	pager := &recordingPager{}
	n := LeaderOnly{Notifier: rec, Fence: func() error { return fence }}
	p := LeaderOnlyPager{Pager: pager, Fence: func() error { return fence }}
	ctx := context.Background()

	if err := n.Notify(ctx, Message{Title: "Overnight shutdown: stopped 1"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Page(ctx, PageEvent{DedupKey: "k"}); err != nil {
		t.Fatal(err)
	}
	fence = notLeader
	if err := n.Notify(ctx, Message{Title: "Overnight shutdown: 1 failed"}); !errors.Is(err, notLeader) {
		t.Errorf("Notify while fenced = %v, want an error wrapping the fence's", err)
	}
	if err := p.Page(ctx, PageEvent{DedupKey: "k2"}); !errors.Is(err, notLeader) {
		t.Errorf("Page while fenced = %v, want an error wrapping the fence's", err)
	}
	if msgs := rec.Messages(); len(msgs) != 1 || msgs[0].Title != "Overnight shutdown: stopped 1" {
		t.Errorf("told %+v, want only the leader's message", msgs)
	}
	if len(pager.events) != 1 || pager.events[0].DedupKey != "k" {
		t.Errorf("paged %+v, want only the leader's event", pager.events)
	}
}
