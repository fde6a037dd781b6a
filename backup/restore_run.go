package backup

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/opsd-dev/opsd/reconcile"
)

// restoreRun is what restore testing found, and did, in one account and
// region.
type restoreRun struct {
	changes []*restoreChangeRun
	probes  []*restoreProbe
	// evidence is drawn up per policy and application.
	evidence []Evidence
	// complete is false when some plan's jobs could not be listed.
	complete bool
}

// restoreChangeRun is one change and, in Apply mode, its outcome.
type restoreChangeRun struct {
	RestoreChange
	policy    string
	attempted bool
	err       error
}

// restoreProbe is one restored copy opsd probes.
type restoreProbe struct {
	test      RestoreTest
	check     string
	attempted bool
	ok        bool
	why       string
	err       error
}

// restoreTesting enforces each policy's restore testing plan, probes the
// copies its finished jobs restored, and draws up the evidence.
func (s *Service) restoreTesting(ctx context.Context, c Clients, run *targetRun, stores []Store, storesComplete bool, req reconcile.Request) error {
	rr := &restoreRun{complete: true}
	run.restore = rr
	ob := restoreObserver{api: c.RestoreTesting, managedTag: s.cfg.ManagedTag}
	act := restoreActor{api: c.RestoreTesting, managedTag: s.cfg.ManagedTag}
	apply := req.Mode == reconcile.Apply
	names, err := ob.planNames(ctx)
	if err != nil {
		rr.complete = false
		return err
	}
	byARN := map[string]Store{}
	for _, st := range stores {
		byARN[st.ARN] = st
	}
	types := restoreTypes(stores, s.cfg.Tags.BackupPolicy, s.cfg.RestoreTesting.ResourceTypes)
	objectives := s.cfg.RestoreObjectives()
	var tests []RestoreTest
	var errs []error
	for _, ps := range s.specs {
		name := restorePlanName(s.cfg.NamePrefix, ps.name)
		arn := names[name]
		var obs *ObservedRestorePlan
		if arn != "" {
			if obs, err = ob.plan(ctx, name, arn); err != nil {
				errs = append(errs, fmt.Errorf("policy %s: %w", ps.name, err))
				rr.complete = false
				continue
			}
		}
		if len(types[ps.name]) > 0 && storesComplete {
			d := s.restoreDesired(ps, run.t.Account, run.t.Region, types[ps.name])
			for _, ch := range CompareRestore(d, obs) {
				cr := &restoreChangeRun{RestoreChange: ch, policy: ps.name}
				rr.changes = append(rr.changes, cr)
				if apply {
					if a := s.applyRestoreChange(ctx, act, d.Plan, cr); a != "" {
						arn = a
					}
				}
			}
		}
		if arn == "" || (obs != nil && !obs.Managed) {
			continue
		}
		jobs, err := ob.jobs(ctx, arn, req.Now.Add(-s.cfg.RestoreTesting.Lookback))
		if err != nil {
			errs = append(errs, fmt.Errorf("policy %s: %w", ps.name, err))
			rr.complete = false
			continue
		}
		for _, j := range jobs {
			var src *Store
			if st, ok := byARN[aws.ToString(j.SourceResourceArn)]; ok {
				src = &st
			}
			t := restoreTest(j, run.t.Account, run.t.Region, ps.name, src, s.cfg.Tags, s.mem.probeTime(t0(j)))
			if due(t, objectives[ps.name].ValidationWindow, req.Now) {
				p := &restoreProbe{test: t, check: probeName(t.ResourceType)}
				rr.probes = append(rr.probes, p)
				if apply {
					s.runProbe(ctx, c, act, p)
					t = p.test
				}
			}
			tests = append(tests, t)
		}
	}
	var scopes []EvidenceScope
	for _, st := range stores {
		if p, ok := st.Tags[s.cfg.Tags.BackupPolicy]; ok {
			if _, known := objectives[p]; known {
				scopes = append(scopes, EvidenceScope{Account: run.t.Account, Region: run.t.Region, Policy: p,
					Application: st.Tags[s.cfg.Tags.Application], Environment: st.Tags[s.cfg.Tags.Environment]})
			}
		}
	}
	rr.complete = rr.complete && storesComplete
	rr.evidence = BuildEvidence(tests, scopes, objectives, req.Now, s.cfg.RestoreTesting.Lookback, s.cfg.RestoreTesting.ColdRestoreDelay)
	return errors.Join(errs...)
}

