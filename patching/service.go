package patching

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/reconcile"
)

// Deps is what the service is given: see [reconcile.Deps].
type Deps = reconcile.Deps[Clients]

// Service is the patching service.
type Service struct {
	cfg     Config
	deps    Deps
	planner *Planner
	log     *slog.Logger

	mu sync.Mutex
	// lastErrors are the target errors of the last Apply reconcile, so an
	// account that cannot be reached is told once, not every run.
	lastErrors map[string]bool
	// toldProblems are the tag problems already told, so each is told
	// once (again after a restart, unless a state store keeps them).
	toldProblems map[string]bool
	// ro is the rollout as last saved, for when no state store keeps it.
	ro *Rollout
}

var _ reconcile.Service = (*Service)(nil)

// maxPasses bounds the observe–plan–act passes of one reconcile in one
// account and region; the reconcile's timeout bounds them first.
const maxPasses = 500

// New returns the patching service for cfg.
func New(cfg Config, deps Deps) (*Service, error) {
	p, err := NewPlanner(cfg, deps.Location)
	if err != nil {
		return nil, fmt.Errorf("compile patching configuration: %w", err)
	}
	if deps.Clients == nil {
		deps.Clients = NewClients
	}
	if deps.Sleep == nil {
		deps.Sleep = sleep
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, deps: deps, planner: p, log: log}, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Name is "patching".
func (s *Service) Name() string { return ServiceName }

// Schedule is the reconcile job's cron expression.
func (s *Service) Schedule() string { return s.cfg.Schedule }

// Timeout bounds one reconcile.
func (s *Service) Timeout() time.Duration { return s.cfg.Timeout }

// targetRun is one account and region's part of a reconcile.
type targetRun struct {
	target  accounts.Target
	clients Clients
	// final is the plan of the last pass.
	final *Plan
	// acted are the acts of every pass.
	acted []acted
}

// Reconcile observes every account and region as of req.Now, sends the
// scan and install commands that are due, wakes and puts back instances
// for windows that start stopped instances, and follows the commands it
// finds under way until they finish or the reconcile's time runs short.
// In Apply mode it then reports what finished (a scan alert, a report per
// patch run) and records in a tag on each instance that it was reported.
// In Plan mode it makes read-only calls only and tells no one.
//
// One account or region failing never stops the others; its failure is in
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
			s.tellErrors(ctx, res.Errors, &res)
		}
		return res
	}
	follow, cancel := s.followContext(ctx)
	defer cancel()
	var rolloutErrs reconcile.Result
	ro := s.rollout(ctx, targets, req, &rolloutErrs)

	runs, errs := accounts.Collect(ctx, s.deps.FanOut, ServiceName, targets, func(ctx context.Context, t accounts.Target) (*targetRun, error) {
		return s.reconcileTarget(ctx, follow, t, req, ro)
	})
	res.Errors = append(errs, rolloutErrs.Errors...)
	var ordered []*targetRun
	for _, tr := range runs {
		if tr != nil {
			ordered = append(ordered, tr)
			res.Actions = append(res.Actions, s.actions(tr, req.Mode)...)
		}
	}
	if req.Mode == reconcile.Apply {
		unreached := append([]error(nil), res.Errors...)
		s.report(ctx, ordered, &res)
		s.tellErrors(ctx, unreached, &res)
	}
	return res
}

// followContext bounds how long commands are followed: the reconcile's
// deadline (or the service's timeout), less a quarter of the time left,
// at most a minute, kept for reporting.
func (s *Service) followContext(ctx context.Context) (context.Context, context.CancelFunc) {
	left := s.cfg.Timeout
	if d, ok := ctx.Deadline(); ok {
		left = min(left, time.Until(d))
	}
	return context.WithTimeout(ctx, left-min(time.Minute, left/4))
}

// reconcileTarget observes, plans and, in Apply mode, acts in one account
// and region, pass after pass while a command it sent or found is under
// way, until follow ends. Its error is what could not be observed.
func (s *Service) reconcileTarget(ctx, follow context.Context, t accounts.Target, req reconcile.Request, ro *Rollout) (*targetRun, error) {
	c := s.deps.Clients(t.Config)
	tr := &targetRun{target: t, clients: c}
	ob := observer{c: c, p: s.planner, account: t.Account, region: t.Region}
	log := s.log.With("account", t.Account, "region", t.Region)
	act := &actor{c: c, log: log, now: req.Now, failed: map[string]bool{}}
	var known []Command
	for pass := 1; ; pass++ {
		o, err := ob.observe(ctx, req.Now, known)
		if err != nil {
			return tr, err
		}
		o.Rollout = ro
		pl := s.planner.Plan(o, req.Now)
		if ids := pl.missingStates(); len(ids) > 0 {
			if err := ob.readStates(ctx, o, ids); err != nil {
				return tr, err
			}
			pl = s.planner.Plan(o, req.Now)
		}
		tr.final = pl
		if req.Mode == reconcile.Plan {
			return tr, nil
		}
		done, sent, progressed := act.run(ctx, pl)
		tr.acted = append(tr.acted, done...)
		known = append(known, sent...)
		if !progressed && !waiting(pl) || pass >= maxPasses {
			return tr, nil
		}
		if err := s.deps.Sleep(follow, s.cfg.PollInterval); err != nil {
			log.InfoContext(ctx, "stopped following patching commands; the next reconcile takes over", "reason", err.Error())
			return tr, nil
		}
		if follow.Err() != nil {
			return tr, nil
		}
	}
}

// waiting reports whether an item of the plan waits on a command.
func waiting(pl *Plan) bool {
	for _, it := range pl.Items {
		if it.following() {
			return true
		}
	}
	return false
}

// actions are a target's actions: in Plan mode every item of the plan; in
// Apply mode every act carried out, then the last pass's other items.
func (s *Service) actions(tr *targetRun, mode reconcile.Mode) []reconcile.Action {
	if tr.final == nil {
		return nil
	}
	loc := s.deps.Location
	if loc == nil {
		loc = time.UTC
	}
	sendOf := func(it *Item) *Send {
		if it.Send >= 0 && it.Send < len(tr.final.Sends) {
			return tr.final.Sends[it.Send]
		}
		return nil
	}
	var out []reconcile.Action
	if mode == reconcile.Plan {
		for _, it := range tr.final.Items {
			out = append(out, it.action(mode, sendOf(it), nil, loc))
		}
		return out
	}
	for _, a := range tr.acted {
		out = append(out, a.item.action(mode, a.send, a.err, loc))
	}
	for _, it := range tr.final.Items {
		if !it.Verb.acts() {
			out = append(out, it.action(mode, nil, nil, loc))
		}
	}
	return out
}
