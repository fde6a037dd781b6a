package monitor

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

const otherAccount = "222222222222"

// harness is a Service over fakes, one per account, in eu-west-2.
type harness struct {
	svc   *Service
	fakes map[string]*fakeAWS
	rec   *notify.Recorder
}

func newHarness(t *testing.T, cfg Config, accts ...string) *harness {
	t.Helper()
	if len(accts) == 0 {
		accts = []string{testAccount}
	}
	h := &harness{fakes: map[string]*fakeAWS{}, rec: &notify.Recorder{}}
	var targets []accounts.Target
	for _, a := range accts {
		h.fakes[a] = newFakeAWS()
		// AppID carries the account to the client factory.
		targets = append(targets, accounts.Target{Account: a, Region: testRegion, Config: aws.Config{Region: testRegion, AppID: a}})
	}
	svc, err := New(cfg, Deps{
		Targets:  func(context.Context) ([]accounts.Target, error) { return targets, nil },
		FanOut:   accounts.FanOut{Limit: 2},
		Notifier: h.rec,
		Clients:  func(c aws.Config) Clients { return h.fakes[c.AppID].clients() },
	})
	if err != nil {
		t.Fatal(err)
	}
	h.svc = svc
	return h
}

func (h *harness) f() *fakeAWS { return h.fakes[testAccount] }

func (h *harness) run(mode reconcile.Mode) reconcile.Result {
	return h.svc.Reconcile(context.Background(), reconcile.Request{Now: testNow, Mode: mode})
}

// serviceConfig watches EC2 instances only, with an alarm topic.
func serviceConfig() Config {
	c := DefaultConfig()
	c.Enabled = true
	c.AlarmTopics = []string{"arn:aws:sns:{region}:{account}:ops-alerts"}
	c.Scope.Kinds = []string{"ec2"}
	c.Dashboards.Enabled = false
	c.LogRetention.Enabled = false
	return c
}

func prod() map[string]string { return map[string]string{"Environment": "production"} }

// managedAlarm is an alarm opsd made on instance id for metric.
func managedAlarm(id, metric string) (cwtypes.MetricAlarm, map[string]string) {
	return cwtypes.MetricAlarm{
			AlarmName: aws.String(alarmName(KindEC2, id, metric)), Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"),
			Period: aws.Int32(300), EvaluationPeriods: aws.Int32(3), Threshold: aws.Float64(80),
		},
		map[string]string{"opsd:managed": "true", "opsd:resource": id}
}

func byStatus(res reconcile.Result, s reconcile.Status) []reconcile.Action {
	var out []reconcile.Action
	for _, a := range res.Actions {
		if a.Status == s {
			out = append(out, a)
		}
	}
	return out
}

