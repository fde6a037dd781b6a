package dlq

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/reconcile"
)

// queueWorkers bounds the queues of one account and region watched and
// archived at once. Each receives at most 10 messages per call, so one
// account's archive rate is about queueWorkers × 10 per round trip: 16
// keeps a burst across many queues above 2,000 messages a second at
// 30 ms per call, within SQS's request rates.
const queueWorkers = 16

// Deps is what the service is given: see [reconcile.Deps].
type Deps = reconcile.Deps[Clients]

// Service is the dead-letter queue service.
type Service struct {
	cfg  Config
	deps Deps
	log  *slog.Logger
	loc  *time.Location

	mu sync.Mutex
	// mem is each queue's memory, by Queue.key.
	mem map[string]memory
	// found is each target's last complete discovery, by target.
	found map[string]foundQueues
	// told are the problems already told, so each is told once.
	told map[string]bool
	// noted counts the receipts noted in mem (noteReceiving).
	noted uint64

	// saveMu orders the writes of the state; savedNote is the last
	// receipt noted that a write holds.
	saveMu    sync.Mutex
	savedNote uint64
}

// foundQueues is one target's discovery and when it was made.
type foundQueues struct {
	at time.Time
	d  discovery
}

var _ reconcile.Service = (*Service)(nil)

