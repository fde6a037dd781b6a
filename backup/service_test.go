package backup

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	bktypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

const (
	acct   = "123456789012"
	acct2  = "210987654321"
	region = "eu-west-2"
)

// harness is a Service over fakes, one set per account, in eu-west-2.
type harness struct {
	svc   *Service
	fakes map[string]*fakes
	rec   *notify.Recorder
	cfg   Config
	// state is what a restart keeps; nil: nothing.
	state state.Keeper
}

func newHarness(t *testing.T, cfg Config, accts ...string) *harness {
	t.Helper()
	if len(accts) == 0 {
		accts = []string{acct}
	}
	h := &harness{fakes: map[string]*fakes{}, rec: &notify.Recorder{}, cfg: cfg}
	for _, a := range accts {
		h.fakes[a] = newFakes(a, region)
	}
	h.restart(t)
	return h
}

// restart builds a new Service over the same fakes: what a daemon
// restart does.
func (h *harness) restart(t *testing.T) {
	t.Helper()
	var targets []accounts.Target
	for _, a := range sortedKeys(h.fakes) {
		// AppID carries the account to the client factory.
		targets = append(targets, accounts.Target{Account: a, Region: region, Config: aws.Config{Region: region, AppID: a}})
	}
	svc, err := New(h.cfg, Deps{
		Targets:  func(context.Context) ([]accounts.Target, error) { return targets, nil },
		FanOut:   accounts.FanOut{Limit: 2},
		Notifier: h.rec,
		Clients:  func(c aws.Config) Clients { return h.fakes[c.AppID].clients() },
		State:    h.state,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.svc = svc
}

func (h *harness) f() *fakes { return h.fakes[acct] }

func (h *harness) run(now time.Time, mode reconcile.Mode) reconcile.Result {
	for _, f := range h.fakes {
		f.mu.Lock()
		f.clock = now
		f.mu.Unlock()
	}
	return h.svc.Reconcile(context.Background(), reconcile.Request{Now: now, Mode: mode})
}

// newMessages returns the messages sent since the last call.
func (h *harness) messagesSince(n int) []notify.Message { return h.rec.Messages()[n:] }

func oneProdPolicy() Config {
	c := DefaultConfig()
	c.Enabled = true
	c.Policies = map[string]Policy{"Prod": c.Policies["Prod"]}
	return c
}

// seedStores gives an account some data stores: a Prod instance with its
// root volume, an untagged database, a production table without PITR and
// a file system tagged Prod.
func seedStores(f *fakes) {
	f.addInstance("i-prod", map[string]string{"BackupPolicy": "Prod", "Environment": "production"})
	f.addVolume("vol-root", nil, "i-prod")
	f.addDB("orders", map[string]string{"TeamEmail": "orders@example.org"})
	f.addTable("payments", map[string]string{"BackupPolicy": "Prod", "Environment": "production"}, false)
	f.addTable("cache", map[string]string{"BackupPolicy": "Prod", "Environment": "production"}, true)
	f.addFileSystem("fs-1", map[string]string{"BackupPolicy": "Prod"})
}

func countStatus(res reconcile.Result, action string, s reconcile.Status) int {
	n := 0
	for _, a := range res.Actions {
		if a.Action == action && a.Status == s {
			n++
		}
	}
	return n
}

func TestServiceEnforcesAndIsIdempotent(t *testing.T) {
	h := newHarness(t, oneProdPolicy())
	seedStores(h.f())

	// Plan: every difference planned, nothing written, nobody told.
	res := h.run(testNow, reconcile.Plan)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	for _, op := range []string{"create-vault", "apply-lock", "create-plan", "create-selection", "enable-pitr"} {
		if countStatus(res, op, reconcile.Planned) != 1 {
			t.Errorf("plan: %s not planned once: %+v", op, res.Actions)
		}
	}
	if w := h.f().writes(); len(w) != 0 {
		t.Errorf("plan mode wrote: %v", w)
	}
	if len(h.rec.Messages()) != 0 {
		t.Error("plan mode sent a message")
	}
	if countStatus(res, "report-untagged", reconcile.Reported) != 1 {
		t.Errorf("the untagged database is not reported: %+v", res.Actions)
	}

	// Apply: everything done, in order.
	res = h.run(testNow, reconcile.Apply)
	if res.Failed() {
		t.Fatalf("apply failed: %+v %v", res.Actions, res.Errors)
	}
	want := []string{"CreateBackupVault opsd-prod", "PutBackupVaultLockConfiguration opsd-prod", "CreateBackupPlan opsd-prod",
		"CreateBackupSelection opsd-prod", "UpdateContinuousBackups payments"}
	if got := h.f().writes(); !slices.Equal(got, want) {
		t.Errorf("writes = %v, want %v", got, want)
	}
	if n := res.Count(reconcile.Done); n != 5 {
		t.Errorf("%d done, want 5", n)
	}
	if len(h.rec.Messages()) != 3 {
		t.Errorf("%d messages, want enforcement, lock notice and audit", len(h.rec.Messages()))
	}

	// Again: nothing to do, nothing written, nothing told.
	h.f().resetCalls()
	before := len(h.rec.Messages())
	res = h.run(testNow.Add(time.Hour), reconcile.Apply)
	if w := h.f().writes(); len(w) != 0 || res.Count(reconcile.Done) != 0 {
		t.Errorf("second run wrote %v, did %d", w, res.Count(reconcile.Done))
	}
	if m := h.messagesSince(before); len(m) != 0 {
		t.Errorf("second run told %+v", m)
	}
	// Every list was paged through (pages of two).
	if calls := h.f().calls(); !slices.Contains(calls, "DescribeTable payments") || !slices.Contains(calls, "DescribeContinuousBackups payments") {
		t.Errorf("calls = %v", calls)
	}
}

func TestServiceOneAccountFailingDoesNotStopTheOthers(t *testing.T) {
	h := newHarness(t, oneProdPolicy(), acct, acct2)
	h.fakes[acct2].fail["ListBackupPlans"] = apiError("AccessDeniedException", "not allowed")
	res := h.run(testNow, reconcile.Apply)
	if len(res.Errors) != 1 {
		t.Fatalf("errors = %v, want one", res.Errors)
	}
	msg := res.Errors[0].Error()
	for _, want := range []string{acct2, region, "list backup plans", "AccessDeniedException"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %q", msg, want)
		}
	}
	var te *accounts.TargetError
	if !errors.As(res.Errors[0], &te) || te.Target.Account != acct2 {
		t.Errorf("error is not the target's: %v", res.Errors[0])
	}
	if n := res.Count(reconcile.Done); n != 4 {
		t.Errorf("the healthy account did %d things, want 4", n)
	}
	msgs := h.rec.Messages()
	if len(msgs) == 0 || !strings.Contains(msgs[0].Title, "1 not reached") || !strings.Contains(msgs[0].Text, "*Not reached*") {
		t.Fatalf("messages = %+v", msgs)
	}
	// Still failing: not told again.
	before := len(h.rec.Messages())
	h.run(testNow.Add(time.Hour), reconcile.Apply)
	if m := h.messagesSince(before); len(m) != 0 {
		t.Errorf("the same failure was told again: %+v", m)
	}
}

func TestServiceVaultFailureSkipsWhatDependsOnIt(t *testing.T) {
	h := newHarness(t, oneProdPolicy())
	h.f().fail["CreateBackupVault"] = apiError("AccessDeniedException", "no")
	res := h.run(testNow, reconcile.Apply)
	status := map[string]reconcile.Action{}
	for _, a := range res.Actions {
		status[a.Action] = a
	}
	if a := status["create-vault"]; a.Status != reconcile.Failed || !strings.Contains(a.Error, "AccessDeniedException") {
		t.Errorf("create-vault = %+v", a)
	}
	for _, op := range []string{"apply-lock", "create-plan", "create-selection"} {
		if a := status[op]; a.Status != reconcile.Failed || !strings.Contains(a.Error, "not attempted") {
			t.Errorf("%s = %+v", op, a)
		}
	}
	if w := h.f().writes(); !slices.Equal(w, []string{"CreateBackupVault opsd-prod"}) {
		t.Errorf("writes = %v", w)
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || msgs[0].Severity != notify.Error || !strings.Contains(msgs[0].Title, "4 failed") {
		t.Errorf("messages = %+v", msgs)
	}
}

// A selection is replaced by creating the new one first; when that fails,
// the old one stays.
func TestServiceSelectionReplacement(t *testing.T) {
	h := newHarness(t, oneProdPolicy())
	h.run(testNow, reconcile.Apply)
	f := h.f()
	planID := aws.ToString(f.plans[0].member.BackupPlanId)
	old := f.selections[planID][0].ID
	f.selections[planID][0].Spec.Conditions.StringEquals[0].ConditionValue = aws.String("prod")

	f.fail["CreateBackupSelection"] = apiError("LimitExceededException", "too many")
	f.resetCalls()
	res := h.run(testNow.Add(time.Hour), reconcile.Apply)
	if countStatus(res, "replace-selection", reconcile.Failed) != 1 {
		t.Errorf("replace-selection = %+v", res.Actions)
	}
	if w := f.writes(); !slices.Equal(w, []string{"CreateBackupSelection opsd-prod"}) {
		t.Errorf("writes = %v: the old selection must not be deleted", w)
	}
	if len(f.selections[planID]) != 1 || f.selections[planID][0].ID != old {
		t.Errorf("selections = %+v", f.selections[planID])
	}

	delete(f.fail, "CreateBackupSelection")
	f.resetCalls()
	res = h.run(testNow.Add(2*time.Hour), reconcile.Apply)
	if countStatus(res, "replace-selection", reconcile.Done) != 1 {
		t.Errorf("replace-selection = %+v", res.Actions)
	}
	if w := f.writes(); !slices.Equal(w, []string{"CreateBackupSelection opsd-prod", "DeleteBackupSelection " + old}) {
		t.Errorf("writes = %v, want create then delete", w)
	}
	sels := f.selections[planID]
	if len(sels) != 1 || aws.ToString(sels[0].Spec.Conditions.StringEquals[0].ConditionValue) != "Prod" {
		t.Errorf("selections = %+v", sels)
	}
}

// A compliance lock is never loosened, and a lock's minimum never lowered:
// both are reported, once.
func TestServiceNeverWeakensALock(t *testing.T) {
	h := newHarness(t, oneProdPolicy())
	h.run(testNow, reconcile.Apply)
	f := h.f()
	v := f.vaults["opsd-prod"]
	v.out.MinRetentionDays = aws.Int64(365)
	v.out.LockDate = aws.Time(testNow.Add(-24 * time.Hour))
	f.resetCalls()
	before := len(h.rec.Messages())
	res := h.run(testNow.Add(time.Hour), reconcile.Apply)
	if w := f.writes(); len(w) != 0 {
		t.Errorf("writes = %v", w)
	}
	if n := countStatus(res, string(OpReport), reconcile.Reported); n != 2 {
		t.Errorf("%d reports, want lock mode and min retention: %+v", n, res.Actions)
	}
	msgs := h.messagesSince(before)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "never loosens a compliance lock") || !strings.Contains(msgs[0].Text, "lock min retention is 365 days, want 30 days") {
		t.Errorf("messages = %+v", msgs)
	}
	before = len(h.rec.Messages())
	h.run(testNow.Add(2*time.Hour), reconcile.Apply)
	if m := h.messagesSince(before); len(m) != 0 {
		t.Errorf("told again: %+v", m)
	}
}

// The audit is told when something is new, not every run; after a
// restart (memory lost) the first run tells it again.
func TestServiceAuditToldOnce(t *testing.T) {
	h := newHarness(t, oneProdPolicy())
	seedStores(h.f())
	h.run(testNow, reconcile.Apply)
	audit := func(msgs []notify.Message) []notify.Message {
		var out []notify.Message
		for _, m := range msgs {
			if strings.HasPrefix(m.Title, "Backup audit") {
				out = append(out, m)
			}
		}
		return out
	}
	first := audit(h.rec.Messages())
	if len(first) != 1 || !strings.Contains(first[0].Text, "*orders@example.org*") || strings.Contains(first[0].Text, "vol-root") {
		t.Fatalf("audit = %+v", first)
	}
	n := len(h.rec.Messages())
	h.run(testNow.Add(time.Hour), reconcile.Apply)
	if a := audit(h.messagesSince(n)); len(a) != 0 {
		t.Errorf("audit told again: %+v", a)
	}
	h.f().addVolume("vol-new", map[string]string{"BackupPolicy": "Gold"})
	n = len(h.rec.Messages())
	h.run(testNow.Add(2*time.Hour), reconcile.Apply)
	a := audit(h.messagesSince(n))
	if len(a) != 1 || !strings.Contains(a[0].Title, "2 data store(s)") || !strings.Contains(a[0].Title, "(1 new)") {
		t.Errorf("audit after a new finding = %+v", a)
	}
	h.restart(t)
	n = len(h.rec.Messages())
	h.run(testNow.Add(3*time.Hour), reconcile.Apply)
	if a := audit(h.messagesSince(n)); len(a) != 1 || !strings.Contains(a[0].Title, "(2 new)") {
		t.Errorf("after a restart = %+v", a)
	}
}

func TestServicePITRReportOnly(t *testing.T) {
	c := oneProdPolicy()
	c.Audit.PITR = PITRReport
	h := newHarness(t, c)
	seedStores(h.f())
	res := h.run(testNow, reconcile.Apply)
	if slices.ContainsFunc(h.f().writes(), func(s string) bool { return strings.HasPrefix(s, "UpdateContinuousBackups") }) {
		t.Error("PITR enabled in report mode")
	}
	if countStatus(res, "report-no-pitr", reconcile.Reported) != 1 {
		t.Errorf("actions = %+v", res.Actions)
	}
	c.Audit.PITR = PITROff
	h = newHarness(t, c)
	seedStores(h.f())
	res = h.run(testNow, reconcile.Apply)
	if slices.ContainsFunc(h.f().calls(), func(s string) bool { return strings.Contains(s, "ContinuousBackups") }) {
		t.Error("PITR looked at when off")
	}
}

func TestServiceHealth(t *testing.T) {
	h := newHarness(t, oneProdPolicy())
	seedStores(h.f())
	f := h.f()
	now := testNow
	for i, state := range []bktypes.BackupJobState{bktypes.BackupJobStateFailed, bktypes.BackupJobStateExpired, bktypes.BackupJobStateAborted, bktypes.BackupJobStateCompleted} {
		f.jobs = append(f.jobs, bktypes.BackupJob{BackupJobId: aws.String("job-" + string(state)), State: state,
			CreationDate: aws.Time(now.Add(-time.Duration(i+1) * time.Hour)), ResourceArn: aws.String("arn:aws:ec2:eu-west-2:123456789012:instance/i-prod")})
	}
	f.protected = []bktypes.ProtectedResource{{ResourceArn: aws.String("arn:aws:ec2:eu-west-2:123456789012:instance/i-prod"), LastBackupTime: aws.Time(now.Add(-40 * time.Hour))}}
	res := h.run(now, reconcile.Apply)
	if n := countStatus(res, "report-backup-job", reconcile.Reported); n != 3 {
		t.Errorf("%d jobs reported, want failed, expired, aborted", n)
	}
	if n := countStatus(res, "report-stale-backup", reconcile.Reported); n != 1 {
		t.Errorf("%d stale backups, want i-prod", n)
	}
	if !slices.Contains(f.calls(), "ListBackupJobs FAILED") {
		t.Errorf("calls = %v", f.calls())
	}
	var health []notify.Message
	for _, m := range h.rec.Messages() {
		if strings.HasPrefix(m.Title, "Backup health") {
			health = append(health, m)
		}
	}
	if len(health) != 1 || health[0].Title != "Backup health: 3 job(s) failed, 1 stale backup(s)" {
		t.Errorf("health = %+v", health)
	}
	// The jobs and the stale backup are all i-prod's: the alert is labelled
	// with its account, region and environment, and so is each job.
	if len(health) == 1 && (health[0].Labels.Environment != "production" || health[0].Labels.Region != "eu-west-2" || health[0].Labels.Account == "") {
		t.Errorf("health labels = %+v", health[0].Labels)
	}
	for _, a := range res.Actions {
		if a.Action == "report-backup-job" && a.Details["environment"] != "production" {
			t.Errorf("job %s details = %v, want environment production from i-prod's tag", a.Details["job_id"], a.Details)
		}
	}
	n := len(h.rec.Messages())
	h.run(now.Add(30*time.Minute), reconcile.Apply)
	if m := h.messagesSince(n); len(m) != 0 {
		t.Errorf("told again: %+v", m)
	}
}

func TestServiceTargetsError(t *testing.T) {
	svc, err := New(oneProdPolicy(), Deps{Targets: func(context.Context) ([]accounts.Target, error) { return nil, errors.New("boom") }})
	if err != nil {
		t.Fatal(err)
	}
	res := svc.Reconcile(context.Background(), reconcile.Request{Now: testNow, Mode: reconcile.Apply})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "list accounts and regions: boom") {
		t.Errorf("errors = %v", res.Errors)
	}
	if svc.Name() != "backup" || svc.Schedule() != "*/30 * * * *" || svc.Timeout() != 10*time.Minute {
		t.Errorf("name %s schedule %s timeout %s", svc.Name(), svc.Schedule(), svc.Timeout())
	}
}
