package shutdown

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/paging"
	"github.com/opsd-dev/opsd/reconcile"
)

const (
	acct   = "123456789012"
	region = "eu-west-2"
	// Tuesday 24 November 2026, 19:05 in London (GMT): the default
	// schedule's off period began at 19:00.
	evening = "2026-11-24T19:05:00Z"
	// Wednesday 25 November 2026, 07:05: the on period began at 07:00.
	morning = "2026-11-25T07:05:00Z"
)

func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// harness is a Service over fakes, one set per account, in eu-west-2.
type harness struct {
	svc   *Service
	fakes map[string]*fakes
	rec   *notify.Recorder
}

func newHarness(t *testing.T, cfg Config, accts ...string) *harness {
	t.Helper()
	if len(accts) == 0 {
		accts = []string{acct}
	}
	h := &harness{fakes: map[string]*fakes{}, rec: &notify.Recorder{}}
	var targets []accounts.Target
	for _, a := range accts {
		h.fakes[a] = newFakes()
		// AppID carries the account to the client factory.
		targets = append(targets, accounts.Target{Account: a, Region: region, Config: aws.Config{Region: region, AppID: a}})
	}
	svc, err := New(cfg, Deps{
		Targets:  func(context.Context) ([]accounts.Target, error) { return targets, nil },
		FanOut:   accounts.FanOut{Limit: 2},
		Notifier: h.rec,
		Location: mustLoc(t, "Europe/London"),
		Clients:  func(c aws.Config) Clients { return h.fakes[c.AppID].clients() },
	})
	if err != nil {
		t.Fatal(err)
	}
	h.svc = svc
	return h
}

func (h *harness) f() *fakes { return h.fakes[acct] }

func (h *harness) run(t *testing.T, now string, mode reconcile.Mode) reconcile.Result {
	t.Helper()
	return h.svc.Reconcile(context.Background(), reconcile.Request{Now: at(t, now), Mode: mode})
}

// byResource indexes actions by resource id.
func byResource(res reconcile.Result) map[string]reconcile.Action {
	out := map[string]reconcile.Action{}
	for _, a := range res.Actions {
		out[a.Resource] = a
	}
	return out
}

func dev() map[string]string {
	return map[string]string{"Environment": "development", "OOOShutdown": "true"}
}

