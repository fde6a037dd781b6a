package notify

import (
	"context"
	"log/slog"
)

// BestEffort delivers to a secondary notifier (SNS) whose failure must not
// count as the message not told: a service that saw an error would tell
// people again on its next run. Failures are logged instead.
type BestEffort struct {
	Notifier Notifier
	Logger   *slog.Logger
}

var _ Notifier = BestEffort{}

// Notify delivers msg and logs, never returns, a failure.
func (b BestEffort) Notify(ctx context.Context, msg Message) error {
	if b.Notifier == nil {
		return nil
	}
	if err := b.Notifier.Notify(ctx, msg); err != nil && b.Logger != nil {
		b.Logger.LogAttrs(ctx, slog.LevelWarn, "secondary delivery failed; the message went to its main destination",
			slog.String("kind", string(msg.Kind)), slog.String("title", msg.Title), slog.String("error", err.Error()))
	}
	return nil
}
