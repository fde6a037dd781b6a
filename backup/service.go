package backup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/configkey"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Deps is what the service is given: see [reconcile.Deps].
type Deps = reconcile.Deps[Clients]

// Service is the backup enforcement service.
type Service struct {
	cfg   Config
	deps  Deps
	log   *slog.Logger
	specs []policySpec
	audit auditor
	mem   *memory

	// clock times restore probes; time.Now unless a test sets it.
	clock func() time.Time

	mu sync.Mutex
	// evidence is restore testing's evidence from the last reconcile.
	evidence []Evidence
	// lastErrors are the target errors of the last Apply reconcile, so an
	// account that cannot be reached is told once, not every run.
	lastErrors map[string]bool
}

var _ reconcile.Service = (*Service)(nil)

// New returns the backup service for cfg, which must be valid.
func New(cfg Config, deps Deps) (*Service, error) {
	if errs := cfg.Validate(ServiceName); len(errs) > 0 {
		return nil, fmt.Errorf("backup configuration: %w", errors.Join(errs...))
	}
	var specs []policySpec
	var names []string
	for _, name := range policyNames(cfg.Policies) {
		ps, err := compilePolicy(cfg, name, cfg.Policies[name])
		if err != nil {
			return nil, configkey.Errorf(ServiceName+".policies."+name, "%w", err)
		}
		specs = append(specs, ps)
		names = append(names, name)
	}
	if deps.Clients == nil {
		deps.Clients = NewClients
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		cfg:   cfg,
		deps:  deps,
		log:   log,
		specs: specs,
		audit: auditor{keys: cfg.Tags, policies: names, exempt: cfg.Audit.ExemptValues, production: cfg.ProductionEnvironments},
		mem:   newMemory(),
		clock: time.Now,
	}, nil
}

// Name is "backup".
func (s *Service) Name() string { return ServiceName }

// Schedule is the reconcile job's cron expression.
func (s *Service) Schedule() string { return s.cfg.Schedule }

// Timeout bounds one reconcile.
func (s *Service) Timeout() time.Duration { return s.cfg.Timeout }

// Reconcile observes every account and region as of req.Now: each
// policy's vault, lock, plan and selection against the desired state, the
// data stores for the audit and PITR, and backup jobs and freshness. In
// Apply mode it makes the automatic fixes and sends its messages (see
// summary.go); in Plan mode it makes read-only calls only and tells no one.
//
// The actions are one per difference (Planned, then Done or Failed; a
// difference opsd never fixes itself is Reported), one per table whose
// PITR is enabled, and one Reported per audit finding, failed backup job
// and stale backup. One account or region failing never stops the others;
// its failure is in Result.Errors.
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
			s.notify(ctx, req, nil, res.Errors, &res)
		}
		return res
	}
	byTarget, errs := accounts.Collect(ctx, s.deps.FanOut, ServiceName, targets, func(ctx context.Context, t accounts.Target) (*targetRun, error) {
		return s.reconcileTarget(ctx, t, req)
	})
	res.Errors = errs
	var runs []*targetRun
	for _, r := range byTarget {
		if r != nil {
			runs = append(runs, r)
			res.Actions = append(res.Actions, r.actions(req.Mode, s.cfg.Tags, req.Now)...)
		}
	}
	s.keepEvidence(runs)
	if req.Mode == reconcile.Apply {
		s.logOutcomes(ctx, res.Actions)
		s.notify(ctx, req, runs, res.Errors, &res)
	}
	return res
}

// reconcileTarget observes, decides and, in Apply mode, acts in one
// account and region. Its error is what could not be observed or
// decided; everything else is still done.
func (s *Service) reconcileTarget(ctx context.Context, t accounts.Target, req reconcile.Request) (*targetRun, error) {
	c := s.deps.Clients(t.Config)
	run := &targetRun{t: t}
	var act *actor
	if req.Mode == reconcile.Apply {
		act = &actor{c: c, now: req.Now, log: s.log.With("account", t.Account, "region", t.Region)}
	}
	var errs []error
	if err := s.enforce(ctx, c, run, req.Now, act); err != nil {
		errs = append(errs, err)
	}
	stores, err := storeObserver{c: c, account: t.Account, region: t.Region}.observe(ctx)
	storesComplete := err == nil
	if err != nil {
		errs = append(errs, err)
	}
	if err := s.checkPITR(ctx, c, run, stores, act); err != nil {
		errs = append(errs, err)
		storesComplete = false
	}
	if s.cfg.Audit.Enabled {
		run.findings = append(s.audit.tagFindings(stores), run.findings...)
		sortFindings(run.findings)
	}
	run.auditComplete = storesComplete
	if s.cfg.RestoreTesting.Enabled && c.RestoreTesting != nil {
		if err := s.restoreTesting(ctx, c, run, stores, storesComplete, req); err != nil {
			errs = append(errs, err)
		}
	}
	if s.cfg.Health.Enabled {
		if err := s.health(ctx, c, run, stores, storesComplete, req); err != nil {
			errs = append(errs, err)
		}
	}
	return run, errors.Join(errs...)
}