func withTags(base map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// stoppedByOpsd are tags of a resource opsd stopped last night.
func stoppedByOpsd(base map[string]string) map[string]string {
	return withTags(base, "opsd:shutdown:last-action", "stop", "opsd:shutdown:last-action-at", evening)
}

func TestStopBatchIsolatesTheFailingInstance(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	for _, id := range []string{"i-1", "i-bad", "i-3"} {
		f.ec2.add(id, "running", dev())
	}
	f.ec2.stopErr = func(ids []string, _ bool) error {
		if slices.Contains(ids, "i-bad") {
			return apiError("IncorrectInstanceState", "The instance 'i-bad' is not in a state from which it can be stopped.")
		}
		return nil
	}
	res := h.run(t, evening, reconcile.Apply)
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	acts := byResource(res)
	for _, id := range []string{"i-1", "i-3"} {
		if a := acts[id]; a.Action != "stop" || a.Status != reconcile.Done {
			t.Errorf("%s: %s %s (%s), want stop done", id, a.Action, a.Status, a.Error)
		}
		if f.ec2.state(id) != "stopped" {
			t.Errorf("%s is %s, want stopped", id, f.ec2.state(id))
		}
		tags := f.ec2.tags(id)
		if tags["opsd:shutdown:last-action"] != "stop" || tags["opsd:shutdown:last-action-at"] != evening {
			t.Errorf("%s marker tags = %v", id, tags)
		}
	}
	bad := acts["i-bad"]
	if bad.Status != reconcile.Failed || !strings.Contains(bad.Error, "stop failed: IncorrectInstanceState") {
		t.Errorf("i-bad: %s %q, want failed with IncorrectInstanceState", bad.Status, bad.Error)
	}
	if f.ec2.state("i-bad") != "running" {
		t.Errorf("i-bad is %s", f.ec2.state("i-bad"))
	}
	badTags := f.ec2.tags("i-bad")
	if m, ok := badTags["opsd:shutdown:last-action"]; ok && m != string(LastStopping) {
		t.Errorf("failed instance has a marker other than the intent: %v", badTags)
	}
	if !strings.HasPrefix(badTags["opsd:shutdown:last-error"], "stop failed: IncorrectInstanceState") {
		t.Errorf("i-bad last-error tag = %q", badTags["opsd:shutdown:last-error"])
	}
	want := []string{"StopInstances i-1,i-bad,i-3", "StopInstances i-1", "StopInstances i-bad,i-3", "StopInstances i-bad", "StopInstances i-3"}
	var stops []string
	for _, c := range f.ec2.all() {
		if strings.HasPrefix(c, "StopInstances") {
			stops = append(stops, c)
		}
	}
	if !slices.Equal(stops, want) {
		t.Errorf("stop calls = %q, want %q (one batch, then bisected)", stops, want)
	}
	if !res.Failed() {
		t.Error("Result.Failed() = false with a failed stop")
	}

	msgs := h.rec.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Kind != notify.KindShutdown || m.Title != "Overnight shutdown: stopped 2, started 0, 1 failed" || m.Severity != notify.Error {
		t.Errorf("message = %s %s %q", m.Kind, m.Severity, m.Title)
	}
	if !strings.Contains(m.Text, "`i-bad`") || !strings.Contains(m.Text, "IncorrectInstanceState") {
		t.Errorf("message text does not list the failure:\n%s", m.Text)
	}
	if m.Table == nil || len(m.Table.Rows) != 1 || !slices.Equal(m.Table.Rows[0], []string{acct, "development", "2", "0", "1", "0"}) {
		t.Errorf("table = %+v", m.Table)
	}

	// The next run retries the failed stop; the same failure again is not
	// told again.
	res = h.run(t, "2026-11-24T19:10:00Z", reconcile.Apply)
	if a := byResource(res)["i-bad"]; a.Status != reconcile.Failed {
		t.Errorf("second run: i-bad %s, want failed again", a.Status)
	}
	if n := len(h.rec.Messages()); n != 1 {
		t.Errorf("%d messages after the same failure again, want still 1", n)
	}
	// Once it stops, the error tag goes.
	f.ec2.stopErr = nil
	res = h.run(t, "2026-11-24T19:15:00Z", reconcile.Apply)
	if a := byResource(res)["i-bad"]; a.Status != reconcile.Done {
		t.Errorf("third run: i-bad %s %s", a.Status, a.Error)
	}
	if _, ok := f.ec2.tags("i-bad")["opsd:shutdown:last-error"]; ok {
		t.Error("last-error tag kept after a successful stop")
	}
}

func TestStartRefusedByKMSSaysSoPlainly(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	f.ec2.add("i-ok", "stopped", stoppedByOpsd(dev()))
	f.ec2.add("i-enc", "stopped", stoppedByOpsd(dev()))
	f.ec2.startErr = func(ids []string) error {
		if slices.Contains(ids, "i-enc") {
			return apiError("Client.InternalError", "Client.InvalidKMSKey.InvalidState: The KMS key provided is in an incorrect state")
		}
		return nil
	}
	res := h.run(t, morning, reconcile.Apply)
	acts := byResource(res)
	if a := acts["i-ok"]; a.Status != reconcile.Done || f.ec2.state("i-ok") != "running" {
		t.Errorf("i-ok: %s, %s", a.Status, f.ec2.state("i-ok"))
	}
	a := acts["i-enc"]
	want := "start failed: the KMS key of an encrypted EBS volume denies this role (grant kms:CreateGrant to the opsd role)"
	if a.Status != reconcile.Failed || !strings.HasPrefix(a.Error, want) {
		t.Errorf("i-enc: %s %q, want failed starting %q", a.Status, a.Error, want)
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "grant kms:CreateGrant to the opsd role") {
		t.Fatalf("messages = %+v", msgs)
	}
	if msgs[0].Title != "Overnight shutdown: stopped 0, started 1, 1 failed" {
		t.Errorf("title = %q", msgs[0].Title)
	}
	// Both instances are development ones in one account and region: the
	// summary is labelled with what they share.
	if l := msgs[0].Labels; l.Environment == "" || l.Account != a.Account || l.Region != a.Region {
		t.Errorf("labels = %+v, want the account, region and environment both share", l)
	}
	// The failed start pages; the start that worked does not.
	d := paging.Decide(nil, res, reconcile.Apply, paging.Policy{})
	if len(d.Events) != 1 || d.Events[0].DedupKey != paging.Key("shutdown", a.Account, a.Region, "i-enc", paging.CondStartFailed) {
		t.Errorf("page events = %+v, want one for i-enc", d.Events)
	}
}

// An instance whose start was accepted but which went back to stopped (the
// KMS key refused the grant at launch) is a failed start, told once.
func TestStartThatDidNotTakeIsReportedOnce(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	inst := f.ec2.add("i-enc", "stopped", withTags(dev(), "opsd:shutdown:last-action", "start", "opsd:shutdown:last-action-at", morning))
	inst.StateReason = &ec2types.StateReason{Code: aws.String("Client.InvalidKMSKey.InvalidState"), Message: aws.String("Client.InvalidKMSKey.InvalidState: The KMS key provided is in an incorrect state")}

	res := h.run(t, "2026-11-25T07:10:00Z", reconcile.Apply)
	a := byResource(res)["i-enc"]
	if a.Action != "start" || a.Status != reconcile.Failed || !strings.Contains(a.Error, kmsHint) {
		t.Fatalf("i-enc: %s %s %q", a.Action, a.Status, a.Error)
	}
	if !strings.Contains(f.ec2.tags("i-enc")["opsd:shutdown:last-error"], "KMS key") {
		t.Errorf("last-error tag = %q", f.ec2.tags("i-enc")["opsd:shutdown:last-error"])
	}
	if len(h.rec.Messages()) != 1 {
		t.Fatalf("%d messages, want 1", len(h.rec.Messages()))
	}
	if got := f.ec2.mutating(); slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "StartInstances") }) {
		t.Errorf("opsd started it again: %v", got)
	}

	res = h.run(t, "2026-11-25T07:15:00Z", reconcile.Apply)
	a = byResource(res)["i-enc"]
	if a.Status != reconcile.Reported || a.Error == "" {
		t.Errorf("second run: %s %q, want reported with the error", a.Status, a.Error)
	}
	if len(h.rec.Messages()) != 1 {
		t.Errorf("told again: %d messages", len(h.rec.Messages()))
	}
	// Paged once, at the first run; the report after holds the incident.
	key := paging.Key("shutdown", a.Account, a.Region, "i-enc", paging.CondStartFailed)
	d := paging.Decide(map[string]paging.Incident{key: {Key: key, Service: "shutdown", Account: a.Account, Region: a.Region, Resource: "i-enc"}}, res, reconcile.Apply, paging.Policy{})
	if len(d.Events) != 0 || len(d.Open) != 1 {
		t.Errorf("second run: events %+v, open %d; want none and the incident still open", d.Events, len(d.Open))
	}
}