func TestApplyCreatesOnceThenStaysQuiet(t *testing.T) {
	h := newHarness(t, serviceConfig())
	h.f().addInstance("i-web", prod())
	res := h.run(reconcile.Apply)
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	if done := byStatus(res, reconcile.Done); len(done) != 2 {
		t.Fatalf("done = %+v, want the status and cpu alarms", done)
	}
	if puts := h.f().mutating(); !slices.Equal(puts, []string{
		"PutMetricAlarm opsd-ec2-i-web-status,tags=2", "PutMetricAlarm opsd-ec2-i-web-cpu,tags=2",
	}) {
		t.Errorf("calls = %v", puts)
	}
	if r := byStatus(res, reconcile.Reported); len(r) != 1 || r[0].Resource != "i-web" || !strings.Contains(r[0].Reason, "agent") {
		t.Errorf("reports = %+v, want the instance without agent metrics", r)
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || msgs[0].Title != "Monitoring: 2 alarms created" || msgs[0].Severity != notify.Warning {
		t.Fatalf("messages = %+v", msgs)
	}
	if !strings.Contains(msgs[0].Text, "create-alarm `opsd-ec2-i-web-cpu`") || !strings.Contains(msgs[0].Text, "Needs a person") {
		t.Errorf("text = %s", msgs[0].Text)
	}

	h.f().calls = calls{}
	again := h.run(reconcile.Apply)
	if m := h.f().mutating(); len(m) != 0 {
		t.Errorf("second run called %v", m)
	}
	if len(byStatus(again, reconcile.Done)) != 0 || len(h.rec.Messages()) != 1 {
		t.Errorf("second run did %+v and sent %d messages", byStatus(again, reconcile.Done), len(h.rec.Messages()))
	}
}

func TestPlanMakesNoMutatingCallAndTellsNoOne(t *testing.T) {
	h := newHarness(t, serviceConfig())
	h.f().addInstance("i-web", prod())
	a, tags := managedAlarm("i-gone", MetricCPU)
	h.f().addAlarm(a, tags)
	res := h.run(reconcile.Plan)
	if m := h.f().mutating(); len(m) != 0 {
		t.Errorf("plan called %v", m)
	}
	if len(h.rec.Messages()) != 0 {
		t.Errorf("plan sent %+v", h.rec.Messages())
	}
	want := map[string]reconcile.Status{
		"create-alarm opsd-ec2-i-web-status": reconcile.Planned,
		"create-alarm opsd-ec2-i-web-cpu":    reconcile.Planned,
		"delete-alarm opsd-ec2-i-gone-cpu":   reconcile.Planned,
		"report i-web":                       reconcile.Reported,
		"none coverage:(none)":               reconcile.Planned,
	}
	got := map[string]reconcile.Status{}
	for _, a := range res.Actions {
		got[a.Action+" "+a.Resource] = a.Status
		if a.Service != "monitor" || a.Account != testAccount || a.Region != testRegion || a.Reason == "" {
			t.Errorf("action %+v lacks service, account, region or reason", a)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("plan = %v\nwant %v", got, want)
	}
	if d, _ := find(res, "delete-alarm", "opsd-ec2-i-gone-cpu"); d.Reason != "EC2 instance i-gone no longer exists" {
		t.Errorf("delete reason = %q", d.Reason)
	}
}

func TestDeletesAlarmsInBatchesOfAtMost100(t *testing.T) {
	h := newHarness(t, serviceConfig())
	for i := range 230 {
		a, tags := managedAlarm(fmt.Sprintf("i-gone%03d", i), MetricCPU)
		h.f().addAlarm(a, tags)
	}
	res := h.run(reconcile.Apply)
	if !slices.Equal(h.f().deleteBatches, []int{100, 100, 30}) {
		t.Errorf("DeleteAlarms batches = %v, want [100 100 30]", h.f().deleteBatches)
	}
	if n := count(res, "delete-alarm", reconcile.Done); n != 230 {
		t.Errorf("%d deletes done, want 230", n)
	}
	if len(h.f().alarms) != 0 {
		t.Errorf("%d alarms left", len(h.f().alarms))
	}
}

func TestDeleteBatchFailureIsIsolated(t *testing.T) {
	h := newHarness(t, serviceConfig())
	for _, id := range []string{"i-a", "i-bad", "i-c"} {
		a, tags := managedAlarm(id, MetricCPU)
		h.f().addAlarm(a, tags)
	}
	h.f().deleteErr = func(names []string) error {
		if slices.Contains(names, "opsd-ec2-i-bad-cpu") {
			return apiError("ResourceNotFound", "alarm opsd-ec2-i-bad-cpu is being changed")
		}
		return nil
	}
	res := h.run(reconcile.Apply)
	if n := count(res, "delete-alarm", reconcile.Done); n != 2 {
		t.Errorf("%d deletes done, want 2", n)
	}
	bad, _ := find(res, "delete-alarm", "opsd-ec2-i-bad-cpu")
	if bad.Status != reconcile.Failed || !strings.Contains(bad.Error, "delete alarm opsd-ec2-i-bad-cpu") {
		t.Errorf("bad delete = %+v", bad)
	}
	if !slices.Equal(h.f().deleteBatches, []int{3, 1, 1, 1}) {
		t.Errorf("batches = %v, want the batch then one name at a time", h.f().deleteBatches)
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || msgs[0].Severity != notify.Error || !strings.Contains(msgs[0].Title, "1 failed") {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestUpdateRestoresFieldsAndTagsSeparately(t *testing.T) {
	h := newHarness(t, serviceConfig())
	h.f().addInstance("i-web", prod())
	h.run(reconcile.Apply)
	// Someone edits the threshold and removes the resource tag.
	name := alarmName(KindEC2, "i-web", MetricCPU)
	a, _ := h.f().alarm(name)
	a.Threshold = aws.Float64(95)
	h.f().addAlarm(a, map[string]string{"opsd:managed": "true", "team": "orders"})
	h.f().calls = calls{}

	res := h.run(reconcile.Apply)
	upd, ok := find(res, "update-alarm", name)
	if !ok || upd.Status != reconcile.Done || upd.Details["changes"] != "threshold: 95 → 80" || upd.Details["tags"] != "opsd:resource=i-web" {
		t.Errorf("update = %+v", upd)
	}
	if m := h.f().mutating(); !slices.Equal(m, []string{"PutMetricAlarm " + name + ",tags=0", "TagResource " + name}) {
		t.Errorf("calls = %v, want PutMetricAlarm without tags, then TagResource", m)
	}
	if got, _ := h.f().alarm(name); aws.ToFloat64(got.Threshold) != 80 {
		t.Errorf("threshold = %v", aws.ToFloat64(got.Threshold))
	}
	if tags := h.f().tagsOf(name); tags["opsd:resource"] != "i-web" || tags["team"] != "orders" {
		t.Errorf("tags = %v, want opsd's restored and the team's kept", tags)
	}
}

func TestFailingTargetKeepsItsAlarmsAndSparesTheOthers(t *testing.T) {
	h := newHarness(t, serviceConfig(), testAccount, otherAccount)
	for _, acct := range []string{testAccount, otherAccount} {
		a, tags := managedAlarm("i-gone", MetricCPU)
		h.fakes[acct].addAlarm(a, tags)
	}
	h.fakes[otherAccount].describeInstancesErr = apiError("UnauthorizedOperation", "You are not authorized to perform this operation.")
	res := h.run(reconcile.Apply)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "account 222222222222 region eu-west-2") ||
		!strings.Contains(res.Errors[0].Error(), "describe ec2 instances") {
		t.Fatalf("errors = %v", res.Errors)
	}
	if _, ok := h.fakes[otherAccount].alarm("opsd-ec2-i-gone-cpu"); !ok {
		t.Error("the alarm of an account whose instances could not be listed was deleted")
	}
	if _, ok := h.fakes[testAccount].alarm("opsd-ec2-i-gone-cpu"); ok {
		t.Error("the other account's alarm of a gone instance survived")
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Title, "1 not reached") || !strings.Contains(msgs[0].Text, "UnauthorizedOperation") {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestRepeatedFailureIsToldOnce(t *testing.T) {
	h := newHarness(t, serviceConfig())
	h.f().addInstance("i-web", prod())
	broken := true
	h.f().putAlarmErr = func(string) error {
		if broken {
			return apiError("LimitExceeded", "too many alarms")
		}
		return nil
	}
	first := h.run(reconcile.Apply)
	if n := len(byStatus(first, reconcile.Failed)); n != 2 {
		t.Fatalf("%d failed, want 2", n)
	}
	if len(h.rec.Messages()) != 1 {
		t.Fatalf("messages after the first failure = %d", len(h.rec.Messages()))
	}
	h.run(reconcile.Apply)
	if len(h.rec.Messages()) != 1 {
		t.Errorf("the same failure was told again: %+v", h.rec.Messages()[1:])
	}
	broken = false
	h.run(reconcile.Apply)
	msgs := h.rec.Messages()
	if len(msgs) != 2 || msgs[1].Title != "Monitoring: 2 alarms created" {
		t.Errorf("messages after the fix = %+v", msgs)
	}
}

func TestUnreadableAlarmTagsChangeNoAlarm(t *testing.T) {
	h := newHarness(t, serviceConfig())
	h.f().addInstance("i-web", prod())
	a, tags := managedAlarm("i-gone", MetricCPU)
	h.f().addAlarm(a, tags)
	h.f().listAlarmTagsErr = apiError("Throttling", "Rate exceeded")
	res := h.run(reconcile.Apply)
	if m := h.f().mutating(); len(m) != 0 {
		t.Errorf("called %v with alarm tags unknown", m)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "list tags of alarm opsd-ec2-i-gone-cpu") {
		t.Errorf("errors = %v", res.Errors)
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	c := DefaultConfig()
	c.LogRetention.Days = 200
	if _, err := New(c, Deps{}); err == nil || !strings.Contains(err.Error(), "monitor.log_retention.days") {
		t.Errorf("New = %v", err)
	}
}