// enforce compares each policy's desired and observed state and, in Apply
// mode (act not nil), makes the fixes.
func (s *Service) enforce(ctx context.Context, c Clients, run *targetRun, now time.Time, act *actor) error {
	ob := backupObserver{api: c.Backup, managedTag: s.cfg.ManagedTag}
	plans, err := ob.plansByName(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, ps := range s.specs {
		pr := &policyRun{desired: ps.desired(run.t.Account, run.t.Region)}
		o, err := ob.observe(ctx, pr.desired, plans)
		if err != nil {
			errs = append(errs, fmt.Errorf("policy %s: %w", ps.name, err))
			continue
		}
		pr.observed = o
		pr.diffs = Compare(pr.desired, o, now)
		pr.fixes, err = BuildFixes(pr.desired, o, pr.diffs, fixOptions{managedTag: s.cfg.ManagedTag, now: now})
		if err != nil {
			errs = append(errs, fmt.Errorf("policy %s: %w", ps.name, err))
			continue
		}
		run.policies = append(run.policies, pr)
		if act != nil {
			act.enforce(ctx, pr)
		}
	}
	return errors.Join(errs...)
}

// checkPITR reads point-in-time recovery of production tables and, by the
// configured mode, enables it (in Apply mode) or reports it.
func (s *Service) checkPITR(ctx context.Context, c Clients, run *targetRun, stores []Store, act *actor) error {
	mode := strings.ToLower(s.cfg.Audit.PITR)
	if mode == PITROff {
		return nil
	}
	ob := storeObserver{c: c, account: run.t.Account, region: run.t.Region}
	var errs []error
	for i := range stores {
		if !s.audit.needsPITRCheck(stores[i]) {
			continue
		}
		on, err := ob.pitr(ctx, stores[i].ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		stores[i].PITR = aws.Bool(on)
	}
	for _, f := range s.audit.pitrFindings(stores) {
		if mode != PITREnable {
			run.findings = append(run.findings, f)
			continue
		}
		t := &pitrTask{store: f.Store, reason: fmt.Sprintf("production table (%s=%s) without point-in-time recovery",
			s.cfg.Tags.Environment, f.Store.Tags[s.cfg.Tags.Environment])}
		run.pitr = append(run.pitr, t)
		if act != nil {
			act.enablePITR(ctx, t)
		}
	}
	return errors.Join(errs...)
}

// health lists failed backup jobs and decides which backups are stale.
func (s *Service) health(ctx context.Context, c Clients, run *targetRun, stores []Store, storesComplete bool, req reconcile.Request) error {
	ho := healthObserver{api: c.Backup}
	var errs []error
	run.jobsSince = s.mem.since(run.t.String(), req.Now, s.cfg.Health.Lookback)
	jobs, err := ho.jobs(ctx, run.jobsSince)
	run.jobs = jobs
	run.jobsListed = err == nil
	run.jobStores = make(map[string]Store, len(stores))
	for _, st := range stores {
		if st.ARN != "" {
			run.jobStores[st.ARN] = st
		}
	}
	if err != nil {
		errs = append(errs, err)
	}
	last, err := ho.lastBackups(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	f := freshness{a: s.audit, rpo: map[string]time.Duration{}, planCreated: map[string]time.Time{}, grace: s.cfg.Health.Grace}
	for _, ps := range s.specs {
		f.rpo[ps.name] = ps.rpo()
	}
	for _, pr := range run.policies {
		if p := pr.observed.Plan; p != nil {
			f.planCreated[pr.desired.Policy] = p.Created
		}
	}
	run.stale = f.stale(stores, last, req.Now)
	run.staleComplete = storesComplete
	return errors.Join(errs...)
}

// notify sends the Apply reconcile's messages, each when it has something
// new to say; a failure to deliver one is added to res.Errors.
func (s *Service) notify(ctx context.Context, req reconcile.Request, runs []*targetRun, errs []error, res *reconcile.Result) {
	failedTargets := map[string]bool{}
	for _, err := range errs {
		var te *accounts.TargetError
		if errors.As(err, &te) {
			failedTargets[te.Target.String()] = true
		}
	}
	enfFresh := map[string]map[string]bool{}
	auditFresh := map[string]map[string]bool{}
	newJobs := map[string][]types.BackupJob{}
	newStale := map[string][]StaleBackup{}
	restoreFresh := map[string]map[string]bool{}
	for _, r := range runs {
		if r.restore != nil {
			restoreFresh[r.t.String()] = s.mem.fresh("restore", r.t.String(), r.restoreKeys(), r.restore.complete && !failedTargets[r.t.String()])
		}
		where := r.t.String()
		enfFresh[where] = s.mem.fresh("enforcement", where, r.enforcementKeys(), !failedTargets[where])
		var keys []string
		for _, f := range r.findings {
			keys = append(keys, f.key())
		}
		auditFresh[where] = s.mem.fresh("audit", where, keys, r.auditComplete)
		if r.jobsListed {
			if j := s.mem.newJobs(where, r.jobs, r.jobsSince, req.Now); len(j) > 0 {
				newJobs[where] = j
			}
		}
		var staleKeys []string
		for _, sb := range r.stale {
			staleKeys = append(staleKeys, sb.key())
		}
		isNew := s.mem.fresh("stale", where, staleKeys, r.staleComplete)
		for _, sb := range r.stale {
			if isNew[sb.key()] {
				newStale[where] = append(newStale[where], sb)
			}
		}
	}
	var msgs []notify.Message
	if m, ok := summarizeEnforcement(runs, enfFresh, errs, s.newErrors(errs)); ok {
		msgs = append(msgs, m)
	}
	if m, ok := summarizeLocks(runs); ok {
		msgs = append(msgs, m)
	}
	if m, ok := summarizeAudit(runs, auditFresh, s.cfg.Tags); ok {
		msgs = append(msgs, m)
	}
	if m, ok := summarizeHealth(newJobs, newStale, req.Now); ok {
		m.Labels = healthLabels(runs, newJobs, newStale, s.cfg.Tags)
		msgs = append(msgs, m)
	}
	if m, ok := summarizeRestore(runs, restoreFresh, s.cfg.Tags); ok {
		msgs = append(msgs, m)
	}
	if s.deps.Notifier == nil {
		return
	}
	for _, m := range msgs {
		if err := s.deps.Notifier.Notify(ctx, m); err != nil {
			s.log.ErrorContext(ctx, "send backup message", "title", m.Title, "error", err)
			res.Errors = append(res.Errors, fmt.Errorf("send backup message %q for %s: %w", m.Title, req.Now.UTC().Format(time.RFC3339), err))
		}
	}
}

// newErrors returns how many of errs were not already failing in the last
// Apply reconcile, and remembers errs for the next.
func (s *Service) newErrors(errs []error) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := make(map[string]bool, len(errs))
	n := 0
	for _, err := range errs {
		k := errorKey(err)
		now[k] = true
		if !s.lastErrors[k] {
			n++
		}
	}
	s.lastErrors = now
	return n
}

// errorKey identifies a target's failure across reconciles.
func errorKey(err error) string {
	var te *accounts.TargetError
	if errors.As(err, &te) {
		return te.Target.String() + " " + apiErrorText(te.Err)
	}
	return apiErrorText(err)
}

func (s *Service) logOutcomes(ctx context.Context, actions []reconcile.Action) {
	for _, a := range actions {
		attrs := []any{"account", a.Account, "region", a.Region, "resource", a.Resource, "action", a.Action, "reason", a.Reason}
		switch a.Status {
		case reconcile.Failed:
			s.log.WarnContext(ctx, "backup action failed", append(attrs, "error", a.Error)...)
		case reconcile.Done:
			s.log.InfoContext(ctx, "backup action done", attrs...)
		}
	}
}

// policyNames returns the policy names in order.
func policyNames(m map[string]Policy) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
