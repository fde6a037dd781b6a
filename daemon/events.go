package daemon

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/events"
)

// readEvents reads the hub's events queue while this replica leads, when
// events.enabled, and runs the services each burst of events concerns. Like
// http.listen, the queue is read from the configuration at start.
func (d *daemon) readEvents(ctx context.Context, cfg *config.Config) {
	if !cfg.Events.Enabled {
		return
	}
	base, err := awsenv.Load(ctx, awsenv.Options{Region: cfg.AWS.Regions[0], EndpointURL: cfg.AWS.EndpointURL,
		// A receive waits up to 20 s for messages: the call may take that long.
		MaxAttempts: cfg.AWS.MaxAttempts, CallTimeout: cfg.AWS.CallTimeout + 25*time.Second})
	if err != nil {
		d.logger.Error("events queue not read", "error", err.Error())
		return
	}
	r := &events.Reader{
		Queue: sqs.NewFromConfig(base), QueueURL: cfg.Events.QueueURL, Coalesce: cfg.Events.Coalesce,
		Options: events.Options{IgnorePrincipals: cfg.Events.IgnorePrincipals, OwnTagPrefix: "opsd:"},
		Leading: d.leading,
		Enabled: func(s string) bool { return slices.Contains(d.serviceNames(), s) },
		Run: func(s string) {
			if !d.sched.RunNow(s) {
				d.logger.Debug("event for a service not scheduled", "service", s)
			}
		},
		Logger: d.logger.With("component", "events"),
	}
	d.logger.Info("reading AWS events", "queue", cfg.Events.QueueURL, "coalesce", cfg.Events.Coalesce.String())
	r.Loop(ctx)
}
