package monitor

import (
	"context"
	"log/slog"
)

// deleteAlarmsBatch is the most alarm names DeleteAlarms takes at once.
const deleteAlarmsBatch = 100

// actor carries out the changes of one account and region. It exists only
// in Apply mode: a plan never reaches it, so plan mode makes no mutating
// call at all.
type actor struct {
	c   Clients
	cfg Config
	log *slog.Logger
}

// run carries out every change that acts, recording on each whether it
// was done or how it failed. Alarms are deleted in batches; everything
// else one at a time, so one failure fails only itself.
func (a actor) run(ctx context.Context, changes []*Change) {
	var deletes []*Change
	for _, c := range changes {
		if !c.acts() {
			continue
		}
		if err := ctx.Err(); err != nil {
			c.err = err
			continue
		}
		switch {
		case c.Object == ObjectAlarm && c.Op == OpDelete:
			deletes = append(deletes, c)
			continue
		case c.Object == ObjectAlarm:
			c.err = a.putAlarm(ctx, c)
		case c.Object == ObjectDashboard:
			c.err = a.dashboard(ctx, c)
		case c.Object == ObjectLogGroup:
			c.err = a.retention(ctx, c)
		case c.Object == ObjectMetricFilter:
			c.err = a.filter(ctx, c)
		case c.Object == ObjectSubscription:
			c.err = a.subscription(ctx, c)
		case c.Object == ObjectTopic:
			c.err = a.deliveryLogging(ctx, c)
		}
		c.done = c.err == nil
	}
	a.deleteAlarms(ctx, deletes)
	for _, c := range changes {
		if !c.acts() {
			continue
		}
		attrs := []any{"object", c.Object, "op", c.Op, "name", c.Name, "reason", c.Reason}
		if c.err != nil {
			a.log.WarnContext(ctx, "monitor change failed", append(attrs, "error", c.err.Error())...)
		} else {
			a.log.InfoContext(ctx, "monitor change done", attrs...)
		}
	}
}