// t0 is a listed job's id.
func t0(j types.RestoreJobsListMember) string { return aws.ToString(j.RestoreJobId) }

// due reports whether a finished restore's copy is waiting for
// validation: completed, not yet validated, inside its validation window.
func due(t RestoreTest, window time.Duration, now time.Time) bool {
	return t.Status == jobCompleted && t.Validation == "" && t.CreatedResourceARN != "" && t.Deletion != deletionSucceeded &&
		!t.Completed.IsZero() && now.Before(t.Completed.Add(window))
}

// applyRestoreChange makes one change; it returns the ARN of a plan it
// created.
func (s *Service) applyRestoreChange(ctx context.Context, act restoreActor, plan RestorePlanSpec, cr *restoreChangeRun) string {
	var arn string
	switch cr.Op {
	case OpCreateRestorePlan:
		arn, cr.err = act.createPlan(ctx, plan)
	case OpUpdateRestorePlan:
		cr.err = act.updatePlan(ctx, plan)
	case OpCreateRestoreSelection:
		cr.err = act.createSelection(ctx, plan.Name, *cr.Selection)
	case OpUpdateRestoreSelection:
		cr.err = act.updateSelection(ctx, plan.Name, *cr.Selection)
	default:
		return ""
	}
	cr.attempted = true
	return arn
}

// runProbe probes a restored copy and puts the result; the probe's time
// counts towards the restore's time to usable.
func (s *Service) runProbe(ctx context.Context, c Clients, act restoreActor, p *restoreProbe) {
	start := s.clock()
	p.attempted = true
	p.ok, p.why, p.err = prober{c: c}.probe(ctx, p.test.ResourceType, p.test.CreatedResourceARN, p.test.SourceARN)
	took := s.clock().Sub(start)
	if p.err != nil {
		return
	}
	if err := act.putValidation(ctx, p.test.JobID, p.ok, p.why); err != nil {
		p.err = err
		return
	}
	s.mem.setProbeTime(p.test.JobID, took)
	p.test.Probe = took
	p.test.Validation, p.test.ValidationMessage = validationFailed, p.why
	if p.ok {
		p.test.Validation = validationSucceeded
	}
}

// restoreActions lists restore testing as reconcile actions: one per
// change, probe and breach; a production application whose latest
// restore took longer than its RTO is a report-backup-job action, the
// one paging pages for.
func (r *targetRun) restoreActions(mode reconcile.Mode) []reconcile.Action {
	rr := r.restore
	if rr == nil {
		return nil
	}
	var out []reconcile.Action
	base := func(resource, action, reason string, status reconcile.Status) reconcile.Action {
		return reconcile.Action{Service: ServiceName, Account: r.t.Account, Region: r.t.Region, Resource: resource,
			Action: action, Reason: reason, Status: status, Details: map[string]string{}}
	}
	for _, ch := range rr.changes {
		a := base(ch.Resource, ch.Op, ch.Reason, reconcile.Planned)
		a.Details["policy"] = ch.policy
		switch {
		case ch.Op == OpReportRestorePlan:
			a.Status = reconcile.Reported
		case mode == reconcile.Plan:
		case ch.err != nil:
			a.Status, a.Error = reconcile.Failed, apiErrorText(ch.err)
		case ch.attempted:
			a.Status = reconcile.Done
		}
		out = append(out, a)
	}
	for _, p := range rr.probes {
		a := base(p.test.CreatedResourceARN, "validate-restore", "probe the restored copy of "+p.test.SourceARN+": "+p.check, reconcile.Planned)
		a.Details["job_id"], a.Details["policy"], a.Details["resource_type"] = p.test.JobID, p.test.Policy, p.test.ResourceType
		switch {
		case mode == reconcile.Plan:
		case p.err != nil:
			a.Status, a.Error = reconcile.Failed, apiErrorText(p.err)
		case p.attempted:
			a.Status = reconcile.Done
			a.Details["result"] = map[bool]string{true: validationSucceeded, false: validationFailed}[p.ok]
			a.Details["probe"] = p.why
		}
		out = append(out, a)
	}
	for _, e := range rr.evidence {
		out = append(out, evidenceAction(base, e))
		for _, b := range e.Breaches {
			res := e.Policy + "/" + orNone(e.Application)
			if b.JobID != "" {
				res += "/" + b.JobID
			}
			a := base("restore-test:"+res, "report-restore-test", b.Text, reconcile.Reported)
			evidenceDetails(a.Details, e)
			a.Details["breach"], a.Details["job_id"] = b.Kind, b.JobID
			out = append(out, a)
		}
		if e.RTOBreached() {
			a := base("restore-test:"+e.Policy+"/"+orNone(e.Application), "report-backup-job",
				fmt.Sprintf("latest restore test took %s to usable, over the RTO of %s", hours(e.LatestTimeToUsable), hours(e.RTO)), reconcile.Reported)
			evidenceDetails(a.Details, e)
			a.Details["job_id"], a.Details["job_type"] = e.Latest.JobID, "restore-test"
			out = append(out, a)
		}
	}
	return out
}

