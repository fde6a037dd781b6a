package paging

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

const (
	acct   = "111111111111"
	region = "eu-west-2"
)

var (
	now    = time.Date(2026, 12, 4, 7, 0, 0, 0, time.UTC)
	policy = Policy{Production: []string{"production", "prod"}, Now: now}
)

func act(service, resource, action string, status reconcile.Status, details map[string]string) reconcile.Action {
	return reconcile.Action{Service: service, Account: acct, Region: region, Resource: resource, Action: action, Status: status, Details: details}
}

func result(service string, actions ...reconcile.Action) reconcile.Result {
	return reconcile.Result{Service: service, Actions: actions}
}

func unreached(res reconcile.Result, account, region string) reconcile.Result {
	res.Errors = append(res.Errors, &accounts.TargetError{Target: accounts.Target{Account: account, Region: region}, Err: errors.New("assume role: access denied")})
	return res
}

func open(incs ...Incident) map[string]Incident {
	m := map[string]Incident{}
	for _, inc := range incs {
		m[inc.Key] = inc
	}
	return m
}

func incident(service, resource, cond string) Incident {
	return Incident{Key: Key(service, acct, region, resource, cond), Service: service, Account: acct, Region: region, Resource: resource, Condition: cond}
}

var (
	prod = map[string]string{"environment": "production"}
	dev  = map[string]string{"environment": "development"}

	backupJob     = act("backup", "orders-db", "report-backup-job", reconcile.Reported, map[string]string{"environment": "Prod", "job_id": "j-1"})
	devBackupJob  = act("backup", "scratch-db", "report-backup-job", reconcile.Reported, dev)
	unknownEnvJob = act("backup", "gone-db", "report-backup-job", reconcile.Reported, map[string]string{})
	dlqAlert      = act("dlq", "orders-dlq", "alert", reconcile.Done, prod)
	dlqWatchFull  = act("dlq", "orders-dlq", "watch", reconcile.Reported, map[string]string{"environment": "production", "visible": "3", "in_flight": "0", "delayed": "0"})
	dlqWatchEmpty = act("dlq", "orders-dlq", "watch", reconcile.Reported, map[string]string{"environment": "production", "visible": "0", "in_flight": "0", "delayed": "0"})
	devDLQAlert   = act("dlq", "test-dlq", "alert", reconcile.Done, dev)
	startFailed   = act("shutdown", "i-0abc", "start", reconcile.Failed, dev)
	startStuck    = reconcile.Action{Service: "shutdown", Account: acct, Region: region, Resource: "i-0abc", Action: "report", Status: reconcile.Reported, Error: "start failed: kms"}
	startDone     = act("shutdown", "i-0abc", "start", reconcile.Done, dev)
	stopFailed    = act("shutdown", "i-0def", "stop", reconcile.Failed, dev)
	certSoon      = act("certs", "api.example.com", "check-certificate", reconcile.Reported, map[string]string{"not_after": now.Add(6 * 24 * time.Hour).Format(time.RFC3339)})
	certLater     = act("certs", "api.example.com", "check-certificate", reconcile.Reported, map[string]string{"not_after": now.Add(30 * 24 * time.Hour).Format(time.RFC3339)})
	certDaysLeft  = act("certs", "www.example.com", "check-certificate", reconcile.Reported, map[string]string{"days_left": "2"})
)

type event struct {
	action notify.EventAction
	key    string
}

