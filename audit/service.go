package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Deps is what the service is given: see [reconcile.Deps].
type Deps = reconcile.Deps[Clients]

// Service is the production readiness assessment.
type Service struct {
	cfg    Config
	deps   Deps
	rules  *Rules
	checks []Check
	log    *slog.Logger

	mu     sync.Mutex
	latest *Report
	// loaded is set once the latest report was looked for in Deps.State.
	loaded bool
	// failed is the last Apply assessment that could not be made, when it
	// is newer than latest.
	failed *Failure
}

// Failure is an assessment that could not be made: when, and why.
type Failure struct {
	At     time.Time
	Errors []string
}

var _ reconcile.Service = (*Service)(nil)

// New returns the audit service for cfg.
func New(cfg Config, deps Deps) (*Service, error) {
	if errs := cfg.Validate(ServiceName); len(errs) > 0 {
		return nil, fmt.Errorf("audit configuration: %w", errors.Join(errs...))
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
	return &Service{cfg: cfg, deps: deps, rules: newRules(cfg), checks: enabledChecks(cfg), log: log}, nil
}

// Name is "audit".
func (s *Service) Name() string { return ServiceName }

// Schedule is the assessment job's cron expression.
func (s *Service) Schedule() string { return s.cfg.Schedule }

// Timeout bounds one assessment.
func (s *Service) Timeout() time.Duration { return s.cfg.Timeout }

// LastFailure returns the last Apply assessment that could not be made,
// when none has succeeded since.
func (s *Service) LastFailure() (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == nil {
		return Failure{}, false
	}
	return *s.failed, true
}

// Latest returns the report of the last Apply reconcile, or nil before
// the first.
func (s *Service) Latest() *Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loadState(context.Background())
	return s.latest
}

// Assess collects every account and region's resources and judges them
// against the checklist, as of now. It makes read-only calls only. The
// errors are the collectors that failed, each naming its account, region
// and the call; what they would have listed is in the report's gaps. The
// report is nil only when the targets cannot be listed.
func (s *Service) Assess(ctx context.Context, now time.Time) (*Report, []error) {
	targets, err := accounts.ListTargets(ctx, s.deps.Targets)
	if err != nil {
		return nil, []error{err}
	}
	type result struct {
		findings []Finding
		gaps     []Gap
		errs     []error
	}
	results, targetErrs := accounts.Collect(ctx, s.deps.FanOut, ServiceName, targets, func(ctx context.Context, t accounts.Target) (result, error) {
		c := s.deps.Clients(t.Config)
		if m := s.monitorCoverage(t, now); m != nil {
			c.MonitorCoverage = m
		}
		inv := collect(ctx, c, t, s.cfg.Concurrency, s.cfg.RestoreTests.since(now))
		rules := *s.rules
		rules.Now = now
		fs, gs := evaluate(s.checks, &rules, inv)
		return result{findings: fs, gaps: gs, errs: collectorErrors(t, inv)}, nil
	})
	var findings []Finding
	var allGaps []Gap
	var errs []error
	for _, res := range results {
		findings = append(findings, res.findings...)
		allGaps = append(allGaps, res.gaps...)
		errs = append(errs, res.errs...)
	}
	for _, err := range targetErrs {
		var te *accounts.TargetError
		if errors.As(err, &te) {
			allGaps = append(allGaps, Gap{Account: te.Target.Account, Region: te.Target.Region, Checks: checkIDsOf(s.checks), Error: te.Err.Error()})
		}
		errs = append(errs, err)
	}
	for _, err := range errs {
		s.log.WarnContext(ctx, "audit could not read part of the estate", "error", err.Error())
	}
	return buildReport(now.In(s.deps.Location), infos(s.checks), findings, allGaps), errs
}

// collectorErrors returns the failures of a target's collectors, one per
// collector, or one for the target when every collector failed (its
// credentials, usually).
func collectorErrors(t accounts.Target, inv *Inventory) []error {
	var out []error
	for _, col := range collectors() {
		if err := inv.failed(col.source); err != nil {
			out = append(out, &accounts.TargetError{Target: t, Err: fmt.Errorf("assess %s: %w", col.source, err)})
		}
	}
	if n := ranCollectors(inv); len(out) == n && n > 1 {
		return []error{&accounts.TargetError{Target: t, Err: fmt.Errorf("assess: every collector failed: %w", inv.failed(SourceNetwork))}}
	}
	return out
}

func checkIDsOf(checks []Check) []string {
	ids := make([]string, len(checks))
	for i, c := range checks {
		ids[i] = c.ID
	}
	return ids
}

// Reconcile assesses every application as of req.Now. In Plan mode it
// returns one Reported action per failing finding and tells no one. In
// Apply mode it also keeps the report as the latest (served at /report)
// and sends the Slack summary: per application, its score and what
// changed since the previous report, new failures first.
func (s *Service) Reconcile(ctx context.Context, req reconcile.Request) reconcile.Result {
	res := reconcile.Result{Service: ServiceName}
	rep, errs := s.Assess(ctx, req.Now)
	res.Errors = errs
	if rep == nil {
		if req.Mode == reconcile.Apply {
			f := &Failure{At: req.Now}
			for _, err := range errs {
				f.Errors = append(f.Errors, err.Error())
			}
			s.mu.Lock()
			s.failed = f
			s.mu.Unlock()
			s.send(ctx, req, notAssessed(errs), &res)
		}
		return res
	}
	for _, f := range rep.Failures() {
		res.Actions = append(res.Actions, action(rep, f))
	}
	if req.Mode != reconcile.Apply {
		return res
	}
	s.mu.Lock()
	s.loadState(ctx)
	prev := s.latest
	s.latest, s.failed = rep, nil
	s.mu.Unlock()
	s.saveState(ctx, rep)
	s.send(ctx, req, summarize(prev, rep, s.cfg.ReportURL), &res)
	return res
}

// send delivers msg; a failure to deliver it is added to res.Errors.
func (s *Service) send(ctx context.Context, req reconcile.Request, msg notify.Message, res *reconcile.Result) {
	if s.deps.Notifier == nil {
		return
	}
	if err := s.deps.Notifier.Notify(ctx, msg); err != nil {
		s.log.ErrorContext(ctx, "send audit summary", "error", err)
		res.Errors = append(res.Errors, fmt.Errorf("send audit summary for %s: %w", req.Now.UTC().Format(time.RFC3339), err))
	}
}

// action is a failing finding as a reconcile action.
func action(rep *Report, f Finding) reconcile.Action {
	d := map[string]string{
		"application": f.Application,
		"pillar":      string(f.Pillar),
		"check":       rep.checkTitle(f.Check),
		"kind":        string(f.Kind),
	}
	if f.Name != "" {
		d["name"] = f.Name
	}
	if f.ARN != "" {
		d["arn"] = f.ARN
	}
	if f.Environment != "" {
		d["environment"] = f.Environment
	}
	if f.Platform != "" {
		delete(d, "application")
		d["platform"] = f.Platform
	}
	return reconcile.Action{
		Service:  ServiceName,
		Account:  f.Account,
		Region:   f.Region,
		Resource: f.Resource,
		Action:   f.Check,
		Reason:   f.Reason,
		Status:   reconcile.Reported,
		Details:  d,
	}
}