func TestHibernateFallsBackToStop(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Hibernate = true
	h := newHarness(t, cfg)
	f := h.f()
	for _, id := range []string{"i-hib", "i-nothib", "i-plain"} {
		inst := f.ec2.add(id, "running", dev())
		if id != "i-plain" {
			inst.HibernationOptions = &ec2types.HibernationOptions{Configured: aws.Bool(true)}
		}
	}
	f.ec2.stopErr = func(ids []string, hibernate bool) error {
		if hibernate && slices.Contains(ids, "i-nothib") {
			return apiError("UnsupportedHibernationConfiguration", "Instance is not ready to hibernate yet")
		}
		return nil
	}
	res := h.run(t, evening, reconcile.Apply)
	acts := byResource(res)
	for id, note := range map[string]string{"i-hib": "hibernated", "i-nothib": "hibernation refused (UnsupportedHibernationConfiguration: Instance is not ready to hibernate yet): stopped instead", "i-plain": ""} {
		a := acts[id]
		if a.Status != reconcile.Done || a.Details["note"] != note || f.ec2.state(id) != "stopped" {
			t.Errorf("%s: %s note %q state %s, want done note %q", id, a.Status, a.Details["note"], f.ec2.state(id), note)
		}
	}
	calls := f.ec2.all()
	for _, want := range []string{"StopInstances(hibernate) i-hib,i-nothib", "StopInstances(hibernate) i-hib", "StopInstances(hibernate) i-nothib", "StopInstances i-plain,i-nothib"} {
		if !slices.Contains(calls, want) {
			t.Errorf("no call %q in %q", want, calls)
		}
	}
}

