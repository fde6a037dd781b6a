package notify

import (
	"context"
	"errors"
)

// Multi delivers each message to every notifier in it, for example to Slack
// and to the log, so a message Slack refused is still in the log.
type Multi []Notifier

var _ Notifier = Multi(nil)

// Notify delivers msg to every notifier, even when one fails, and returns
// their errors joined.
func (m Multi) Notify(ctx context.Context, msg Message) error {
	var errs []error
	for _, n := range m {
		if n == nil {
			continue
		}
		if err := n.Notify(ctx, msg); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