// evidenceAction is the row that changes nothing and carries what the
// restore tests of one policy and application show: its details name the
// application, the latest time to usable and recovery point age, when the
// last validated restore completed (validated_at, RFC 3339) and whether
// the evidence is proven, for the page at /.
func evidenceAction(base func(resource, action, reason string, status reconcile.Status) reconcile.Action, e Evidence) reconcile.Action {
	reason := fmt.Sprintf("%s, %s: no validated restore test inside the RTO of %s", e.Policy, applicationName(e.Application), hours(e.RTO))
	if t, ok := e.Proof(); ok {
		d, _ := t.TimeToUsable()
		reason = fmt.Sprintf("%s, %s: restore validated %s, %s to usable, inside the RTO of %s", e.Policy, applicationName(e.Application),
			t.Completed.UTC().Format(time.RFC3339), hours(d), hours(e.RTO))
	}
	a := base("restore-test:"+e.Policy+"/"+orNone(e.Application), "none", reason, reconcile.Planned)
	evidenceDetails(a.Details, e)
	a.Details["evidence"] = "restore-test"
	a.Details["proven"] = strconv.FormatBool(e.Proven())
	if v := e.LastValidated; v != nil {
		a.Details["validated_at"], a.Details["validated_job_id"] = v.Completed.UTC().Format(time.RFC3339), v.JobID
		if d, ok := v.TimeToUsable(); ok {
			a.Details["validated_time_to_usable"] = hours(d)
		}
		if age, ok := v.RecoveryPointAge(); ok {
			a.Details["validated_recovery_point_age"] = hours(age)
		}
	}
	return a
}

// evidenceDetails adds what identifies evidence to an action's details.
func evidenceDetails(d map[string]string, e Evidence) {
	d["policy"], d["rto"], d["rpo"] = e.Policy, hours(e.RTO), hours(e.RPO)
	if e.Application != "" {
		d["application"] = e.Application
	}
	if e.Environment != "" {
		d["environment"] = e.Environment
	}
	if e.Latest != nil {
		d["time_to_usable"], d["recovery_point_age"] = hours(e.LatestTimeToUsable), hours(e.LatestRecoveryPointAge)
	}
	d["tests"] = strconv.Itoa(len(e.Tests))
}

// keepEvidence keeps the reconcile's restore evidence for RestoreEvidence.
func (s *Service) keepEvidence(runs []*targetRun) {
	var all []Evidence
	for _, r := range runs {
		if r.restore != nil {
			all = append(all, r.restore.evidence...)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.evidence = all
}

// RestoreEvidence returns the restore testing evidence of the last
// reconcile, one per account, region, policy and application (see
// [Evidence.Proven] for what the audit's reliability.restore-tested
// check judges); nil when restore testing is off or nothing ran yet.
func (s *Service) RestoreEvidence() []Evidence {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Evidence(nil), s.evidence...)
}