func TestAutoScalingGroupCapacitySavedAndRestored(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	f.asg.add("dev-web", Capacity{Min: 1, Max: 3, Desired: 2}, dev())
	// Its members carry the propagated tags but are never acted on.
	f.ec2.add("i-member", "running", withTags(dev(), "aws:autoscaling:groupName", "dev-web"))

	res := h.run(t, evening, reconcile.Apply)
	a := byResource(res)["dev-web"]
	if a.Action != "stop" || a.Status != reconcile.Done || a.Details["kind"] != "asg" {
		t.Fatalf("dev-web: %+v", a)
	}
	if _, ok := byResource(res)["i-member"]; ok {
		t.Error("the group's member is listed")
	}
	if c := f.asg.capacity("dev-web"); c != (Capacity{}) {
		t.Errorf("capacity after stop = %v, want all zero", c)
	}
	tags := f.asg.tags("dev-web")
	if tags["opsd:shutdown:asg-capacity"] != "min=1,max=3,desired=2" || tags["opsd:shutdown:last-action"] != "stop" {
		t.Errorf("tags after stop = %v", tags)
	}
	if f.ec2.state("i-member") != "running" || len(f.ec2.mutating()) != 0 {
		t.Errorf("member touched: %s, %v", f.ec2.state("i-member"), f.ec2.mutating())
	}
	// The capacity is saved before the group is scaled.
	calls := f.asg.mutating()
	if len(calls) < 2 || calls[0] != "CreateOrUpdateTags" || !strings.HasPrefix(calls[1], "UpdateAutoScalingGroup") {
		t.Errorf("calls = %q, want the capacity tag written first", calls)
	}

	// A later run the same night changes nothing.
	f.asg.reset()
	h.run(t, "2026-11-24T23:00:00Z", reconcile.Apply)
	if got := f.asg.mutating(); len(got) != 0 {
		t.Errorf("night run made calls %q", got)
	}

	res = h.run(t, morning, reconcile.Apply)
	if a := byResource(res)["dev-web"]; a.Action != "start" || a.Status != reconcile.Done || a.Details["note"] != "restored min=1,max=3,desired=2" {
		t.Fatalf("morning dev-web: %+v", a)
	}
	if c := f.asg.capacity("dev-web"); c != (Capacity{Min: 1, Max: 3, Desired: 2}) {
		t.Errorf("capacity after start = %v", c)
	}
	tags = f.asg.tags("dev-web")
	if _, ok := tags["opsd:shutdown:asg-capacity"]; ok || tags["opsd:shutdown:last-action"] != "start" {
		t.Errorf("tags after start = %v", tags)
	}
}

// A group opsd scaled to zero without recording the stop (killed before
// its marker) keeps its saved capacity when the stop is recorded later,
// and is restored in the morning.
func TestGroupStopNotRecordedKeepsItsCapacity(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	f.asg.add("dev-web", Capacity{}, withTags(dev(), "opsd:shutdown:asg-capacity", "min=1,max=3,desired=2",
		"opsd:shutdown:last-action", "stopping", "opsd:shutdown:last-action-at", evening))
	res := h.run(t, "2026-11-24T19:10:00Z", reconcile.Apply)
	if a := byResource(res)["dev-web"]; a.Action != "mark" || a.Status != reconcile.Done {
		t.Fatalf("dev-web: %+v", a)
	}
	tags := f.asg.tags("dev-web")
	if tags["opsd:shutdown:asg-capacity"] != "min=1,max=3,desired=2" || tags["opsd:shutdown:last-action"] != "stop" {
		t.Errorf("tags after recording the stop = %v", tags)
	}
	// A stop nobody was told of (the run that made it was killed) is
	// told by the run that records it.
	if msgs := h.rec.Messages(); len(msgs) != 1 || !strings.Contains(msgs[0].Title, "stopped 1") || !strings.Contains(msgs[0].Text, "recorded now") {
		t.Errorf("recording a stop sent %+v, want one message telling it", msgs)
	}
	h.run(t, morning, reconcile.Apply)
	if c := f.asg.capacity("dev-web"); c != (Capacity{Min: 1, Max: 3, Desired: 2}) {
		t.Errorf("capacity in the morning = %v", c)
	}
}

