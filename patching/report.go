package patching

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/reconcile"
)

// maxSubject is the longest SNS message subject.
const maxSubject = 100

// report sends the reports of what finished in this reconcile, one scan
// alert and one report per patch run, and records on each instance
// reported that it was (its scan_reported or install_reported tag), so a
// later reconcile, after a restart too, does not tell it again. A report
// that could not be delivered is not recorded, and is tried again by the
// next reconcile.
func (s *Service) report(ctx context.Context, trs []*targetRun, res *reconcile.Result) {
	byRun := map[string][]*Item{}
	runs := map[string]Run{}
	owner := map[*Item]*targetRun{}
	var problems []*Item
	for _, tr := range trs {
		if tr.final == nil {
			continue
		}
		for _, it := range tr.final.Items {
			switch {
			case it.Report:
				k := runKey(it.Run)
				byRun[k] = append(byRun[k], it)
				runs[k] = it.Run
				owner[it] = tr
			case it.Verb == VerbReport && it.Run.IsZero():
				problems = append(problems, it)
			}
		}
	}
	keys := make([]string, 0, len(byRun))
	for k := range byRun {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := runs[keys[i]], runs[keys[j]]
		if a.Op != b.Op {
			return a.Op == OpScan
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		run, items := runs[k], byRun[k]
		var r *report
		var ok bool
		if run.Op == OpScan {
			r, ok = s.planner.scanReport(run, items)
		} else {
			r, ok = s.planner.runReport(run, items)
		}
		if ok {
			if err := s.tell(ctx, r, res); err != nil {
				continue
			}
			if run.Op == OpScan {
				s.publish(ctx, trs, r, res)
			}
		}
		s.markReported(ctx, items, owner, res)
	}
	s.tellProblems(ctx, problems, res)
}

// tell sends one report; a failure is added to res.Errors.
func (s *Service) tell(ctx context.Context, r *report, res *reconcile.Result) error {
	if s.deps.Notifier == nil {
		s.log.InfoContext(ctx, "patching report", "title", r.title)
		return nil
	}
	if err := s.deps.Notifier.Notify(ctx, r.message()); err != nil {
		err = fmt.Errorf("send patching report %q: %w", r.title, err)
		s.log.ErrorContext(ctx, "send patching report", "error", err.Error())
		res.Errors = append(res.Errors, err)
		return err
	}
	return nil
}

// publish sends a scan alert to the SNS topic, when one is configured.
// The topic is reached with the credentials of a target in the topic's
// account (the first target when none is), in the topic's region.
func (s *Service) publish(ctx context.Context, trs []*targetRun, r *report, res *reconcile.Result) {
	if s.cfg.SNSTopicARN == "" || len(trs) == 0 {
		return
	}
	topic, err := arn.Parse(s.cfg.SNSTopicARN)
	if err != nil {
		res.Errors = append(res.Errors, fmt.Errorf("publish scan alert to %s: %w", s.cfg.SNSTopicARN, err))
		return
	}
	via := trs[0].target
	for _, tr := range trs {
		if tr.target.Account == topic.AccountID {
			via = tr.target
			break
		}
	}
	cfg := via.Config.Copy()
	cfg.Region = topic.Region
	subject := r.title
	if len(subject) > maxSubject {
		subject = subject[:maxSubject-3] + "..."
	}
	_, err = s.deps.Clients(cfg).SNS.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(s.cfg.SNSTopicARN),
		Subject:  aws.String(subject),
		Message:  aws.String(r.plain()),
	})
	if err != nil {
		err = fmt.Errorf("publish scan alert to %s: %w", s.cfg.SNSTopicARN, err)
		s.log.ErrorContext(ctx, "publish scan alert", "error", err.Error())
		res.Errors = append(res.Errors, err)
	}
}

// markReported writes each reported item's Mark on its instance, one
// call per account, region and value.
func (s *Service) markReported(ctx context.Context, items []*Item, owner map[*Item]*targetRun, res *reconcile.Result) {
	type group struct {
		tr         *targetRun
		key, value string
	}
	ids := map[group][]string{}
	var order []group
	for _, it := range items {
		g := group{owner[it], s.planner.reportedKey(it.Purpose), it.Mark}
		if _, ok := ids[g]; !ok {
			order = append(order, g)
		}
		ids[g] = append(ids[g], it.Instance.ID)
	}
	for _, g := range order {
		if err := markReported(ctx, g.tr.clients.EC2, g.key, g.value, ids[g]); err != nil {
			res.Errors = append(res.Errors, &accounts.TargetError{Target: g.tr.target, Err: err})
		}
	}
}

// tellProblems tells about tag problems not told before by this process.
func (s *Service) tellProblems(ctx context.Context, items []*Item, res *reconcile.Result) {
	s.mu.Lock()
	now := make(map[string]bool, len(items))
	var fresh []*Item
	for _, it := range items {
		k := it.Instance.Account + "/" + it.Instance.Region + "/" + it.Instance.ID + " " + it.Reason
		now[k] = true
		if !s.toldProblems[k] {
			fresh = append(fresh, it)
		}
	}
	old := s.toldProblems
	s.toldProblems = now
	s.mu.Unlock()
	if len(fresh) == 0 {
		return
	}
	if err := s.tell(ctx, problemsReport(fresh), res); err != nil {
		s.mu.Lock()
		s.toldProblems = old
		s.mu.Unlock()
	}
}

// tellErrors tells about accounts and regions that newly failed.
func (s *Service) tellErrors(ctx context.Context, errs []error, res *reconcile.Result) {
	s.mu.Lock()
	now := make(map[string]bool, len(errs))
	var fresh []error
	for _, err := range errs {
		k := errorKey(err)
		now[k] = true
		if !s.lastErrors[k] {
			fresh = append(fresh, err)
		}
	}
	s.lastErrors = now
	s.mu.Unlock()
	if len(fresh) > 0 {
		_ = s.tell(ctx, errorsReport(fresh), res)
	}
}

// errorKey identifies a failure across reconciles: its account, region and
// the innermost error's text.
func errorKey(err error) string {
	var te *accounts.TargetError
	prefix := ""
	if errors.As(err, &te) {
		prefix = te.Target.String() + " "
	}
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return prefix + err.Error()
		}
		err = next
	}
}
