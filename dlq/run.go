package dlq

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
)

// watcher watches, and in Apply mode archives, the dead-letter queues of
// one account and region in one reconcile.
type watcher struct {
	s    *Service
	c    Clients
	mode reconcile.Mode
	now  time.Time
	gate bucketGate
}

// bucketGate checks the archive bucket once per account and region and
// run, when it is first needed.
type bucketGate struct {
	once sync.Once
	err  error
}

func (g *bucketGate) check(ctx context.Context, c S3API, bucket string) error {
	g.once.Do(func() { g.err = checkBucket(ctx, c, bucket) })
	return g.err
}

// Age sources, for messages and listings.
const (
	ageFromCloudWatch = "cloudwatch"
	ageFromArchiver   = "archiver"
)

// queueRun is one dead-letter queue's reconcile: what was observed, what
// was decided and what archiving did.
type queueRun struct {
	q    Queue
	now  time.Time
	gone bool

	// receivedAt and hiddenUntil are opsd's record, as the run began, of
	// a receive whose messages may still be hidden (zero for none): what
	// the queue's in-flight messages are put down to.
	receivedAt, hiddenUntil time.Time

	depth     depth
	age       time.Duration
	ageSource string // "" when the age is unknown
	alarm     AlarmStatus
	alarmRead bool

	arrivals  int64
	firstLook bool
	alert     bool
	alertErr  error

	remind          bool
	remindErr       error
	prevReminded    time.Time
	unreviewedSince time.Time

	// scan says archiving was due (Apply: it ran; Plan: it would run).
	scan       bool
	outcome    archiveOutcome
	archiveErr error
	dueSeen    int

	mem memory
}

// ageKnown reports whether the oldest message's age is known.
func (r *queueRun) ageKnown() bool { return r.ageSource != "" }

// queue watches one dead-letter queue and, in Apply mode, archives what
// is due. Its error is what could not be read; a queue deleted since
// discovery comes back with gone set.
func (w *watcher) queue(ctx context.Context, q Queue) (*queueRun, error) {
	r := &queueRun{q: q, now: w.now}
	d, err := readDepth(ctx, w.c.SQS, q)
	if err != nil {
		if queueGone(err) {
			r.gone = true
			return r, nil
		}
		return nil, err
	}
	r.depth = d
	var errs []error
	cwAge, cwKnown := time.Duration(0), false
	if d.total() > 0 {
		cwAge, cwKnown, err = oldestAge(ctx, w.c.CloudWatch, q, w.now)
		errs = append(errs, err)
		r.alarm, err = alarmStatus(ctx, w.c.CloudWatch, q)
		r.alarmRead = err == nil
		errs = append(errs, err)
	}
	m := w.s.memoryOf(q)
	if !m.holding(w.now) {
		m.ReceivedAt, m.HiddenUntil = time.Time{}, time.Time{}
	}
	r.receivedAt, r.hiddenUntil = m.ReceivedAt, m.HiddenUntil
	r.prevReminded = m.RemindedAt
	n, first, m := m.arrivals(d.total(), w.now)
	r.firstLook = first
	m = w.archive(ctx, r, m, &n)
	if cwKnown {
		r.age, r.ageSource = cwAge, ageFromCloudWatch
	} else if d.total() > 0 && !m.OldestSent.IsZero() {
		r.age, r.ageSource = max(w.now.Sub(m.OldestSent), 0), ageFromArchiver
	}
	r.arrivals = n
	r.alert, m = m.burst(n, w.now, w.s.cfg.BurstGap)
	if m.Untold && d.total() > 0 {
		r.alert = true
	}
	m.Untold = false
	r.remind, r.unreviewedSince, m = m.remind(q, d.total(), cwAge, cwKnown, w.now, w.s.cfg.RemindAfter)
	if r.alert {
		// The alert says it all; it counts as this period's reminder.
		r.remind = false
	}
	r.mem = m
	return r, errors.Join(errs...)
}

// archive runs the archiver on the queue when a scan is due (Apply), or
// notes that it would (Plan), and returns the memory updated. With
// ArchiveOnArrival the messages archived count as arrivals (n), since
// SQS's counts may not show them before they are gone.
func (w *watcher) archive(ctx context.Context, r *queueRun, m memory, n *int64) memory {
	a := w.s.cfg.Archive
	if !a.archiving() || !m.scanDue(r.depth.Visible, a.When, a.ScanInterval, w.now) {
		return m
	}
	r.scan = true
	r.dueSeen = m.DueSeen
	if r.archiveErr = w.gate.check(ctx, w.c.S3, a.Bucket); r.archiveErr != nil || w.mode != reconcile.Apply {
		return m
	}
	ar := &archiver{sqs: w.c.SQS, s3: w.c.S3, cfg: a, q: r.q, retention: r.depth.Retention, now: w.now,
		log: w.s.log.With("account", r.q.Account, "region", r.q.Region)}
	m.ReceivedAt, m.HiddenUntil = w.now, w.now.Add(w.s.receiveWindow(ctx)+a.VisibilityTimeout)
	w.s.noteReceiving(ctx, r.q, m.ReceivedAt, m.HiddenUntil)
	r.outcome = ar.scan(ctx, r.depth.Visible)
	w.s.logScan(ctx, r)
	if r.outcome.Hidden == 0 && !r.outcome.ReceiveFailed && ctx.Err() == nil {
		// Every message received was deleted or made visible again.
		m.ReceivedAt, m.HiddenUntil = time.Time{}, time.Time{}
	}
	m = m.scanned(r.outcome, r.depth.InFlight, w.now).deleted(int64(r.outcome.Deleted), w.now)
	if a.When == ArchiveOnArrival && int64(r.outcome.Archived) > *n {
		*n = int64(r.outcome.Archived)
		m.NewestArrival = w.now
	}
	return m
}

func (s *Service) logScan(ctx context.Context, r *queueRun) {
	o := r.outcome
	attrs := []any{"account", r.q.Account, "region", r.q.Region, "queue", r.q.Name,
		"received", o.Received, "due", o.Due, "archived", o.Archived, "already_archived", o.AlreadyArchived,
		"deleted", o.Deleted, "released", o.Held, "kept", o.Kept, "complete", o.Complete}
	if err := o.Err(); err != nil {
		s.log.WarnContext(ctx, "dlq archive problems", append(attrs, "error", err.Error())...)
		return
	}
	s.log.InfoContext(ctx, "dlq archive scan", attrs...)
}