func TestGroupWithoutSavedCapacityIsNotGuessed(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	f.asg.add("dev-web", Capacity{}, stoppedByOpsd(dev()))
	res := h.run(t, morning, reconcile.Apply)
	a := byResource(res)["dev-web"]
	if a.Status != reconcile.Failed || !strings.Contains(a.Error, "no capacity saved in tag opsd:shutdown:asg-capacity") {
		t.Errorf("dev-web: %s %q", a.Status, a.Error)
	}
	for _, c := range f.asg.mutating() {
		if strings.HasPrefix(c, "UpdateAutoScalingGroup") {
			t.Errorf("group resized without a saved capacity: %s", c)
		}
	}
}

func TestDatabases(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	f.rds.addInstance(rdstypes.DBInstance{DBInstanceIdentifier: aws.String("dev-db"), DBInstanceStatus: aws.String("available"), Engine: aws.String("postgres")}, dev())
	f.rds.addInstance(rdstypes.DBInstance{DBInstanceIdentifier: aws.String("dev-db-replica"), DBInstanceStatus: aws.String("available"),
		ReadReplicaSourceDBInstanceIdentifier: aws.String("dev-src")}, dev())
	f.rds.addInstance(rdstypes.DBInstance{DBInstanceIdentifier: aws.String("dev-aurora-1"), DBInstanceStatus: aws.String("available"),
		DBClusterIdentifier: aws.String("dev-aurora")}, dev())
	f.rds.addInstance(rdstypes.DBInstance{DBInstanceIdentifier: aws.String("untagged"), DBInstanceStatus: aws.String("available")}, nil)
	f.rds.addCluster(rdstypes.DBCluster{DBClusterIdentifier: aws.String("dev-aurora"), Status: aws.String("available"), EngineMode: aws.String("provisioned")}, dev())

	res := h.run(t, evening, reconcile.Apply)
	acts := byResource(res)
	for id, kind := range map[string]string{"dev-db": "db", "dev-aurora": "cluster"} {
		if a := acts[id]; a.Action != "stop" || a.Status != reconcile.Done {
			t.Errorf("%s: %+v", id, a)
		}
		if f.rds.status(id) != "stopped" || f.rds.tags(kind, id)["opsd:shutdown:last-action"] != "stop" {
			t.Errorf("%s: %s %v", id, f.rds.status(id), f.rds.tags(kind, id))
		}
	}
	if a := acts["dev-db-replica"]; a.Action != "report" || a.Status != reconcile.Reported || !strings.Contains(a.Reason, "read replica") {
		t.Errorf("replica: %+v", a)
	}
	for _, id := range []string{"dev-aurora-1", "untagged"} {
		if _, ok := acts[id]; ok {
			t.Errorf("%s listed", id)
		}
	}
	if f.rds.status("dev-aurora-1") != "available" || f.rds.status("untagged") != "available" {
		t.Error("a cluster member or untagged database was touched")
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || msgs[0].Title != "Overnight shutdown: stopped 2, started 0, 0 failed, 1 reported" ||
		!strings.Contains(msgs[0].Text, "dev-db-replica") {
		t.Errorf("messages = %+v", msgs)
	}

	res = h.run(t, morning, reconcile.Apply)
	for _, id := range []string{"dev-db", "dev-aurora"} {
		if a := byResource(res)[id]; a.Action != "start" || a.Status != reconcile.Done || f.rds.status(id) != "available" {
			t.Errorf("morning %s: %+v (%s)", id, a, f.rds.status(id))
		}
	}
}

func TestPlanModeMakesNoMutatingCall(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	f.ec2.add("i-1", "running", dev())
	f.ec2.add("i-2", "stopped", stoppedByOpsd(dev()))
	f.ec2.add("i-prod", "running", map[string]string{"Environment": "production", "OOOShutdown": "true"})
	f.asg.add("dev-web", Capacity{Min: 1, Max: 3, Desired: 2}, dev())
	f.rds.addInstance(rdstypes.DBInstance{DBInstanceIdentifier: aws.String("dev-db"), DBInstanceStatus: aws.String("available")}, dev())
	for _, now := range []string{evening, morning} {
		res := h.run(t, now, reconcile.Plan)
		if len(res.Errors) != 0 {
			t.Fatal(res.Errors)
		}
		for _, a := range res.Actions {
			if a.Status != reconcile.Planned && a.Status != reconcile.Reported {
				t.Errorf("%s: plan action %s %s", now, a.Resource, a.Status)
			}
		}
	}
	if got := f.mutating(); len(got) != 0 {
		t.Errorf("plan mode made mutating calls: %q", got)
	}
	if n := len(h.rec.Messages()); n != 0 {
		t.Errorf("plan mode sent %d messages", n)
	}
	res := h.run(t, evening, reconcile.Plan)
	acts := byResource(res)
	if acts["i-1"].Action != "stop" || acts["dev-web"].Action != "stop" || acts["dev-db"].Action != "stop" || acts["i-prod"].Action != "report" {
		t.Errorf("plan = %+v", res.Actions)
	}
}

func TestSilenceWhenNothingChanged(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	f.ec2.add("i-1", "running", dev())
	f.ec2.add("i-prod", "running", map[string]string{"Environment": "production", "OOOShutdown": "true"})
	// Daytime: nothing to do, one report: silence.
	h.run(t, "2026-11-24T12:00:00Z", reconcile.Apply)
	if n := len(h.rec.Messages()); n != 0 {
		t.Fatalf("daytime run with only a report sent %d messages", n)
	}
	h.run(t, evening, reconcile.Apply)
	msgs := h.rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "i-prod") || !strings.Contains(msgs[0].Text, "never stopped in production") {
		t.Fatalf("evening messages = %+v", msgs)
	}
	if f.ec2.state("i-prod") != "running" {
		t.Error("production instance stopped")
	}
	h.run(t, "2026-11-24T19:10:00Z", reconcile.Apply)
	if n := len(h.rec.Messages()); n != 1 {
		t.Errorf("a run that changed nothing sent a message (%d total)", n)
	}
}

