package shutdown

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/reconcile"
)

// Deps is what the service is given: see [reconcile.Deps].
type Deps = reconcile.Deps[Clients]

// Service is the overnight shutdown service.
type Service struct {
	cfg     Config
	deps    Deps
	planner *Planner
	log     *slog.Logger

	mu sync.Mutex
	// lastErrors are the target errors of the last Apply reconcile, so an
	// account that cannot be reached is told once, not every run.
	lastErrors map[string]bool
	// noticed are the notices before a stop already sent: resource and
	// stop time → the stop time, merged with Deps.State's each run.
	noticed map[string]time.Time
	// stores knows which instance types have instance store volumes.
	stores instanceStores
	// silencedMem keeps, without a state store, the alarms opsd silenced
	// by account and region (see [silencer]).
	silencedMem map[string]alarmState
}

var _ reconcile.Service = (*Service)(nil)

// New returns the shutdown service for cfg.
func New(cfg Config, deps Deps) (*Service, error) {
	p, err := NewPlanner(cfg, deps.Location)
	if err != nil {
		return nil, fmt.Errorf("compile shutdown schedules: %w", err)
	}
	if deps.Clients == nil {
		deps.Clients = NewClients
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, deps: deps, planner: p, log: log}, nil
}

// Name is "shutdown".
func (s *Service) Name() string { return ServiceName }

// Schedule is the reconcile job's cron expression.
func (s *Service) Schedule() string { return s.cfg.Schedule }

// Timeout bounds one reconcile.
func (s *Service) Timeout() time.Duration { return s.cfg.Timeout }

// Reconcile observes every account and region, decides on each resource
// as of req.Now and, in Apply mode, carries the decisions out and sends
// one summary when anything changed or newly failed. In Plan mode it makes
// read-only calls only and tells no one.
//
// The actions are every resource a schedule applies to and every report
// (see [Decision.Listed]): stop, start and mark end Done or Failed, none
// stays Planned, report is Reported. One account or region failing never
// stops the others; its failure is in Result.Errors.
func (s *Service) Reconcile(ctx context.Context, req reconcile.Request) reconcile.Result {
	res := reconcile.Result{Service: ServiceName}
	targets, err := accounts.ListTargets(ctx, s.deps.Targets)
	if err != nil {
		res.Errors = []error{err}
		if req.Mode == reconcile.Apply && s.deps.Targets != nil {
			s.notify(ctx, req, newDigest(), res.Errors, &res)
		}
		return res
	}
	p, calErrs := s.runPlanner(ctx)
	outs, errs := accounts.Collect(ctx, s.deps.FanOut, ServiceName, targets, func(ctx context.Context, t accounts.Target) (outcome, error) {
		return s.reconcileTarget(ctx, p, t, req)
	})
	res.Errors = append(calErrs, errs...)
	sortOutcomes(outs)
	outs = joinSameTarget(outs)
	n := 0
	for _, o := range outs {
		n += o.actions.len()
	}
	if n > 0 {
		res.Actions = make([]reconcile.Action, 0, n)
	}
	sum := newDigest()
	var notices []notice
	for i := range outs {
		res.Actions = outs[i].actions.appendTo(res.Actions)
		sum.merge(outs[i].digest)
		notices = append(notices, outs[i].notices...)
		outs[i] = outcome{}
	}
	if req.Mode == reconcile.Apply {
		s.notify(ctx, req, sum, res.Errors, &res)
		s.sendNotices(ctx, req.Now, notices, &res)
	}
	return res
}

// runPlanner is the planner of one run: the configured one with the
// s3:// calendars the schedules name read afresh (with opsd's own role,
// Config.CalendarS3). A calendar that cannot be read is an error of the
// run, and its schedules leave on time as it is (see [Planner.WithCalendars]).
func (s *Service) runPlanner(ctx context.Context) (*Planner, []error) {
	if len(s.planner.Calendars()) == 0 {
		return s.planner, nil
	}
	if s.cfg.CalendarS3 == nil {
		return s.planner, []error{fmt.Errorf("read calendars %v: no S3 client to read them with", s.planner.Calendars())}
	}
	return s.planner.WithCalendars(ctx, s.cfg.CalendarS3)
}

// reconcileTarget observes, decides and, in Apply mode, acts in one
// account and region, and logs each outcome. Its error is what could not
// be observed; what was observed is still decided on and acted on. It
// returns the actions and the summary's part only, so the resources it
// observed are let go as soon as it is done.
func (s *Service) reconcileTarget(ctx context.Context, p *Planner, t accounts.Target, req reconcile.Request) (outcome, error) {
	c := s.deps.Clients(t.Config)
	rs, err := observer{c: c, keys: s.cfg.Tags, target: t, stores: &s.stores, stopInstanceStore: s.cfg.StopInstanceStore}.observe(ctx)
	tasks := s.decide(p, rs, req.Now)
	out := outcome{account: t.Account, region: t.Region}
	if len(tasks) == 0 {
		return out, err
	}
	if req.Mode == reconcile.Apply {
		a := &actor{c: c, keys: s.cfg.Tags, planner: p, hibernate: s.cfg.Hibernate, now: req.Now,
			log: s.log.With("account", t.Account, "region", t.Region)}
		sl := s.newSilencer(ctx, c, t, req.Now)
		sl.before(ctx, tasks)
		a.run(ctx, tasks)
		sl.after(ctx, tasks)
	}
	sortTasks(tasks)
	out.actions = newPacker(len(tasks))
	for _, tk := range tasks {
		out.actions.add(tk.action(req.Mode, s.cfg.Tags.LastError))
	}
	if req.Mode == reconcile.Apply {
		s.logOutcomes(ctx, tasks)
		out.digest = newDigest()
		for _, tk := range tasks {
			out.digest.add(tk, s.cfg.Tags.LastError)
		}
		out.notices = s.notices(tasks, req.Now)
	}
	return out, err
}

