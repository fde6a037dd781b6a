package shutdown

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// silencingService is a shutdown service over f that silences alarms,
// keeping its record in keeper.
func silencingService(t *testing.T, f *fakes, keeper state.Keeper) *Service {
	t.Helper()
	cfg := DefaultConfig()
	cfg.SilenceAlarms = true
	svc, err := New(cfg, Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			return []accounts.Target{{Account: acct, Region: region, Config: aws.Config{Region: region}}}, nil
		},
		FanOut:   accounts.FanOut{Limit: 1},
		Notifier: &notify.Recorder{},
		Location: mustLoc(t, "Europe/London"),
		Clients:  func(aws.Config) Clients { return f.clients() },
		State:    keeper,
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func reconcileWith(t *testing.T, svc *Service, now string) reconcile.Result {
	t.Helper()
	return svc.Reconcile(context.Background(), reconcile.Request{Now: at(t, now), Mode: reconcile.Apply})
}

// What opsd stops for the night has its alarms' actions turned off before
// the stop, and back on once it runs again and passes its status checks;
// an alarm someone had turned off, and the alarms of an instance stopped
// by hand, are left as they are. The record is in the state store, so a
// new process (a restart, a failover) turns exactly those back on.
func TestAlarmsSilencedOvernightAndBackOnWhenHealthy(t *testing.T) {
	f := newFakes()
	f.cw = &fakeCloudWatch{}
	f.ec2.add("i-1", "running", dev())
	f.ec2.add("i-2", "stopped", dev())
	f.cw.add("opsd-i-1-cpu", "InstanceId", "i-1", true)
	f.cw.add("team-i-1-disk", "InstanceId", "i-1", false)
	f.cw.add("opsd-i-2-cpu", "InstanceId", "i-2", true)
	var runningAtDisable string
	keeper := state.NewTolerant(state.NewMemory(), slog.New(slog.DiscardHandler))

	svc := silencingService(t, f, keeper)
	f.cw.onDisable = func() { runningAtDisable = f.ec2.state("i-1") }
	res := reconcileWith(t, svc, evening)
	if f.ec2.state("i-1") != "stopped" {
		t.Fatalf("i-1 is %s after the evening run", f.ec2.state("i-1"))
	}
	if runningAtDisable != "running" {
		t.Errorf("alarm actions were turned off when i-1 was %q: want before the stop", runningAtDisable)
	}
	if f.cw.enabled("opsd-i-1-cpu") || f.cw.enabled("team-i-1-disk") || !f.cw.enabled("opsd-i-2-cpu") {
		t.Errorf("after the stop: opsd-i-1-cpu %v, team-i-1-disk %v, opsd-i-2-cpu %v; want off, off, on",
			f.cw.enabled("opsd-i-1-cpu"), f.cw.enabled("team-i-1-disk"), f.cw.enabled("opsd-i-2-cpu"))
	}
	if note := byResource(res)["i-1"].Details["alarms"]; !strings.Contains(note, "opsd-i-1-cpu") || strings.Contains(note, "team-i-1-disk") {
		t.Errorf("i-1's alarms note %q", note)
	}

	// The morning: a new process starts it; its alarms stay quiet until
	// it runs and passes its status checks.
	svc = silencingService(t, f, keeper)
	f.ec2.impaired = []string{"i-1"}
	reconcileWith(t, svc, morning)
	if f.ec2.state("i-1") != "running" || f.cw.enabled("opsd-i-1-cpu") {
		t.Fatalf("morning start: i-1 %s, opsd-i-1-cpu on %v", f.ec2.state("i-1"), f.cw.enabled("opsd-i-1-cpu"))
	}
	reconcileWith(t, svc, "2026-11-25T07:10:00Z")
	if f.cw.enabled("opsd-i-1-cpu") {
		t.Error("alarm actions back on while i-1 fails its status checks")
	}
	res = reconcileWith(t, svc, "2026-11-25T08:10:00Z")
	if since := byResource(res)["i-1"].Details["alarms_silenced_since"]; since != "2026-11-24T19:05:00Z" {
		t.Errorf("an hour into the on period, still silenced: alarms_silenced_since = %q", since)
	}
	f.ec2.impaired = nil
	reconcileWith(t, silencingService(t, f, keeper), "2026-11-25T08:15:00Z")
	if !f.cw.enabled("opsd-i-1-cpu") || f.cw.enabled("team-i-1-disk") {
		t.Errorf("healthy again: opsd-i-1-cpu on %v (want true), team-i-1-disk on %v (want false)", f.cw.enabled("opsd-i-1-cpu"), f.cw.enabled("team-i-1-disk"))
	}
	if st, _ := state.Load[alarmState](context.Background(), keeper, ServiceName, "alarms-"+acct+"-"+region); len(st.Silenced) != 0 {
		t.Errorf("record after turning them back on: %+v", st.Silenced)
	}
}

// A stop that fails leaves the instance running: its alarms are turned
// back on in the same run.
func TestAlarmsBackOnWhenTheStopFails(t *testing.T) {
	f := newFakes()
	f.cw = &fakeCloudWatch{}
	f.ec2.add("i-1", "running", dev())
	f.cw.add("opsd-i-1-cpu", "InstanceId", "i-1", true)
	f.ec2.stopErr = func([]string, bool) error { return apiError("UnauthorizedOperation", "no") }
	reconcileWith(t, silencingService(t, f, nil), evening)
	if f.ec2.state("i-1") != "running" || !f.cw.enabled("opsd-i-1-cpu") {
		t.Errorf("failed stop: i-1 %s, alarm actions on %v; want running, on", f.ec2.state("i-1"), f.cw.enabled("opsd-i-1-cpu"))
	}
}

// Without the monitor service (SilenceAlarms off) no alarm is read.
func TestAlarmsNotTouchedWithoutMonitor(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.f().cw = &fakeCloudWatch{}
	h.f().ec2.add("i-1", "running", dev())
	h.f().cw.add("opsd-i-1-cpu", "InstanceId", "i-1", true)
	h.run(t, evening, reconcile.Apply)
	if n := len(h.f().cw.all()); n != 0 || !h.f().cw.enabled("opsd-i-1-cpu") {
		t.Errorf("%d CloudWatch calls: %v", n, h.f().cw.all())
	}
}

// A resource still silent well into its on period rides along in the
// summary, under a heading that asks for a person.
func TestSummaryListsAlarmsStillSilent(t *testing.T) {
	p := testPlanner(t)
	now := at(t, "2026-11-25T08:10:00Z")
	d := p.Decide(Observation{Kind: KindEC2, ID: "i-1", Account: acct, Region: region, State: StateRunning, Tags: dev()}, now)
	g := newDigest()
	g.add(&task{d: d, r: &resource{Observation: d.Observation}, silencedSince: at(t, evening)}, "opsd:shutdown:last-error")
	g.add(&task{d: Decision{Action: ActionStop, Intent: d.Intent}, r: &resource{Observation: Observation{Kind: KindEC2, ID: "i-2", Account: acct, Region: region}}}, "opsd:shutdown:last-error")
	m, ok := summarize(g, nil, 0)
	if !ok || !strings.Contains(m.Text, "*Alarms still silent (needs a person)*") || !strings.Contains(m.Text, "`i-1`") || !strings.Contains(m.Text, "alarm actions off since Tue 24 Nov 19:05") {
		t.Errorf("summary text:\n%s", m.Text)
	}
}