func TestOneAccountFailingDoesNotStopTheOthers(t *testing.T) {
	const other = "222222222222"
	h := newHarness(t, DefaultConfig(), acct, other)
	h.fakes[acct].ec2.describeErr = apiError("UnauthorizedOperation", "You are not authorized to perform this operation.")
	h.fakes[acct].asg.add("dev-web", Capacity{Min: 1, Max: 1, Desired: 1}, dev())
	h.fakes[other].ec2.add("i-1", "running", dev())

	res := h.run(t, evening, reconcile.Apply)
	if len(res.Errors) != 1 {
		t.Fatalf("errors = %v, want one", res.Errors)
	}
	var te *accounts.TargetError
	if !errors.As(res.Errors[0], &te) || te.Target.Account != acct || !strings.Contains(res.Errors[0].Error(), "describe ec2 instances") {
		t.Errorf("error = %v", res.Errors[0])
	}
	acts := byResource(res)
	if acts["i-1"].Status != reconcile.Done || acts["i-1"].Account != other {
		t.Errorf("other account: %+v", acts["i-1"])
	}
	// What could be observed in the failing account was still acted on.
	if acts["dev-web"].Status != reconcile.Done {
		t.Errorf("group in the failing account: %+v", acts["dev-web"])
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Not reached") || !strings.Contains(msgs[0].Title, "1 not reached") {
		t.Fatalf("messages = %+v", msgs)
	}
	// The same failure next run, nothing else new: silence.
	h.run(t, "2026-11-24T19:10:00Z", reconcile.Apply)
	if n := len(h.rec.Messages()); n != 1 {
		t.Errorf("%d messages, want the unreachable account told once", n)
	}
}

