package backup

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// targetRun is what one reconcile found, and did, in one account and
// region.
type targetRun struct {
	t        accounts.Target
	policies []*policyRun
	pitr     []*pitrTask
	// findings are the audit's reports: stores without a valid tag, and
	// production tables without PITR when PITR is only reported.
	findings []Finding
	// auditComplete is false when some data stores could not be listed.
	auditComplete bool
	// jobs are the failed, aborted and expired backup jobs listed;
	// jobsListed says whether they could be, jobsSince from when.
	jobs       []types.BackupJob
	jobsListed bool
	jobsSince  time.Time
	// jobStores are the data stores by ARN, to tell whose a job's
	// resource is.
	jobStores map[string]Store
	// stale are resources whose latest backup is too old; staleComplete
	// is false when stores or protected resources could not be listed.
	stale         []StaleBackup
	staleComplete bool
	// restore is restore testing's part; nil when it is off.
	restore *restoreRun
}

// policyRun is one policy in one account and region.
type policyRun struct {
	desired  Desired
	observed Observed
	diffs    []Difference
	fixes    Fixes
	// results are the outcome of each operation attempted (Apply mode):
	// nil for success.
	results map[Op]error
	// notice is set when a lock people must hear about was applied.
	notice *LockNotice
}

// record keeps the outcome of op; a failure is never overwritten by a
// later success.
func (pr *policyRun) record(op Op, err error) {
	if pr.results == nil {
		pr.results = map[Op]error{}
	}
	if old, ok := pr.results[op]; ok && old != nil {
		return
	}
	pr.results[op] = err
}

// outcome is the result of the difference's fix: attempted or not, and
// its error.
func (pr *policyRun) outcome(d Difference) (bool, error) {
	err, ok := pr.results[d.Op]
	return ok, err
}

// pitrTask is a production table whose point-in-time recovery opsd turns
// on.
type pitrTask struct {
	store     Store
	attempted bool
	err       error
	// reason says why, for people.
	reason string
}

// actions lists the run as reconcile actions: one per difference, PITR
// table, audit finding, backup job and stale backup.
func (r *targetRun) actions(mode reconcile.Mode, keys TagKeys, now time.Time) []reconcile.Action {
	var out []reconcile.Action
	base := func(resource, action, reason string, status reconcile.Status) reconcile.Action {
		return reconcile.Action{Service: ServiceName, Account: r.t.Account, Region: r.t.Region, Resource: resource,
			Action: action, Reason: reason, Status: status, Details: map[string]string{}}
	}
	for _, pr := range r.policies {
		for _, d := range pr.diffs {
			a := base(d.Resource, string(d.Op), d.Reason(), reconcile.Planned)
			a.Details["policy"] = pr.desired.Policy
			a.Details["field"] = d.Field
			a.Details["observed"] = d.Observed
			a.Details["desired"] = d.Desired
			switch attempted, err := pr.outcome(d); {
			case !d.Auto():
				a.Status = reconcile.Reported
			case mode == reconcile.Plan:
			case err != nil:
				a.Status, a.Error = reconcile.Failed, apiErrorText(err)
			case attempted:
				a.Status = reconcile.Done
			default:
				a.Status, a.Error = reconcile.Failed, "not attempted"
			}
			out = append(out, a)
		}
	}
	for _, t := range r.pitr {
		a := base(t.store.ID, "enable-pitr", t.reason, reconcile.Planned)
		storeDetails(a.Details, t.store, keys)
		switch {
		case mode == reconcile.Plan:
		case t.err != nil:
			a.Status, a.Error = reconcile.Failed, apiErrorText(t.err)
		case t.attempted:
			a.Status = reconcile.Done
		}
		out = append(out, a)
	}
	for _, f := range r.findings {
		a := base(f.Store.ID, "report-"+string(f.Problem), f.Text, reconcile.Reported)
		storeDetails(a.Details, f.Store, keys)
		out = append(out, a)
	}
	for _, j := range r.jobs {
		a := base(jobResource(j), "report-backup-job", jobText(j), reconcile.Reported)
		a.Details["job_id"] = aws.ToString(j.BackupJobId)
		a.Details["state"] = string(j.State)
		a.Details["vault"] = aws.ToString(j.BackupVaultName)
		if c := j.CreationDate; c != nil {
			a.Details["created"] = c.UTC().Format(time.RFC3339)
		}
		ownerDetails(a.Details, r.jobLabels(j, keys))
		out = append(out, a)
	}
	for _, s := range r.stale {
		a := base(s.Store.ID, "report-stale-backup", s.Text(now), reconcile.Reported)
		storeDetails(a.Details, s.Store, keys)
		a.Details["policy"] = s.Policy
		out = append(out, a)
	}
	return append(out, r.restoreActions(mode)...)
}

// storeDetails adds what identifies a data store to an action's details.
func storeDetails(d map[string]string, s Store, keys TagKeys) {
	d["kind"] = string(s.Kind)
	if s.ARN != "" {
		d["arn"] = s.ARN
	}
	if n := s.name(); n != "" {
		d["name"] = n
	}
	d["owner"] = keys.owner(s)
}

// jobLabels say whose and where the job's resource is: its account and
// region, and its owner tags when it is a data store the run listed.
func (r *targetRun) jobLabels(j types.BackupJob, keys TagKeys) notify.Labels {
	if s, ok := r.jobStores[aws.ToString(j.ResourceArn)]; ok {
		return storeLabels(s, keys)
	}
	return notify.Labels{Account: r.t.Account, Region: r.t.Region}
}

// storeLabels say whose and where s is.
func storeLabels(s Store, keys TagKeys) notify.Labels {
	tag := func(k string) string {
		if k == "" {
			return ""
		}
		return strings.TrimSpace(s.Tags[k])
	}
	return notify.Labels{Account: s.Account, Region: s.Region, Environment: tag(keys.Environment),
		Application: tag(keys.Application), TeamEmail: tag(keys.TeamEmail)}
}

// ownerDetails adds the owner labels l knows to an action's details.
func ownerDetails(d map[string]string, l notify.Labels) {
	for k, v := range map[string]string{"environment": l.Environment, "application": l.Application, "team_email": l.TeamEmail} {
		if v != "" {
			d[k] = v
		}
	}
}

// jobResource names a backup job's resource: its name, or its ARN.
func jobResource(j types.BackupJob) string {
	if n := aws.ToString(j.ResourceName); n != "" {
		return n
	}
	return aws.ToString(j.ResourceArn)
}

// jobText describes a backup job that went wrong.
func jobText(j types.BackupJob) string {
	s := fmt.Sprintf("backup job %s %s", aws.ToString(j.BackupJobId), j.State)
	if t := aws.ToString(j.ResourceType); t != "" {
		s += " (" + t + ")"
	}
	if m := aws.ToString(j.StatusMessage); m != "" {
		s += ": " + m
	}
	return s
}