// New returns the dlq service for cfg, which must have passed
// [Config.Validate].
func New(cfg Config, deps Deps) (*Service, error) {
	if errs := cfg.Validate(ServiceName); len(errs) > 0 {
		return nil, fmt.Errorf("dlq configuration: %w", errors.Join(errs...))
	}
	if deps.Clients == nil {
		deps.Clients = NewClients
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	loc := deps.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Service{cfg: cfg, deps: deps, log: log, loc: loc,
		mem: map[string]memory{}, found: map[string]foundQueues{}, told: map[string]bool{}}, nil
}

// Name is "dlq".
func (s *Service) Name() string { return ServiceName }

// Schedule is the reconcile job's cron expression.
func (s *Service) Schedule() string { return s.cfg.Schedule }

// Timeout bounds one reconcile.
func (s *Service) Timeout() time.Duration { return s.cfg.Timeout }

// Reconcile finds the dead-letter queues of every account and region,
// reads their depth, and in Apply mode archives what is due, alerts on
// new bursts of arrivals and reminds of unreviewed messages. In Plan mode
// it makes read-only calls only (no message is received: receiving hides
// messages), tells no one and reports what it would do.
//
// Actions: per dead-letter queue a Reported "watch" (depth, age, alarm),
// and when there is something to do an "alert", "remind" or "archive"
// (Planned in Plan mode; Done or Failed in Apply mode). One account or
// region failing never stops the others; its failure is in
// Result.Errors.
func (s *Service) Reconcile(ctx context.Context, req reconcile.Request) reconcile.Result {
	res := reconcile.Result{Service: ServiceName}
	s.loadState(ctx)
	if req.Mode == reconcile.Apply {
		defer s.saveState(context.WithoutCancel(ctx))
	}
	targets, err := accounts.ListTargets(ctx, s.deps.Targets)
	if err != nil {
		res.Errors = []error{err}
		if req.Mode == reconcile.Apply && s.deps.Targets != nil {
			s.tellProblems(ctx, nil, res.Errors, &res)
		}
		return res
	}
	byTarget, errs := accounts.Collect(ctx, s.deps.FanOut, ServiceName, targets, func(ctx context.Context, t accounts.Target) (targetRun, error) {
		return s.reconcileTarget(ctx, t, req)
	})
	res.Errors = errs
	var runs []*queueRun
	var extra []reconcile.Action
	for _, tr := range byTarget {
		runs = append(runs, tr.runs...)
		extra = append(extra, tr.extra...)
	}
	slices.SortFunc(runs, func(a, b *queueRun) int { return strings.Compare(a.q.key(), b.q.key()) })
	if req.Mode == reconcile.Apply {
		s.tellArrivals(ctx, req.Now, runs)
		s.tellReminders(ctx, req.Now, runs)
		s.commit(runs)
		s.tellProblems(ctx, runs, res.Errors, &res)
	}
	for _, r := range runs {
		res.Actions = append(res.Actions, r.actions(req.Mode, s.cfg, s.loc)...)
	}
	res.Actions = append(res.Actions, extra...)
	return res
}

// targetRun is what one account and region's reconcile produced.
type targetRun struct {
	runs  []*queueRun
	extra []reconcile.Action
}

// reconcileTarget discovers, watches and (Apply) archives in one account
// and region. Its error is what could not be read; the queues that could
// are still reported on.
func (s *Service) reconcileTarget(ctx context.Context, t accounts.Target, req reconcile.Request) (targetRun, error) {
	c := s.clients(t)
	var tr targetRun
	d, derr := s.discover(ctx, t, c.SQS, req.Now)
	for _, arn := range d.Missing {
		tr.extra = append(tr.extra, reconcile.Action{
			Service: ServiceName, Account: t.Account, Region: t.Region, Resource: arn,
			Action: "discover", Status: reconcile.Reported,
			Reason: "dlq.queues names this queue, but there is no such queue",
		})
	}
	w := &watcher{s: s, c: c, mode: req.Mode, now: req.Now}
	tr.runs = make([]*queueRun, len(d.Queues))
	errs := make([]error, len(d.Queues))
	forEach(ctx, queueWorkers, len(d.Queues), func(i int) {
		tr.runs[i], errs[i] = w.queue(ctx, d.Queues[i])
	})
	var kept []*queueRun
	for _, r := range tr.runs {
		if r != nil && !r.gone {
			kept = append(kept, r)
		}
		if r != nil && r.gone {
			s.forget(t)
		}
	}
	tr.runs = kept
	if err := ctx.Err(); err != nil && len(d.Queues) > 0 {
		errs = append(errs, fmt.Errorf("watch dead-letter queues: %w", err))
	}
	return tr, errors.Join(append([]error{derr}, errs...)...)
}

// clients returns the target's clients; S3 in the archive bucket's
// region when one is configured.
func (s *Service) clients(t accounts.Target) Clients {
	c := s.deps.Clients(t.Config)
	if r := s.cfg.Archive.Region; r != "" && r != t.Config.Region {
		cfg := t.Config.Copy()
		cfg.Region = r
		c.S3 = s.deps.Clients(cfg).S3
	}
	return c
}

// discover returns the target's dead-letter queues: the last discovery
// when it is younger than DiscoveryInterval, else a new one.
func (s *Service) discover(ctx context.Context, t accounts.Target, c SQSAPI, now time.Time) (discovery, error) {
	key := t.String()
	s.mu.Lock()
	f, ok := s.found[key]
	s.mu.Unlock()
	if ok && !now.Before(f.at) && now.Sub(f.at) < s.cfg.DiscoveryInterval {
		return f.d, nil
	}
	d, err := discoverer{
		sqs: c, account: t.Account, region: t.Region,
		tagKey: s.cfg.Tag, reviewTag: s.cfg.ReviewTag, owner: s.cfg.OwnerTags,
		include: newQueueRefs(s.cfg.Queues), exclude: newQueueRefs(s.cfg.Exclude),
	}.discover(ctx)
	if err == nil {
		s.mu.Lock()
		s.found[key] = foundQueues{at: now, d: d}
		s.mu.Unlock()
	}
	return d, err
}

// forget drops a target's discovery, so the next run discovers again.
func (s *Service) forget(t accounts.Target) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.found, t.String())
}

// memoryOf returns a copy of a queue's memory.
func (s *Service) memoryOf(q Queue) memory {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mem[q.key()]
}

// commit keeps the memories an Apply reconcile computed. An alert or a
// reminder that could not be sent is kept owing, so the next run sends
// it.
func (s *Service) commit(runs []*queueRun) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range runs {
		m := r.mem
		if r.alert && r.alertErr != nil {
			m.Untold = true
		}
		if r.remind && r.remindErr != nil {
			m.RemindedAt = r.prevReminded
		}
		s.mem[r.q.key()] = m
	}
}