func TestTargetsFailing(t *testing.T) {
	svc, err := New(DefaultConfig(), Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			return nil, errors.New("list organization accounts: denied")
		},
		Location: mustLoc(t, "Europe/London"),
	})
	if err != nil {
		t.Fatal(err)
	}
	res := svc.Reconcile(context.Background(), reconcile.Request{Now: at(t, evening)})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "denied") || res.Service != "shutdown" {
		t.Errorf("result = %+v", res)
	}
}

func TestMarkerWriteFailureAfterStopIsAFailure(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	f.ec2.add("i-1", "running", dev())
	f.ec2.tagErr = func(ids []string, tags []ec2types.Tag) error {
		for _, tg := range tags {
			if aws.ToString(tg.Value) == string(LastStop) {
				return apiError("UnauthorizedOperation", "not allowed to tag")
			}
		}
		return nil
	}
	res := h.run(t, evening, reconcile.Apply)
	a := byResource(res)["i-1"]
	if a.Status != reconcile.Failed || !strings.Contains(a.Error, "stopped, but recording it in tag opsd:shutdown:last-action failed") {
		t.Errorf("i-1: %s %q", a.Status, a.Error)
	}
	if f.ec2.state("i-1") != "stopped" || f.ec2.tags("i-1")["opsd:shutdown:last-action"] != string(LastStopping) {
		t.Fatalf("i-1: %s %v", f.ec2.state("i-1"), f.ec2.tags("i-1"))
	}

	// Tagging works again: the next run records the stop as opsd's, and
	// the morning run starts it.
	f.ec2.tagErr = nil
	res = h.run(t, "2026-11-24T19:10:00Z", reconcile.Apply)
	if a := byResource(res)["i-1"]; a.Action != "mark" || a.Status != reconcile.Done || a.Details["last_action"] != "stopping" || a.Details["records"] != "stop" {
		t.Errorf("i-1 after the failure: %+v", a)
	}
	if got := f.ec2.tags("i-1")["opsd:shutdown:last-action"]; got != "stop" {
		t.Errorf("last-action = %q, want stop", got)
	}
	h.run(t, morning, reconcile.Apply)
	if f.ec2.state("i-1") != "running" {
		t.Errorf("i-1 is %s in the morning", f.ec2.state("i-1"))
	}
}

func TestIntentWriteFailureStopsNothing(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	f.ec2.add("i-1", "running", dev())
	f.ec2.tagErr = func(ids []string, tags []ec2types.Tag) error {
		return apiError("UnauthorizedOperation", "not allowed to tag")
	}
	res := h.run(t, evening, reconcile.Apply)
	a := byResource(res)["i-1"]
	if a.Status != reconcile.Failed || !strings.Contains(a.Error, "record the stop in tag opsd:shutdown:last-action first") {
		t.Errorf("i-1: %s %q", a.Status, a.Error)
	}
	if f.ec2.state("i-1") != "running" {
		t.Errorf("i-1 was stopped without its intent recorded: %s", f.ec2.state("i-1"))
	}
	for _, c := range f.ec2.mutating() {
		if strings.HasPrefix(c, "StopInstances") {
			t.Errorf("stop call %s", c)
		}
	}
}

func TestCapacity(t *testing.T) {
	c := Capacity{Min: 1, Max: 3, Desired: 2}
	got, err := ParseCapacity(c.String())
	if err != nil || got != c {
		t.Fatalf("ParseCapacity(%q) = %v, %v", c.String(), got, err)
	}
	for _, bad := range []string{"", "min=1,max=3", "min=1,max=3,desired=x", "min=2,max=3,desired=1", "min=1,max=3,desired=2,extra=1", "min=-1,max=3,desired=2"} {
		if _, err := ParseCapacity(bad); err == nil {
			t.Errorf("ParseCapacity(%q): no error", bad)
		}
	}
}

