package dlq

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/awsenv"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// tellArrivals sends one message for every queue whose new burst of
// arrivals this run found; a failure to send is recorded on each.
func (s *Service) tellArrivals(ctx context.Context, now time.Time, runs []*queueRun) {
	var rs []*queueRun
	for _, r := range runs {
		if r.alert {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return
	}
	for _, r := range rs {
		s.log.InfoContext(ctx, "dlq arrival", "account", r.q.Account, "region", r.q.Region, "queue", r.q.Name,
			"new", r.arrivals, "messages", r.depth.total(), "first_look", r.firstLook)
	}
	if err := s.send(ctx, arrivalMessage(rs, s.cfg, s.loc)); err != nil {
		err = fmt.Errorf("send dlq arrival alert for %s: %w", now.UTC().Format(time.RFC3339), err)
		for _, r := range rs {
			r.alertErr = err
		}
	}
}

// tellReminders sends one message for every queue due a reminder.
func (s *Service) tellReminders(ctx context.Context, now time.Time, runs []*queueRun) {
	var rs []*queueRun
	for _, r := range runs {
		if r.remind {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return
	}
	if err := s.send(ctx, reminderMessage(rs, s.cfg, s.loc)); err != nil {
		err = fmt.Errorf("send dlq reminder for %s: %w", now.UTC().Format(time.RFC3339), err)
		for _, r := range rs {
			r.remindErr = err
		}
	}
}

// tellProblems sends one message about problems not told before:
// archiving refused or failing, and accounts or regions that could not be
// reached. A problem is told once while it lasts; once it is gone, its
// return is told again. A failure to send is added to res.Errors.
func (s *Service) tellProblems(ctx context.Context, runs []*queueRun, errs []error, res *reconcile.Result) {
	type problem struct{ key, line string }
	var all []problem
	for _, r := range runs {
		var perrs []error
		if r.archiveErr != nil {
			perrs = append(perrs, r.archiveErr)
		}
		perrs = append(perrs, r.outcome.Errors...)
		for _, err := range perrs {
			line := fmt.Sprintf("• `%s` (%s/%s): %s", r.q.Name, r.q.Account, r.q.Region, shortError(err))
			if r.outcome.Kept > 0 {
				line += fmt.Sprintf(" (%s kept in the queue)", notify.Count(r.outcome.Kept, "message", "messages"))
			}
			all = append(all, problem{key: r.q.key() + "|" + awsenv.ErrorText(err), line: line})
		}
	}
	for _, err := range errs {
		all = append(all, problem{key: errorKey(err), line: "• " + shortError(err)})
	}
	s.mu.Lock()
	now := make(map[string]bool, len(all))
	var fresh, freshKeys []string
	for _, p := range all {
		if !now[p.key] && !s.told[p.key] {
			fresh = append(fresh, p.line)
			freshKeys = append(freshKeys, p.key)
		}
		now[p.key] = true
	}
	s.told = now
	s.mu.Unlock()
	if len(fresh) == 0 {
		return
	}
	msg := notify.Message{
		Kind:     notify.KindDLQ,
		Severity: notify.Error,
		Title:    fmt.Sprintf("DLQ: %d new problems; messages stay in their queues", len(fresh)),
		Text:     strings.Join(fresh, "\n"),
	}
	if len(fresh) == 1 {
		msg.Title = "DLQ: a new problem; messages stay in their queues"
	}
	if err := s.send(ctx, msg); err != nil {
		res.Errors = append(res.Errors, fmt.Errorf("send dlq problem report: %w", err))
		s.mu.Lock()
		for _, k := range freshKeys {
			delete(s.told, k) // told next run instead
		}
		s.mu.Unlock()
	}
}

func (s *Service) send(ctx context.Context, msg notify.Message) error {
	if s.deps.Notifier == nil {
		return nil
	}
	if err := s.deps.Notifier.Notify(ctx, msg); err != nil {
		s.log.ErrorContext(ctx, "send dlq message", "title", msg.Title, "error", err)
		return err
	}
	return nil
}

// arrivalMessage is the alert for the queues in rs: fields for one queue,
// a table for several. A queue with messages in flight says how many,
// who received them and when they are visible again: until then they
// can be neither read, aged nor archived.
func arrivalMessage(rs []*queueRun, cfg Config, loc *time.Location) notify.Message {
	msg := notify.Message{Kind: notify.KindDLQ, Severity: notify.Warning}
	if len(rs) == 1 {
		r := rs[0]
		msg.Title = fmt.Sprintf("DLQ: %s in %s (%s/%s)", notify.Count(r.arrivals, "new message", "new messages"), r.q.Name, r.q.Account, r.q.Region)
		if r.firstLook || r.arrivals == 0 {
			msg.Title = fmt.Sprintf("DLQ: %s in %s (%s/%s)", notify.Count(r.depth.total(), "message", "messages"), r.q.Name, r.q.Account, r.q.Region)
		}
		msg.Fields = []notify.Field{
			{Label: "Queue", Value: r.q.Name},
			{Label: "Account", Value: r.q.Account},
			{Label: "Region", Value: r.q.Region},
			{Label: "Messages", Value: fmt.Sprintf("%d (%d new)", r.depth.total(), r.arrivals)},
		}
		if r.depth.InFlight > 0 {
			msg.Fields = append(msg.Fields, notify.Field{Label: "In flight", Value: strconv.FormatInt(r.depth.InFlight, 10) + r.inFlightDetail(loc)})
		}
		msg.Fields = append(msg.Fields,
			notify.Field{Label: "Oldest", Value: r.ageText()},
			notify.Field{Label: "Source queues", Value: orNone(strings.Join(r.q.Sources, ", "))},
			notify.Field{Label: "Alarm", Value: alarmText(r)},
			notify.Field{Label: "Archive", Value: archivePolicy(cfg.Archive)},
		)
	} else {
		msg.Title = fmt.Sprintf("DLQ: new messages in %d dead-letter queues", len(rs))
		msg.Table = queueTable(rs, true)
		msg.Fields = []notify.Field{{Label: "Archive", Value: archivePolicy(cfg.Archive)}}
	}
	var text []string
	for _, r := range rs {
		if r.firstLook {
			text = append(text, fmt.Sprintf("`%s`: first look since opsd started; these messages may have arrived earlier.", r.q.Name))
		}
		if r.depth.InFlight > 0 {
			what := "read them"
			if cfg.Archive.archiving() {
				what = "read or archive them"
			}
			text = append(text, fmt.Sprintf("`%s`: %s. Until then opsd cannot %s.", r.q.Name, r.inFlightText(loc), what))
		}
	}
	if cfg.ReviewTag != "" {
		text = append(text, fmt.Sprintf("Once reviewed, set the queue's `%s` tag to the review time (RFC 3339, e.g. %s) to stop reminders.", cfg.ReviewTag, rs[0].now.UTC().Format(time.RFC3339)))
	}
	msg.Text = strings.Join(text, "\n")
	msg.Labels = queueLabels(rs)
	return msg
}

// queueLabels are the labels the queues in rs share.
func queueLabels(rs []*queueRun) notify.Labels {
	ls := make([]notify.Labels, len(rs))
	for i, r := range rs {
		ls[i] = r.q.labels()
	}
	return notify.CommonLabels(ls...)
}

// reminderMessage reminds of the unreviewed messages of the queues in rs.
func reminderMessage(rs []*queueRun, cfg Config, loc *time.Location) notify.Message {
	msg := notify.Message{Kind: notify.KindDLQ, Severity: notify.Warning, Labels: queueLabels(rs)}
	if len(rs) == 1 {
		r := rs[0]
		msg.Title = fmt.Sprintf("DLQ reminder: %s unreviewed in %s (%s/%s) for %s", notify.Count(r.depth.total(), "message", "messages"), r.q.Name, r.q.Account, r.q.Region, humanAge(r.now.Sub(r.unreviewedSince)))
	} else {
		msg.Title = fmt.Sprintf("DLQ reminder: unreviewed messages in %d dead-letter queues", len(rs))
	}
	var lines []string
	for _, r := range rs {
		lines = append(lines, fmt.Sprintf("• `%s` (%s/%s): %s, unreviewed since %s, oldest %s",
			r.q.Name, r.q.Account, r.q.Region, notify.Count(r.depth.total(), "message", "messages"), localTime(r.unreviewedSince, loc), r.ageText()))
	}
	if cfg.ReviewTag != "" {
		lines = append(lines, fmt.Sprintf("Set a queue's `%s` tag to the time of a review (RFC 3339) to stop its reminders.", cfg.ReviewTag))
	}
	lines = append(lines, "Archive: "+archivePolicy(cfg.Archive))
	msg.Text = strings.Join(lines, "\n")
	msg.Table = queueTable(rs, false)
	return msg
}

// queueTable is one row per queue.
func queueTable(rs []*queueRun, withNew bool) *notify.Table {
	t := &notify.Table{Columns: []string{"Queue", "Account", "Region", "Messages"}}
	if withNew {
		t.Columns = append(t.Columns, "New")
	}
	t.Columns = append(t.Columns, "Oldest", "Sources", "Alarm")
	for _, r := range rs {
		row := []string{r.q.Name, r.q.Account, r.q.Region, strconv.FormatInt(r.depth.total(), 10)}
		if withNew {
			row = append(row, strconv.FormatInt(r.arrivals, 10))
		}
		row = append(row, r.ageText(), orNone(strings.Join(r.q.Sources, ", ")), alarmText(r))
		t.Rows = append(t.Rows, row)
	}
	return t
}

func alarmText(r *queueRun) string {
	if !r.alarmRead {
		return "unknown"
	}
	return r.alarm.String()
}

// archivePolicy says in a few words what happens to the messages.
func archivePolicy(a ArchiveConfig) string {
	dest := "s3://" + a.Bucket + "/" + strings.Trim(a.Prefix, "/")
	switch {
	case !a.archiving():
		return "none: no archive bucket is configured; messages are lost when the queue's retention period ends"
	case a.When == ArchiveOnArrival:
		return "to " + dest + " as they arrive"
	}
	return fmt.Sprintf("to %s %s before the queue's retention period ends", dest, humanAge(a.SafetyMargin))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// shortError is err's text with the SDK's request details replaced by
// AWS's error code and message.
func shortError(err error) string {
	var te *accounts.TargetError
	if errors.As(err, &te) && error(te) == err {
		return fmt.Sprintf("account %s region %s: %s", te.Target.Account, te.Target.Region, shortError(te.Err))
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var parts []string
		for _, e := range j.Unwrap() {
			if e != nil {
				parts = append(parts, shortError(e))
			}
		}
		return strings.Join(parts, "; ")
	}
	msg := err.Error()
	for _, marker := range []string{"operation error ", "api error "} {
		if i := strings.Index(msg, marker); i >= 0 && awsenv.ErrorCode(err) != "" {
			return msg[:i] + awsenv.ErrorText(err)
		}
	}
	return msg
}

// errorKey identifies a target's failure across reconciles: its account,
// region and AWS error, without request ids.
func errorKey(err error) string {
	var te *accounts.TargetError
	if errors.As(err, &te) {
		return te.Target.String() + " " + awsenv.ErrorText(te.Err)
	}
	return awsenv.ErrorText(err)
}
