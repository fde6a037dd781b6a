package certs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/smithy-go"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Deps is what the service is given: see [reconcile.Deps].
type Deps = reconcile.Deps[Clients]

// Service is the certificates service: it tells certificate owners, in
// one Slack summary per run, about ACM certificates that expire soon,
// whose renewal is stuck, that ACM will not renew, and that have expired
// while still in use. It changes nothing.
type Service struct {
	cfg  Config
	deps Deps
	log  *slog.Logger

	mu sync.Mutex
	// told are the keys of the findings already told, by target
	// (account/region).
	told map[string]map[string]bool
	// lastErrors are the keys of the target failures already told, so an
	// account or region that cannot be read is told once, not every run.
	lastErrors map[string]bool
}

var _ reconcile.Service = (*Service)(nil)

// New returns the certs service for cfg.
func New(cfg Config, deps Deps) (*Service, error) {
	if errs := cfg.Validate(ServiceName); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if deps.Clients == nil {
		deps.Clients = NewClients
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, deps: deps, log: log, told: map[string]map[string]bool{}, lastErrors: map[string]bool{}}, nil
}

// Name is "certs".
func (s *Service) Name() string { return ServiceName }

// Schedule is the reconcile job's cron expression.
func (s *Service) Schedule() string { return s.cfg.Schedule }

// Timeout bounds one reconcile.
func (s *Service) Timeout() time.Duration { return s.cfg.Timeout }

// targetRun is one account and region's part of a reconcile.
type targetRun struct {
	target   accounts.Target
	findings []Finding
	// complete is whether every certificate there was read, so what is
	// no longer found may be forgotten.
	complete bool
}

// Reconcile looks at every certificate of every account and region (and
// of CloudFront's region, us-east-1) as of req.Now and reports each
// finding as an action. In Apply mode it then sends one summary of the
// findings not told before, grouped by owner, and remembers them as told
// once it was delivered. In Plan mode it tells no one.
//
// A finding that ACM will not renew a certificate ([Cause.WillNotRenew])
// is told once; while it is all that is found about the certificate, the
// Apply runs after the one that told it leave it out of their actions,
// so it is not reported every run as needing a person. Plan mode lists
// it still, with details.new false.
//
// One account or region failing never stops the others; its failure is
// in Result.Errors.
func (s *Service) Reconcile(ctx context.Context, req reconcile.Request) reconcile.Result {
	res := reconcile.Result{Service: ServiceName}
	s.loadState(ctx)
	targets, err := accounts.ListTargets(ctx, s.deps.Targets)
	if err != nil {
		res.Errors = []error{err}
		return res
	}
	targets = withRegions(targets, s.cfg.ExtraRegions)
	runs, errs := accounts.Collect(ctx, s.deps.FanOut, ServiceName, targets, func(ctx context.Context, t accounts.Target) (*targetRun, error) {
		return s.reconcileTarget(ctx, t, req.Now)
	})
	res.Errors = errs

	told := s.toldSnapshot()
	var fresh []Finding
	for _, tr := range runs {
		if tr == nil {
			continue
		}
		alone := soleFindings(tr.findings)
		for _, f := range tr.findings {
			isNew := !told[tr.target.String()][f.Key()]
			if isNew {
				fresh = append(fresh, f)
			}
			if req.Mode == reconcile.Apply && !isNew && f.Cause.WillNotRenew() && alone[f.Cert] {
				// Told already, and nothing else is found about the
				// certificate: it needs no one until a threshold.
				continue
			}
			res.Actions = append(res.Actions, s.action(f, isNew))
		}
	}
	if req.Mode != reconcile.Apply {
		return res
	}
	newErrs, errKeys := s.freshErrors(res.Errors)
	delivered := true
	if len(fresh) > 0 || len(newErrs) > 0 {
		if err := s.tell(ctx, summarize(fresh, newErrs, s.cfg.Tags, slices.Max(s.cfg.WarnDays))); err != nil {
			res.Errors = append(res.Errors, err)
			delivered = false
		}
	}
	s.remember(runs, delivered)
	if delivered {
		s.mu.Lock()
		s.lastErrors = errKeys
		s.mu.Unlock()
	}
	s.saveState(context.WithoutCancel(ctx))
	return res
}

// soleFindings are the certificates that have exactly one of findings.
func soleFindings(findings []Finding) map[*Certificate]bool {
	n := map[*Certificate]int{}
	for _, f := range findings {
		n[f.Cert]++
	}
	out := make(map[*Certificate]bool, len(n))
	for c, k := range n {
		out[c] = k == 1
	}
	return out
}

// reconcileTarget observes and plans one account and region. Its error
// is what could not be read; the findings about what could are kept.
func (s *Service) reconcileTarget(ctx context.Context, t accounts.Target, now time.Time) (*targetRun, error) {
	api := s.deps.Clients(t.Config).ACM
	certs, err := observe(ctx, api, t.Account, t.Region, func(c types.CertificateSummary) bool {
		return Quiet(string(c.Type), string(c.Status), string(c.RenewalEligibility), aws.ToTime(c.NotAfter), now, s.cfg.WarnDays)
	})
	tr := &targetRun{target: t, complete: err == nil}
	tr.findings = Plan(certs, now, s.cfg.WarnDays)
	if tagErr := readTags(ctx, api, tr.findings); tagErr != nil {
		err = errors.Join(err, tagErr)
	}
	return tr, err
}

