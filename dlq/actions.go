package dlq

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/notify"

	"github.com/opsd-dev/opsd/reconcile"
)

// Action names.
const (
	actionWatch   = "watch"
	actionAlert   = "alert"
	actionRemind  = "remind"
	actionArchive = "archive"
)

// actions are the queue's reconcile actions: the Reported watch, and an
// alert, a reminder and archiving when there were (or, in Plan mode,
// would be) any.
func (r *queueRun) actions(mode reconcile.Mode, cfg Config, loc *time.Location) []reconcile.Action {
	out := []reconcile.Action{r.action(actionWatch, reconcile.Reported, r.describe(loc), nil)}
	acted := func(err error) reconcile.Status {
		switch {
		case mode == reconcile.Plan:
			return reconcile.Planned
		case err != nil:
			return reconcile.Failed
		}
		return reconcile.Done
	}
	if r.alert {
		out = append(out, r.action(actionAlert, acted(r.alertErr), r.alertReason(), r.alertErr))
	}
	if r.remind {
		reason := fmt.Sprintf("%s unreviewed since %s (%s)", notify.Count(r.depth.total(), "message", "messages"), localTime(r.unreviewedSince, loc), humanAge(r.now.Sub(r.unreviewedSince)))
		out = append(out, r.action(actionRemind, acted(r.remindErr), reason, r.remindErr))
	}
	if a, ok := r.archiveAction(mode, cfg.Archive, loc); ok {
		out = append(out, a)
	}
	return out
}

// action is one action on the queue, with the details every action of it
// carries.
func (r *queueRun) action(name string, st reconcile.Status, reason string, err error) reconcile.Action {
	a := reconcile.Action{
		Service: ServiceName, Account: r.q.Account, Region: r.q.Region, Resource: r.q.Name,
		Action: name, Reason: reason, Status: st,
		Details: map[string]string{"url": r.q.URL, "arn": r.q.ARN},
	}
	for k, v := range map[string]string{"environment": r.q.Environment, "application": r.q.Application, "team_email": r.q.TeamEmail} {
		if v != "" {
			a.Details[k] = v
		}
	}
	if err != nil {
		a.Error = shortError(err)
	}
	if name == actionWatch {
		d := a.Details
		d["visible"] = strconv.FormatInt(r.depth.Visible, 10)
		d["in_flight"] = strconv.FormatInt(r.depth.InFlight, 10)
		d["delayed"] = strconv.FormatInt(r.depth.Delayed, 10)
		d["retention"] = humanAge(r.depth.Retention)
		d["oldest_age"] = r.ageText()
		if r.ageKnown() {
			d["age_source"] = r.ageSource
		}
		if r.alarmRead {
			d["alarm"] = r.alarm.String()
		}
		r.inFlightDetails(d)
		d["sources"] = strings.Join(r.q.Sources, ",")
		d["found_by"] = r.q.Why
		d["fifo"] = strconv.FormatBool(r.q.FIFO)
	}
	return a
}

// describe is the watch action's reason: "12 messages (10 visible, 2 in
// flight), oldest 3h 2m, alarm OK (orders-dlq-depth)", and, with messages
// in flight, who received them and when they are visible again.
func (r *queueRun) describe(loc *time.Location) string {
	d := r.depth
	if d.total() == 0 {
		return "empty"
	}
	s := fmt.Sprintf("%s (%d visible, %d in flight", notify.Count(d.total(), "message", "messages"), d.Visible, d.InFlight)
	if d.Delayed > 0 {
		s += fmt.Sprintf(", %d delayed", d.Delayed)
	}
	s += "), oldest " + r.ageText()
	if r.alarmRead {
		s += ", alarm " + r.alarm.String()
	}
	if d.InFlight > 0 {
		s += "; " + r.inFlightText(loc)
	}
	return s
}

func (r *queueRun) ageText() string {
	if !r.ageKnown() {
		return "unknown"
	}
	return humanAge(r.age)
}

