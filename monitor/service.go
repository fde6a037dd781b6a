package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/awsenv"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/reconcile"
)

// Deps is what the service is given: see [reconcile.Deps].
type Deps = reconcile.Deps[Clients]

// Service is the monitoring service.
type Service struct {
	cfg     Config
	deps    Deps
	planner *Planner
	log     *slog.Logger

	mu sync.Mutex
	// lastErrors and lastFailures are the target errors and failed
	// changes of the last Apply reconcile, so a failure that repeats is
	// told once, not every run.
	lastErrors   map[string]bool
	lastFailures map[string]bool
	// coverage is the last reconcile's coverage.
	coverage []Coverage
}

var _ reconcile.Service = (*Service)(nil)

// New returns the monitor service for cfg.
func New(cfg Config, deps Deps) (*Service, error) {
	if errs := cfg.Validate(ServiceName); len(errs) > 0 {
		return nil, fmt.Errorf("invalid monitor configuration: %w", errors.Join(errs...))
	}
	if deps.Clients == nil {
		deps.Clients = NewClients
	}
	if deps.Location == nil {
		deps.Location = time.UTC
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, deps: deps, planner: NewPlanner(cfg), log: log}, nil
}

// Name is "monitor".
func (s *Service) Name() string { return ServiceName }

// Schedule is the reconcile job's cron expression.
func (s *Service) Schedule() string { return s.cfg.Schedule }

// Timeout bounds one reconcile.
func (s *Service) Timeout() time.Duration { return s.cfg.Timeout }

// targetResult is what one account and region's reconcile planned and did.
type targetResult struct {
	account, region string
	changes         []*Change
	coverage        []Coverage
}

// Reconcile observes every account and region, plans and, in Apply mode,
// carries the plan out and sends one summary when anything changed or
// newly failed. In Plan mode it makes read-only calls only and tells no
// one: every change is Planned, every finding Reported. Each account,
// region and application's coverage is a row that changes nothing
// (action none, Planned; see [CoverageOfAction]).
//
// One account or region failing never stops the others; what could not be
// read is in Result.Errors, naming the account and region, and what was
// read is still planned on (deleting nothing on the strength of a
// partial read).
func (s *Service) Reconcile(ctx context.Context, req reconcile.Request) reconcile.Result {
	res := reconcile.Result{Service: ServiceName}
	targets, err := accounts.ListTargets(ctx, s.deps.Targets)
	if err != nil {
		res.Errors = []error{err}
		if req.Mode == reconcile.Apply && s.deps.Targets != nil {
			s.notify(ctx, req, nil, res.Errors, &res)
		}
		return res
	}
	byTarget, errs := accounts.Collect(ctx, s.deps.FanOut, ServiceName, targets, func(ctx context.Context, t accounts.Target) (*targetResult, error) {
		tr, err := s.reconcileTarget(ctx, t, req.Mode, req.Now)
		return &tr, err
	})
	res.Errors = errs
	var all []targetResult
	for _, tr := range byTarget {
		if tr != nil { // nil: the target was never started
			all = append(all, *tr)
		}
	}
	var cov []Coverage
	for _, tr := range all {
		for _, c := range tr.changes {
			res.Actions = append(res.Actions, c.action(req.Mode, tr.account, tr.region))
		}
		for _, c := range tr.coverage {
			res.Actions = append(res.Actions, c.action())
		}
		cov = append(cov, tr.coverage...)
	}
	s.mu.Lock()
	s.coverage = cov
	s.mu.Unlock()
	if req.Mode == reconcile.Apply {
		s.notify(ctx, req, all, res.Errors, &res)
	}
	return res
}

// reconcileTarget observes, plans and, in Apply mode, acts in one account
// and region. Its error is what could not be observed; what was observed
// is still planned and acted on.
func (s *Service) reconcileTarget(ctx context.Context, t accounts.Target, mode reconcile.Mode, now time.Time) (targetResult, error) {
	c := s.deps.Clients(t.Config)
	ob := observer{c: c, cfg: s.cfg, target: t}
	obs, err := ob.observe(ctx)
	obs.Now, obs.Location = now, s.deps.Location
	err = errors.Join(err, ob.observeAgent(ctx, obs, now, nil))
	pl, changes := s.planner.plan(obs)
	if mode == reconcile.Apply {
		a := actor{c: c, cfg: s.cfg, log: s.log.With("account", t.Account, "region", t.Region)}
		sent := a.run(ctx, changes)
		changes = append(changes, s.follow(ctx, a, ob, obs, sent)...)
	}
	cov := measureCoverage(t.Account, t.Region, obs, pl.expectations(), pl.agent, changes, s.cfg.Tags.Application)
	return targetResult{account: t.Account, region: t.Region, changes: changes, coverage: cov}, err
}

// Coverage returns the coverage the last reconcile measured (Plan or
// Apply), per account, region and application: instances in scope, with
// the CloudWatch agent reporting, with every alarm they should have, and
// why not. A Plan reconcile measures it read-only, as opsd audit does.
func (s *Service) Coverage() []Coverage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.coverage)
}

// notify sends the summary of an Apply reconcile when it has something to
// say; a failure to deliver it is added to res.Errors.
func (s *Service) notify(ctx context.Context, req reconcile.Request, all []targetResult, errs []error, res *reconcile.Result) {
	newErrs, freshFailures := s.remember(all, errs)
	msg, ok := summarize(all, errs, newErrs, freshFailures)
	if !ok || s.deps.Notifier == nil {
		return
	}
	if err := s.deps.Notifier.Notify(ctx, msg); err != nil {
		s.log.ErrorContext(ctx, "send monitor summary", "error", err)
		res.Errors = append(res.Errors, fmt.Errorf("send monitor summary for %s: %w", req.Now.In(s.deps.Location).Format(time.RFC3339), err))
	}
}

// remember returns how many of errs and of the failed changes were not
// already failing in the last Apply reconcile, and remembers them for the
// next.
func (s *Service) remember(all []targetResult, errs []error) (newErrs int, freshFailures bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	nowErrs := make(map[string]bool, len(errs))
	for _, err := range errs {
		k := errorKey(err)
		nowErrs[k] = true
		if !s.lastErrors[k] {
			newErrs++
		}
	}
	nowFailures := map[string]bool{}
	for _, tr := range all {
		for _, c := range tr.changes {
			if c.err == nil {
				continue
			}
			k := tr.account + "/" + tr.region + " " + c.ActionName() + " " + c.Name + ": " + awsenv.ErrorText(c.err)
			nowFailures[k] = true
			freshFailures = freshFailures || !s.lastFailures[k]
		}
	}
	s.lastErrors, s.lastFailures = nowErrs, nowFailures
	return newErrs, freshFailures
}

// errorKey identifies a target's failure across reconciles: its account,
// region and AWS error code and message, without request ids.
func errorKey(err error) string {
	var te *accounts.TargetError
	if errors.As(err, &te) {
		return te.Target.String() + " " + awsenv.ErrorText(te.Err)
	}
	return awsenv.ErrorText(err)
}