// withRegions adds, for every account, a target in each of extra the
// targets do not already cover, with that account's credentials.
func withRegions(targets []accounts.Target, extra []string) []accounts.Target {
	have := map[string]bool{}
	first := map[string]accounts.Target{}
	var order []string
	for _, t := range targets {
		have[t.String()] = true
		if _, ok := first[t.Account]; !ok {
			first[t.Account] = t
			order = append(order, t.Account)
		}
	}
	out := slices.Clone(targets)
	for _, acct := range order {
		for _, r := range extra {
			t := first[acct]
			t.Region = r
			if have[t.String()] {
				continue
			}
			have[t.String()] = true
			t.Config = t.Config.Copy()
			t.Config.Region = r
			out = append(out, t)
		}
	}
	return out
}

// action is a finding's row in the plan and the result.
func (s *Service) action(f Finding, isNew bool) reconcile.Action {
	c := f.Cert
	d := map[string]string{
		"domain":    c.Domain,
		"type":      c.Type,
		"status":    c.Status,
		"not_after": c.NotAfter.UTC().Format(time.RFC3339),
		"days_left": strconv.Itoa(f.DaysLeft),
		"owner":     s.cfg.Tags.owner(c),
		"severity":  string(f.Severity()),
		"new":       strconv.FormatBool(isNew),
	}
	if c.RenewalEligibility != "" {
		d["renewal_eligibility"] = c.RenewalEligibility
	}
	if len(c.InUseBy) > 0 {
		d["in_use_by"] = strings.Join(c.InUseBy, ",")
	}
	if f.Cause == CauseExpiring {
		d["threshold_days"] = strconv.Itoa(f.Threshold)
	}
	if r := c.Renewal; r != nil {
		d["renewal_status"] = r.Status
		if r.Reason != "" {
			d["renewal_reason"] = r.Reason
		}
		for _, v := range r.Unvalidated {
			if v.RecordName != "" {
				d["record_name"], d["record_value"] = v.RecordName, v.RecordValue
				break
			}
		}
	}
	return reconcile.Action{
		Service: ServiceName, Account: c.Account, Region: c.Region, Resource: c.ARN,
		Action: f.Cause.Action(), Reason: f.Reason(), Status: reconcile.Reported, Details: d,
	}
}

// tell sends the summary; with no notifier it goes to the log.
func (s *Service) tell(ctx context.Context, msg notify.Message) error {
	if s.deps.Notifier == nil {
		s.log.InfoContext(ctx, "certificates summary", "title", msg.Title, "text", msg.Text)
		return nil
	}
	if err := s.deps.Notifier.Notify(ctx, msg); err != nil {
		err = fmt.Errorf("send certificates summary %q: %w", msg.Title, err)
		s.log.ErrorContext(ctx, "send certificates summary", "error", err.Error())
		return err
	}
	return nil
}

// toldSnapshot copies what was told, by target.
func (s *Service) toldSnapshot() map[string]map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]map[string]bool, len(s.told))
	for k, keys := range s.told {
		out[k] = keys
	}
	return out
}

// remember records the findings of runs as told when the summary was
// delivered, and forgets, for each target read completely, what is no
// longer found, so a finding that comes back is told again. Targets that
// could not be read completely keep what they had.
func (s *Service) remember(runs []*targetRun, delivered bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tr := range runs {
		if tr == nil {
			continue
		}
		where := tr.target.String()
		old := s.told[where]
		now := map[string]bool{}
		if !tr.complete {
			for k := range old {
				now[k] = true
			}
		}
		for _, f := range tr.findings {
			if k := f.Key(); delivered || old[k] {
				now[k] = true
			}
		}
		if len(now) == 0 {
			delete(s.told, where)
			continue
		}
		s.told[where] = now
	}
}

// freshErrors returns the failures of errs not told before, and the keys
// of all of errs.
func (s *Service) freshErrors(errs []error) ([]error, map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make(map[string]bool, len(errs))
	var fresh []error
	for _, err := range errs {
		k := errorKey(err)
		if !s.lastErrors[k] && !keys[k] {
			fresh = append(fresh, err)
		}
		keys[k] = true
	}
	return fresh, keys
}

// errorKey identifies a target's failure across runs: its account and
// region and the AWS error codes in it, not the text, which carries
// request ids.
func errorKey(err error) string {
	where := ""
	var te *accounts.TargetError
	if errors.As(err, &te) {
		where = te.Target.String()
	}
	codes := map[string]bool{}
	var walk func(error)
	walk = func(e error) {
		if api, ok := e.(smithy.APIError); ok {
			codes[api.ErrorCode()] = true
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			if inner := u.Unwrap(); inner != nil {
				walk(inner)
			}
		}
	}
	walk(err)
	if len(codes) == 0 {
		return where + " failed"
	}
	return where + " " + strings.Join(slices.Sorted(maps.Keys(codes)), ",")
}
