package monitor

import (
	"context"
	"fmt"
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
// was done or how it failed, and returns the agent commands sent. Alarms
// are deleted in batches and agent commands sent in batches, after the
// parameters they configure from; everything else one at a time, so one
// failure fails only itself.
func (a actor) run(ctx context.Context, changes []*Change) []AgentCommand {
	var deletes, sends []*Change
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
		case c.Object == ObjectCommand:
			sends = append(sends, c)
			continue
		case c.Object == ObjectParameter:
			c.err = a.putParameter(ctx, c)
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
	sent := a.sendAgentCommands(ctx, withParameters(changes, sends))
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
	return sent
}

// withParameters returns the agent commands whose configuration parameter
// was not to be written or was written; a configure command of a platform
// whose parameter failed is failed without being sent.
func withParameters(changes, sends []*Change) []*Change {
	failed := map[string]error{}
	for _, c := range changes {
		if c.Object == ObjectParameter && c.err != nil {
			failed[c.Name] = c.err
		}
	}
	var out []*Change
	for _, c := range sends {
		if err := failed[AgentParameterName(c.step.platform)]; err != nil && c.step.step == stepConfigure {
			c.err = fmt.Errorf("configure not sent: %w", err)
			continue
		}
		out = append(out, c)
	}
	return out
}