func TestTagValue(t *testing.T) {
	long := strings.Repeat("x", 300)
	for in, want := range map[string]string{
		"stop failed: IncorrectInstanceState: The instance 'i-1' is not in a state (running)": "stop failed: IncorrectInstanceState: The instance i-1 is not in a state running",
		long: long[:256],
	} {
		if got := tagValue(in); got != want {
			t.Errorf("tagValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsolate(t *testing.T) {
	var seen [][]string
	errs := isolate(context.Background(), []string{"a", "b", "c", "d", "e"}, 2, func(_ context.Context, ids []string) error {
		seen = append(seen, ids)
		if slices.Contains(ids, "c") {
			return apiError("IncorrectInstanceState", "bad c")
		}
		return nil
	})
	if len(errs) != 1 || errs["c"] == nil {
		t.Errorf("errs = %v, want only c", errs)
	}
	want := [][]string{{"a", "b"}, {"c", "d"}, {"c"}, {"d"}, {"e"}}
	if !slices.EqualFunc(seen, want, slices.Equal) {
		t.Errorf("calls = %v, want %v", seen, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errs = isolate(ctx, []string{"a", "b"}, 2, func(context.Context, []string) error { t.Error("called after cancel"); return nil })
	if len(errs) != 2 {
		t.Errorf("cancelled: errs = %v", errs)
	}
}

// One bad id among 1,000 costs a bisection (about two calls per halving),
// not 1,000 single calls; an error that is not about the ids fails the
// batch whole with one call.
func TestIsolateBisects(t *testing.T) {
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = fmt.Sprintf("i-%04d", i)
	}
	calls := 0
	errs := isolate(context.Background(), ids, 1000, func(_ context.Context, batch []string) error {
		calls++
		if slices.Contains(batch, "i-0617") {
			return apiError("UnsupportedOperation", "spot instance")
		}
		return nil
	})
	if len(errs) != 1 || errs["i-0617"] == nil {
		t.Errorf("errs = %v, want only i-0617", errs)
	}
	if calls > 21 {
		t.Errorf("%d calls to find one bad id among 1,000, want at most 21", calls)
	}

	for _, general := range []error{apiError("RequestLimitExceeded", "slow down"), apiError("UnauthorizedOperation", "no"), errors.New("dial tcp: connection refused")} {
		calls = 0
		errs = isolate(context.Background(), ids[:300], 1000, func(context.Context, []string) error { calls++; return general })
		if calls != 1 || len(errs) != 300 {
			t.Errorf("%v: %d calls and %d failed ids, want 1 call failing all 300", general, calls, len(errs))
		}
	}
}

// An instance opsd stopped that someone started by hand before the morning
// is recorded as an override, not stopped again, and not worth a message.
func TestManualStartIsRecordedNotUndone(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	inst := f.ec2.add("i-1", "running", withTags(stoppedByOpsd(dev()), "Name", "dev-api"))
	inst.LaunchTime = aws.Time(at(t, "2026-11-25T05:00:00Z"))
	res := h.run(t, "2026-11-25T05:30:00Z", reconcile.Apply)
	a := byResource(res)["i-1"]
	if a.Action != "mark" || a.Status != reconcile.Done || a.Details["name"] != "dev-api" {
		t.Fatalf("i-1: %+v", a)
	}
	if got := f.ec2.tags("i-1")["opsd:shutdown:last-action"]; got != "override" {
		t.Errorf("last-action = %q, want override", got)
	}
	for _, c := range f.ec2.mutating() {
		if strings.HasPrefix(c, "StopInstances") || strings.HasPrefix(c, "StartInstances") {
			t.Errorf("override acted on: %s", c)
		}
	}
	if n := len(h.rec.Messages()); n != 0 {
		t.Errorf("an override alone sent %d messages", n)
	}
	res = h.run(t, "2026-11-25T06:00:00Z", reconcile.Apply)
	if a := byResource(res)["i-1"]; a.Action != "none" || f.ec2.state("i-1") != "running" {
		t.Errorf("later run: %+v, %s", a, f.ec2.state("i-1"))
	}
}