func TestDecide(t *testing.T) {
	backupInc := incident("backup", "orders-db", CondBackupJobFailed)
	dlqInc := incident("dlq", "orders-dlq", CondDLQMessages)
	startInc := incident("shutdown", "i-0abc", CondStartFailed)
	certInc := incident("certs", "api.example.com", CondCertExpiring)
	cases := map[string]struct {
		open     map[string]Incident
		res      reconcile.Result
		mode     reconcile.Mode
		want     []event
		wantOpen []string
	}{
		"production backup job failure triggers": {
			res: result("backup", backupJob), want: []event{{notify.Trigger, backupInc.Key}}, wantOpen: []string{backupInc.Key},
		},
		"development or unknown environment does not page": {
			res: result("backup", devBackupJob, unknownEnvJob),
		},
		"a repeat does not page again": {
			open: open(backupInc), res: result("backup", backupJob), wantOpen: []string{backupInc.Key},
		},
		"resolved when the target was reached and the job is gone": {
			open: open(backupInc), res: result("backup"), want: []event{{notify.Resolve, backupInc.Key}},
		},
		"not resolved when the target was not reached": {
			open: open(backupInc), res: unreached(result("backup"), acct, region), wantOpen: []string{backupInc.Key},
		},
		"resolved when only another target was not reached": {
			open: open(backupInc), res: unreached(result("backup"), "222222222222", region), want: []event{{notify.Resolve, backupInc.Key}},
		},
		"not resolved after an error that names no target": {
			open: open(backupInc), res: reconcile.Result{Service: "backup", Errors: []error{errors.New("reconcile timed out")}}, wantOpen: []string{backupInc.Key},
		},
		"another service's run leaves the incident alone": {
			open: open(backupInc), res: result("dlq"), wantOpen: []string{backupInc.Key},
		},
		"plan mode never pages": {
			res: result("backup", backupJob), mode: reconcile.Plan,
		},
		"plan mode never resolves": {
			open: open(backupInc), res: result("backup"), mode: reconcile.Plan, wantOpen: []string{backupInc.Key},
		},
		"production dlq arrival triggers": {
			res: result("dlq", dlqWatchFull, dlqAlert), want: []event{{notify.Trigger, dlqInc.Key}}, wantOpen: []string{dlqInc.Key},
		},
		"dlq incident holds while the queue has messages": {
			open: open(dlqInc), res: result("dlq", dlqWatchFull), wantOpen: []string{dlqInc.Key},
		},
		"dlq incident resolves when the queue is empty": {
			open: open(dlqInc), res: result("dlq", dlqWatchEmpty), want: []event{{notify.Resolve, dlqInc.Key}},
		},
		"messages already in a queue do not page without an arrival": {
			res: result("dlq", dlqWatchFull),
		},
		"planned dlq alert does not page": {
			res: result("dlq", act("dlq", "orders-dlq", "alert", reconcile.Planned, prod)),
		},
		"development dlq arrival does not page": {
			res: result("dlq", devDLQAlert),
		},
		"failed morning start triggers": {
			res: result("shutdown", startFailed, stopFailed), want: []event{{notify.Trigger, startInc.Key}}, wantOpen: []string{startInc.Key},
		},
		"a start that did not take holds the incident": {
			open: open(startInc), res: result("shutdown", startStuck), wantOpen: []string{startInc.Key},
		},
		"a start that worked resolves it": {
			open: open(startInc), res: result("shutdown", startDone), want: []event{{notify.Resolve, startInc.Key}},
		},
		"certificate expiring within 7 days triggers": {
			res:      result("certs", certSoon, certDaysLeft),
			want:     []event{{notify.Trigger, certInc.Key}, {notify.Trigger, Key("certs", acct, region, "www.example.com", CondCertExpiring)}},
			wantOpen: []string{certInc.Key, Key("certs", acct, region, "www.example.com", CondCertExpiring)},
		},
		"renewed certificate resolves": {
			open: open(certInc), res: result("certs", certLater), want: []event{{notify.Resolve, certInc.Key}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := len(tc.open)
			d := Decide(tc.open, tc.res, tc.mode, policy)
			var got []event
			for _, ev := range d.Events {
				got = append(got, event{ev.Action, ev.DedupKey})
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("events = %v, want %v", got, tc.want)
			}
			var keys []string
			for k := range d.Open {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			slices.Sort(tc.wantOpen)
			if !slices.Equal(keys, tc.wantOpen) {
				t.Errorf("open = %v, want %v", keys, tc.wantOpen)
			}
			if len(tc.open) != before {
				t.Error("Decide changed the map it was given")
			}
		})
	}
}

func TestTriggerEventSaysWhatAndWhere(t *testing.T) {
	d := Decide(nil, result("backup", backupJob), reconcile.Apply, policy)
	if len(d.Events) != 1 {
		t.Fatalf("%d events", len(d.Events))
	}
	ev := d.Events[0]
	if ev.DedupKey != "opsd/backup/111111111111/eu-west-2/orders-db/backup-job-failed" {
		t.Errorf("dedup key = %s", ev.DedupKey)
	}
	if ev.Severity != notify.PageCritical || ev.Source != "opsd backup" || ev.Component != "orders-db" || ev.Group != acct+"/"+region || ev.Class != CondBackupJobFailed {
		t.Errorf("event = %+v", ev)
	}
	if ev.Summary != "Production backup failed: orders-db in 111111111111/eu-west-2" {
		t.Errorf("summary = %q", ev.Summary)
	}
	if ev.Details["job_id"] != "j-1" || ev.Details["service"] != "backup" || ev.Labels.Environment != "Prod" {
		t.Errorf("details = %v, labels = %+v", ev.Details, ev.Labels)
	}
}

func TestLongKeysFitPagerDutyAndStayStable(t *testing.T) {
	long := "arn:aws:rds:eu-west-2:111111111111:cluster:" + strings.Repeat("x", 300)
	k := Key("backup", acct, region, long, CondBackupJobFailed)
	if len(k) > 255 || k != Key("backup", acct, region, long, CondBackupJobFailed) {
		t.Errorf("key %q (%d chars) is too long or unstable", k, len(k))
	}
	if k == Key("backup", acct, region, long+"y", CondBackupJobFailed) {
		t.Error("two resources share a key")
	}
	if !strings.HasPrefix(k, "opsd/backup/111111111111/eu-west-2/arn:aws:rds") {
		t.Errorf("key %q lost its readable start", k)
	}
}
