package daemon

import (
	"context"
	"errors"
	"time"

	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/scheduler"
	"github.com/opsd-dev/opsd/state"
	"github.com/opsd-dev/opsd/telemetry"
)

// Notification channels, as opsd_notifications_total names them.
const (
	channelSlack     = "slack"
	channelPagerDuty = "pagerduty"
	channelSNS       = "sns"
)

// countedNotifier counts each delivery to one channel and its failures.
type countedNotifier struct {
	notify.Notifier
	channel string
	metrics *telemetry.Metrics
}

// Notify delivers msg and counts the delivery.
func (c countedNotifier) Notify(ctx context.Context, msg notify.Message) error {
	err := c.Notifier.Notify(ctx, msg)
	c.metrics.Notification(ctx, c.channel, err)
	return err
}

// countedPager counts each page event sent to one channel and its
// failures.
type countedPager struct {
	notify.Pager
	channel string
	metrics *telemetry.Metrics
}

// Page sends ev and counts the delivery.
func (c countedPager) Page(ctx context.Context, ev notify.PageEvent) error {
	err := c.Pager.Page(ctx, ev)
	c.metrics.Notification(ctx, c.channel, err)
	return err
}

// countNotifier counts n's deliveries when it is Slack or SNS and m is
// set; the log is not a delivery.
func countNotifier(ctx context.Context, n notify.Notifier, m *telemetry.Metrics) notify.Notifier {
	if m == nil {
		return n
	}
	var channel string
	switch n.(type) {
	case *notify.Slack:
		channel = channelSlack
	case *notify.SNS:
		channel = channelSNS
	default:
		return n
	}
	m.NotificationChannel(ctx, channel)
	return countedNotifier{Notifier: n, channel: channel, metrics: m}
}

// countPagers counts each pager's page events when m is set.
func countPagers(ctx context.Context, pagers []notify.Pager, m *telemetry.Metrics) []notify.Pager {
	if m == nil {
		return pagers
	}
	out := make([]notify.Pager, 0, len(pagers))
	for _, p := range pagers {
		channel := channelSNS
		if _, ok := p.(*notify.PagerDuty); ok {
			channel = channelPagerDuty
		}
		m.NotificationChannel(ctx, channel)
		out = append(out, countedPager{Pager: p, channel: channel, metrics: m})
	}
	return out
}

// countedStore counts the state store's failed loads and saves; a write
// fenced because another replica leads is no failure.
type countedStore struct {
	state.Store
	metrics *telemetry.Metrics
}

// Load reads kind/key into v and counts a failure.
func (c countedStore) Load(ctx context.Context, kind, key string, v any) (bool, error) {
	found, err := c.Store.Load(ctx, kind, key, v)
	c.count(ctx, err)
	return found, err
}

// Save writes v as kind/key and counts a failure.
func (c countedStore) Save(ctx context.Context, kind, key string, v any) error {
	err := c.Store.Save(ctx, kind, key, v)
	c.count(ctx, err)
	return err
}

func (c countedStore) count(ctx context.Context, err error) {
	if err != nil && !errors.Is(err, state.ErrFenced) {
		c.metrics.StateErrors.Add(ctx, 1)
	}
}

// countStore counts store's failures when m is set.
func countStore(store state.Store, m *telemetry.Metrics) state.Store {
	if m == nil {
		return store
	}
	return countedStore{Store: store, metrics: m}
}

// recordSuccess records the end of each successful run of job as its
// last success: a run that returns no error is the scheduler's "ok".
func recordSuccess(job scheduler.Job, m *telemetry.Metrics, now func() time.Time) scheduler.Job {
	if m == nil {
		return job
	}
	run := job.Run
	job.Run = func(ctx context.Context) (map[string]int, error) {
		counts, err := run(ctx)
		if err == nil {
			m.JobSucceeded(ctx, job.Name, now())
		}
		return counts, err
	}
	return job
}

// seedLastSuccess records, for each of jobs, the end of its last ok run
// in runner's history (restored from the state store), so a restarted
// daemon reports when its jobs last succeeded before it started.
func seedLastSuccess(ctx context.Context, runner *scheduler.Runner, jobs []string, m *telemetry.Metrics) {
	if m == nil {
		return
	}
	for _, job := range jobs {
		runs := runner.History(job)
		for i := len(runs) - 1; i >= 0; i-- {
			if runs[i].Outcome == scheduler.OutcomeOK {
				m.JobSucceeded(ctx, job, runs[i].End)
				break
			}
		}
	}
}

// awsOutcomes counts each AWS request in m, or is nil without m.
func awsOutcomes(m *telemetry.Metrics) func(ctx context.Context, service, operation, outcome string) {
	if m == nil {
		return nil
	}
	return m.AWSCall
}