// decide asks the planner about every resource and keeps the decisions
// that belong in the result. An EC2 instance opsd started that went back
// to stopped while starting (an encrypted volume's KMS key, usually) is
// turned into a failed start: the planner alone would call it stopped by
// someone else.
func (s *Service) decide(p *Planner, rs []*resource, now time.Time) []*task {
	var out []*task
	for _, r := range rs {
		d := p.Decide(r.Observation, now)
		if !d.Listed() {
			continue
		}
		t := &task{d: d, r: r}
		if stuckStart(d, r) {
			t.stuck = true
			t.err = stuckFailure(r.StateReason)
		}
		out = append(out, t)
	}
	return out
}

// stuckStart reports whether opsd's last action on an instance now
// stopped was a start and the instance's state reason says the start did
// not take.
func stuckStart(d Decision, r *resource) bool {
	return r.Kind == KindEC2 && d.Action == ActionNone && d.Cause == CauseStoppedOutside &&
		d.Marker.Valid() && d.Marker.Action == LastStart && startRefusedAtLaunch(r.StateReason)
}

func stuckFailure(reason string) *failure {
	msg := "start failed: " + kmsHint + ": the instance stopped again while starting (" + reason + ")"
	if !mentionsKMS(reason) {
		msg = "start failed: the instance stopped again while starting (" + reason + "); the usual cause is that " + kmsHint
	}
	return &failure{msg: msg + "; start it by hand once that is fixed", err: errors.New(reason)}
}

// nameTag is the tag AWS consoles show as a resource's name.
const nameTag = "Name"

// fresh reports whether the task's failure is new: not the one already
// recorded in the resource's last-error tag by an earlier reconcile.
func (t *task) fresh(lastErrorKey string) bool {
	if t.err == nil {
		return false
	}
	old, ok := t.r.Tags[lastErrorKey]
	return !ok || old != tagValue(t.err.Error())
}

// action is the task as a reconcile action.
func (t *task) action(mode reconcile.Mode, lastErrorKey string) reconcile.Action {
	a := t.d.AsAction()
	if name := t.r.Tags[nameTag]; name != "" && name != t.r.ID {
		a.Details["name"] = name
	}
	if len(t.notes) > 0 {
		a.Details["note"] = strings.Join(t.notes, "; ")
	}
	if t.alarmNote != "" {
		a.Details["alarms"] = t.alarmNote
	}
	if !t.silencedSince.IsZero() {
		a.Details["alarms_silenced_since"] = t.silencedSince.UTC().Format(time.RFC3339)
	}
	if t.stuck {
		a.Reason = fmt.Sprintf("%s; opsd started it at %s, but it stopped again while starting", t.d.Period(), t.d.local(t.d.Marker.At))
		a.Error = t.err.Error()
		a.Action, a.Status = string(ActionReport), reconcile.Reported
		if mode == reconcile.Apply && t.fresh(lastErrorKey) {
			a.Action, a.Status = string(ActionStart), reconcile.Failed
		}
		return a
	}
	if mode == reconcile.Plan || !t.acts() {
		return a
	}
	a.Status = reconcile.Done
	if t.err != nil {
		a.Status, a.Error = reconcile.Failed, t.err.Error()
	}
	return a
}

func (s *Service) logOutcomes(ctx context.Context, tasks []*task) {
	for _, t := range tasks {
		attrs := []any{"account", t.r.Account, "region", t.r.Region, "kind", t.r.Kind, "resource", t.r.ID, "action", t.d.Action}
		switch {
		case t.err != nil:
			s.log.WarnContext(ctx, "shutdown action failed", append(attrs, "error", t.err.Error(), "cause", t.err)...)
		case t.acts():
			s.log.InfoContext(ctx, "shutdown action done", append(attrs, "reason", t.d.Reason(), "notes", strings.Join(t.notes, "; "))...)
		}
	}
}

// notify sends the summary of an Apply reconcile, from the digest of its
// tasks, when it has something to say; a failure to deliver it is added
// to res.Errors.
func (s *Service) notify(ctx context.Context, req reconcile.Request, sum *digest, errs []error, res *reconcile.Result) {
	newErrs := s.newErrors(errs)
	msg, ok := summarize(sum, errs, newErrs)
	if !ok || s.deps.Notifier == nil {
		return
	}
	if err := s.deps.Notifier.Notify(ctx, msg); err != nil {
		s.log.ErrorContext(ctx, "send shutdown summary", "error", err)
		res.Errors = append(res.Errors, fmt.Errorf("send shutdown summary for %s: %w", req.Now.UTC().Format(time.RFC3339), err))
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

// errorKey identifies a target's failure across reconciles: its account,
// region and AWS error code and message, without request ids.
func errorKey(err error) string {
	var te *accounts.TargetError
	if errors.As(err, &te) {
		return te.Target.String() + " " + apiErrorText(te.Err)
	}
	return apiErrorText(err)
}
