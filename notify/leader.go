package notify

import (
	"context"
	"fmt"
	"log/slog"
)

// LeaderOnly tells people only while this replica leads. A replica that
// is not the leader (a follower, or a leader fenced after it lost its
// lease, say after a pause) tells no one anything: what it saw is the
// leader's to tell, and a fenced replica's failures are no failures of
// the estate. A message it holds back is returned as an error wrapping
// Fence's, so that a service that records what it told (once per
// resource, across replicas) does not record it, and the leader tells it.
type LeaderOnly struct {
	Notifier Notifier
	// Fence returns nil while this replica leads.
	Fence  func() error
	Logger *slog.Logger
}

var (
	_ Notifier = LeaderOnly{}
	_ Pager    = LeaderOnlyPager{}
)

// Notify delivers msg while this replica leads.
func (l LeaderOnly) Notify(ctx context.Context, msg Message) error {
	if err := l.Fence(); err != nil {
		l.held(ctx, "message", msg.Title, err)
		return fmt.Errorf("notify %q: not told by a replica that does not lead: %w", msg.Title, err)
	}
	return l.Notifier.Notify(ctx, msg)
}

func (l LeaderOnly) held(ctx context.Context, what, title string, err error) {
	if l.Logger != nil {
		l.Logger.LogAttrs(ctx, slog.LevelInfo, what+" held back: this replica is not the leader",
			slog.String("title", title), slog.String("reason", err.Error()))
	}
}

// LeaderOnlyPager pages only while this replica leads, as [LeaderOnly]
// tells.
type LeaderOnlyPager struct {
	Pager Pager
	Fence func() error
	// Logger is told of every page held back.
	Logger *slog.Logger
}

// Page sends ev while this replica leads.
func (l LeaderOnlyPager) Page(ctx context.Context, ev PageEvent) error {
	if err := l.Fence(); err != nil {
		LeaderOnly{Logger: l.Logger}.held(ctx, "page", ev.DedupKey, err)
		return fmt.Errorf("page %s: not sent by a replica that does not lead: %w", ev.DedupKey, err)
	}
	return l.Pager.Page(ctx, ev)
}