func (r *queueRun) alertReason() string {
	if r.firstLook || r.arrivals == 0 {
		return fmt.Sprintf("%s in the queue (first look since opsd started)", notify.Count(r.depth.total(), "message", "messages"))
	}
	return fmt.Sprintf("%s, %d in the queue", notify.Count(r.arrivals, "new message", "new messages"), r.depth.total())
}

// archiveAction is the queue's archive action, if it has one.
func (r *queueRun) archiveAction(mode reconcile.Mode, a ArchiveConfig, loc *time.Location) (reconcile.Action, bool) {
	if !r.scan {
		return reconcile.Action{}, false
	}
	dest := "s3://" + a.Bucket + "/" + strings.Trim(a.Prefix, "/")
	if r.archiveErr != nil {
		st := reconcile.Failed
		if mode == reconcile.Plan {
			st = reconcile.Reported
		}
		return r.action(actionArchive, st, "archiving refused: the messages stay in the queue", r.archiveErr), true
	}
	if mode == reconcile.Plan {
		reason := fmt.Sprintf("archive the %d visible messages to %s", r.depth.Visible, dest)
		due := strconv.FormatInt(r.depth.Visible, 10)
		if a.When == ArchiveOnExpiry {
			reason = fmt.Sprintf("archive to %s the messages sent at or before %s (retention %s less %s margin)",
				dest, localTime(dueCutoff(r.depth.Retention, a.SafetyMargin, r.now), loc), humanAge(r.depth.Retention), humanAge(a.SafetyMargin))
			due = "unknown until received"
			switch {
			case r.ageSource == ageFromCloudWatch && r.depth.Retention > 0 && r.age >= r.depth.Retention-a.SafetyMargin:
				// The metric counts from the move into the queue, never
				// from earlier than the message's SentTimestamp.
				due = "at least 1 (the oldest message)"
			case r.dueSeen > 0:
				due = strconv.Itoa(r.dueSeen) + " at the last scan"
			}
		}
		act := r.action(actionArchive, reconcile.Planned, reason, nil)
		act.Details["due"] = due
		act.Details["visible"] = strconv.FormatInt(r.depth.Visible, 10)
		return act, true
	}
	o := r.outcome
	err := o.Err()
	if err == nil && o.Kept == 0 && o.Due == 0 {
		return reconcile.Action{}, false
	}
	reason := fmt.Sprintf("archived %s to %s", notify.Count(o.Archived, "message", "messages"), dest)
	if o.AlreadyArchived > 0 {
		reason += fmt.Sprintf(", %d found archived already", o.AlreadyArchived)
	}
	reason += fmt.Sprintf(", deleted %d from the queue", o.Deleted)
	if o.Kept > 0 {
		reason += fmt.Sprintf("; %d kept in the queue for the next run", o.Kept)
	}
	st := reconcile.Done
	if err != nil || o.Kept > 0 {
		st = reconcile.Failed
	}
	act := r.action(actionArchive, st, reason, err)
	for k, v := range map[string]int{"received": o.Received, "due": o.Due, "archived": o.Archived,
		"already_archived": o.AlreadyArchived, "deleted": o.Deleted, "released": o.Held, "kept": o.Kept} {
		act.Details[k] = strconv.Itoa(v)
	}
	return act, true
}

// humanAge is a duration in its largest unit and the next one (days,
// hours, minutes, seconds), the second left out when zero: "3d 4h",
// "2h 5m", "1h", "45s".
func humanAge(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	units := []struct {
		n    time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	for i, u := range units {
		if d < u.n && u.n != time.Second {
			continue
		}
		s := fmt.Sprintf("%d%s", d/u.n, u.name)
		if i+1 < len(units) {
			if next := (d % u.n) / units[i+1].n; next > 0 {
				s += fmt.Sprintf(" %d%s", next, units[i+1].name)
			}
		}
		return s
	}
	return "0s"
}

// localTime is t in loc, to the minute: "2026-11-24 19:05 GMT".
func localTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04 MST")
}
