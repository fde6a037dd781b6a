package patching

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/state"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// env is the service over fakes, in one account and region.
type env struct {
	ec2   *fakeEC2
	ssm   *fakeSSM
	sns   *fakeSNS
	rec   *notify.Recorder
	slack notify.Notifier
	cfg   Config
	// state is what a restart keeps; nil: nothing.
	state  state.Keeper
	sleeps int
	// stopFollowing makes Sleep fail: the reconcile ends as if its time
	// ran out.
	stopFollowing bool
	mu            sync.Mutex
}

func newEnv(t *testing.T, mutate func(*Config)) *env {
	t.Helper()
	e := &env{ec2: &fakeEC2{}, ssm: newFakeSSM(), sns: &fakeSNS{}, rec: &notify.Recorder{}}
	e.slack = e.rec
	e.cfg = testConfig(mutate)
	return e
}

// service builds a service over the env's fakes: a new one is a daemon
// restart, with nothing in memory.
func (e *env) service(t *testing.T) *Service {
	t.Helper()
	svc, err := New(e.cfg, Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			return []accounts.Target{{Account: acct, Region: region}}, nil
		},
		FanOut:   accounts.FanOut{Limit: 2},
		Notifier: e.slack,
		Location: london(t),
		Clients:  func(aws.Config) Clients { return Clients{EC2: e.ec2, SSM: e.ssm, SNS: e.sns} },
		State:    e.state,
		Sleep: func(ctx context.Context, d time.Duration) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.sleeps++
			if e.stopFollowing {
				return context.DeadlineExceeded
			}
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (e *env) messages() []notify.Message { return e.rec.Messages() }

func run(t *testing.T, svc *Service, now time.Time, mode reconcile.Mode) reconcile.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return svc.Reconcile(ctx, reconcile.Request{Now: now, Mode: mode})
}

// actionsOf returns the result's actions on the instance.
func actionsOf(res reconcile.Result, id string) []reconcile.Action {
	var out []reconcile.Action
	for _, a := range res.Actions {
		if a.Resource == id {
			out = append(out, a)
		}
	}
	return out
}

func hasAction(res reconcile.Result, id, action string, status reconcile.Status) bool {
	for _, a := range actionsOf(res, id) {
		if a.Action == action && a.Status == status {
			return true
		}
	}
	return false
}

func TestServiceName(t *testing.T) {
	svc := newEnv(t, nil).service(t)
	if svc.Name() != "patching" || svc.Schedule() != "*/10 * * * *" || svc.Timeout() != 8*time.Minute {
		t.Errorf("%s %s %s", svc.Name(), svc.Schedule(), svc.Timeout())
	}
}

func TestPlanModeChangesNothingAndSaysWhatWouldBeDone(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		w := c.Windows["default"]
		w.WakeStopped = true
		c.Windows["default"] = w
	})
	e.ec2.addInstance("i-scan", stateRunning, "TOSCAN", "Name=web-1")
	e.ec2.addInstance("i-patch", stateRunning, "TOPATCH")
	e.ec2.addInstance("i-sleepy", stateStopped, "TOPATCH")
	e.ec2.addInstance("i-lost", stateRunning, "TOSCAN")
	e.ec2.addInstance("i-typo", stateRunning, "TOPATCH=weekly")
	e.ssm.setManaged(online("Ubuntu"), "i-scan", "i-patch", "i-typo")
	e.ssm.setManaged(Managed{PingStatus: "ConnectionLost", PlatformType: "Windows", PlatformName: "Windows"}, "i-sleepy")
	svc := e.service(t)

	// Sunday 01:10: the latest scan occurrence (Saturday 02:00) has no
	// scan yet, and the window is open.
	res := run(t, svc, sundayWindow.Add(10*time.Minute), reconcile.Plan)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	if m := append(e.ec2.mutating(), e.ssm.mutating()...); len(m) != 0 {
		t.Errorf("plan mode made mutating calls: %v", m)
	}
	if len(e.messages()) != 0 {
		t.Errorf("plan mode notified: %v", e.messages())
	}
	scan := actionsOf(res, "i-scan")
	if len(scan) != 1 || scan[0].Action != "scan" || scan[0].Status != reconcile.Planned {
		t.Fatalf("i-scan actions %+v", scan)
	}
	d := scan[0].Details
	if d["document"] != "AWS-RunPatchBaseline" || d["operation"] != "Scan" || d["chunk"] != "1/1" || d["managed"] != "Online, Ubuntu 22.04" ||
		d["comment"] != "opsd scan 2026-11-28T02:00Z" || d["max_concurrency"] != "50%" || d["name"] != "web-1" {
		t.Errorf("scan details %v", d)
	}
	if !hasAction(res, "i-patch", "install", reconcile.Planned) || !hasAction(res, "i-sleepy", "start-for-patching", reconcile.Planned) {
		t.Errorf("actions %+v", res.Actions)
	}
	if a := actionsOf(res, "i-patch")[0]; a.Details["reboot_option"] != RebootIfNeeded || a.Details["comment"] != "opsd install default 2026-11-29T01:00Z" {
		t.Errorf("install details %v", a.Details)
	}
	if !hasAction(res, "i-lost", "report", reconcile.Reported) || !hasAction(res, "i-typo", "report", reconcile.Reported) {
		t.Errorf("unmanaged or unknown window not reported: %+v", res.Actions)
	}
}

func TestScanAlertFollowsTheCommandAndTellsOnce(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.SNSTopicARN = "arn:aws:sns:eu-west-1:123456789012:patching" })
	e.ec2.addInstance("i-1", stateRunning, "TOSCAN", "Name=web-1")
	e.ec2.addInstance("i-2", stateRunning, "TOSCAN")
	e.ec2.addInstance("i-3", stateRunning, "TOSCAN")
	e.ec2.addInstance("i-4", stateRunning, "TOSCAN")
	e.ssm.setManaged(online("Windows"), "i-1")
	e.ssm.setManaged(online("Ubuntu"), "i-2", "i-3")
	e.ssm.states["i-1"] = PatchState{Operation: "Scan", OperationEnd: tuesdayScan.Add(5 * time.Minute), CriticalNonCompliant: 1, SecurityNonCompliant: 4}
	e.ssm.states["i-2"] = PatchState{Operation: "Scan", OperationEnd: tuesdayScan.Add(5 * time.Minute)}
	e.ssm.script = func(c *fakeCommand, id string, look int) string {
		switch {
		case look < 2:
			return "InProgress"
		case id == "i-3":
			return "Failed"
		}
		return "Success"
	}
	svc := e.service(t)
	now := tuesdayScan.Add(3 * time.Minute)
	res := run(t, svc, now, reconcile.Apply)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	if got := e.ssm.count("SendCommand"); got != 1 {
		t.Fatalf("SendCommand %d times, want 1", got)
	}
	if e.sleeps < 2 {
		t.Errorf("slept %d times following the command", e.sleeps)
	}
	msgs := e.messages()
	if len(msgs) != 1 {
		t.Fatalf("messages %+v", msgs)
	}
	m := msgs[0]
	if m.Kind != notify.KindPatching || m.Severity != notify.Error ||
		m.Title != "Patch scan Tue 24 Nov 02:00 GMT: 1 instance missing critical or important patches, 1 scan failed, 1 not scanned" {
		t.Errorf("message %q %s", m.Title, m.Severity)
	}
	if m.Table == nil || len(m.Table.Rows) != 1 || strings.Join(m.Table.Rows[0], "|") != "i-1|web-1|123456789012|eu-west-2|Windows Server 2022|1|4|Tue 24 Nov 02:05 GMT" {
		t.Errorf("table %+v", m.Table)
	}
	for _, want := range []string{"*Scan failed*", "`i-3`", "apt-get failed on i-3", "*Not scanned*", "`i-4`", "not managed by SSM"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if len(e.sns.published) != 1 || !strings.Contains(aws.ToString(e.sns.published[0].Message), "i-1 | web-1") {
		t.Errorf("sns %+v", e.sns.published)
	}
	if v, _ := e.ec2.tag("i-1", "opsd:patching:scan-reported"); v != "2026-11-24T02:00Z" {
		t.Errorf("i-1 reported tag %q", v)
	}
	if v, _ := e.ec2.tag("i-4", "opsd:patching:scan-reported"); v != "2026-11-24T02:00Z not-scanned" {
		t.Errorf("i-4 reported tag %q", v)
	}
	if !hasAction(res, "i-3", "scan-result", reconcile.Failed) || !hasAction(res, "i-1", "scan-result", reconcile.Reported) ||
		!hasAction(res, "i-2", "scan-result", reconcile.Done) || !hasAction(res, "i-1", "scan", reconcile.Done) {
		t.Errorf("actions %+v", res.Actions)
	}

	// The next reconciles, and a restarted daemon, neither send nor tell again.
	for _, svc := range []*Service{svc, e.service(t)} {
		res = run(t, svc, now.Add(10*time.Minute), reconcile.Apply)
		if len(res.Errors) != 0 || e.ssm.count("SendCommand") != 1 || len(e.messages()) != 1 {
			t.Fatalf("again: errors %v, %d sends, %d messages", res.Errors, e.ssm.count("SendCommand"), len(e.messages()))
		}
	}
	if n := e.ssm.count("ListCommandInvocations"); n == 0 {
		t.Error("never read invocations")
	}
	before := e.ssm.count("ListCommandInvocations")
	run(t, svc, now.Add(20*time.Minute), reconcile.Apply)
	if e.ssm.count("ListCommandInvocations") != before {
		t.Error("invocations of a reported run were read again")
	}
}

func TestRestartInTheMiddleOfAScan(t *testing.T) {
	e := newEnv(t, nil)
	e.ec2.addInstance("i-1", stateRunning, "TOSCAN")
	e.ssm.setManaged(online("Ubuntu"), "i-1")
	e.ssm.states["i-1"] = PatchState{Missing: 2}
	inProgress := true
	e.ssm.script = func(*fakeCommand, string, int) string {
		if inProgress {
			return "InProgress"
		}
		return "Success"
	}
	e.stopFollowing = true
	res := run(t, e.service(t), tuesdayScan, reconcile.Apply)
	if len(res.Errors) != 0 || e.ssm.count("SendCommand") != 1 || len(e.messages()) != 0 {
		t.Fatalf("first: %v, %d sends, %d messages", res.Errors, e.ssm.count("SendCommand"), len(e.messages()))
	}
	if !hasAction(res, "i-1", "scan", reconcile.Done) {
		t.Errorf("the reconcile that ran out of time says %+v", res.Actions)
	}

	// The daemon restarts; the command is still under way, then finishes.
	restarted := e.service(t)
	res = run(t, restarted, tuesdayScan.Add(10*time.Minute), reconcile.Apply)
	if e.ssm.count("SendCommand") != 1 || len(e.messages()) != 0 {
		t.Fatalf("after restart: %d sends, %d messages", e.ssm.count("SendCommand"), len(e.messages()))
	}
	inProgress = false
	e.stopFollowing = false
	res = run(t, restarted, tuesdayScan.Add(20*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 || e.ssm.count("SendCommand") != 1 || len(e.messages()) != 1 {
		t.Fatalf("finished: %v, %d sends, %d messages", res.Errors, e.ssm.count("SendCommand"), len(e.messages()))
	}
	if !strings.Contains(e.messages()[0].Title, "1 instance missing") {
		t.Errorf("alert %q", e.messages()[0].Title)
	}
}

func TestInstallRunWithFirstWaveAndReport(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		w := c.Windows["default"]
		w.FirstWave = 1
		w.RebootOption = NoReboot
		c.Windows["default"] = w
	})
	for _, id := range []string{"i-1", "i-2", "i-3", "i-4"} {
		e.ec2.addInstance(id, stateRunning, "TOPATCH")
	}
	e.ec2.addInstance("i-5", stateStopped, "TOPATCH")
	e.ssm.setManaged(online("Ubuntu"), "i-1", "i-2", "i-3", "i-4")
	e.ssm.states["i-2"] = PatchState{Operation: "Install", InstalledPendingReboot: 3}
	e.ssm.script = func(c *fakeCommand, id string, look int) string {
		switch {
		case look == 0:
			return "InProgress"
		case id == "i-3":
			return "Failed"
		}
		return "Success"
	}
	svc := e.service(t)
	res := run(t, svc, sundayWindow.Add(5*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 {
		t.Fatal(res.Errors)
	}
	sent := e.ssm.sent()
	if len(sent) != 2 {
		t.Fatalf("commands %d, want the first wave and the rest", len(sent))
	}
	if c := aws.ToString(sent[0].in.Comment); c != "opsd install default 2026-11-29T01:00Z first" || strings.Join(sent[0].in.InstanceIds, ",") != "i-1" {
		t.Errorf("first wave %q %v", c, sent[0].in.InstanceIds)
	}
	if strings.Join(sent[1].in.InstanceIds, ",") != "i-2,i-3,i-4" || sent[1].in.Parameters["RebootOption"][0] != NoReboot {
		t.Errorf("rest %v %v", sent[1].in.InstanceIds, sent[1].in.Parameters)
	}
	if aws.ToInt32(sent[1].in.TimeoutSeconds) != int32((2*time.Hour+55*time.Minute)/time.Second) {
		t.Errorf("delivery timeout %d", aws.ToInt32(sent[1].in.TimeoutSeconds))
	}
	msgs := e.messages()
	if len(msgs) != 1 {
		t.Fatalf("messages %+v", msgs)
	}
	m := msgs[0]
	if m.Title != "Patch run default (Sun 29 Nov 01:00 GMT): 2 installed, 1 failed, 1 pending reboot, 1 not patched" || m.Severity != notify.Error {
		t.Errorf("title %q %s", m.Title, m.Severity)
	}
	for _, want := range []string{"*Failed*", "apt-get failed on i-3", "*Pending reboot*", "`i-2`", "3 patches installed wait for a reboot", "*Not patched*", "`i-5`", "wake_stopped is false"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if !hasAction(res, "i-3", "install-result", reconcile.Failed) || !hasAction(res, "i-1", "install-result", reconcile.Done) ||
		!hasAction(res, "i-2", "install-result", reconcile.Reported) || !hasAction(res, "i-5", "report", reconcile.Reported) {
		t.Errorf("actions %+v", res.Actions)
	}
	if !res.Failed() {
		t.Error("a run with a failed install is not a failed reconcile")
	}

	res = run(t, e.service(t), sundayWindow.Add(15*time.Minute), reconcile.Apply)
	if len(e.ssm.sent()) != 2 || len(e.messages()) != 1 {
		t.Errorf("again after a restart: %d commands, %d messages", len(e.ssm.sent()), len(e.messages()))
	}
}

func TestWakeStartsPatchesAndStopsAgain(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		w := c.Windows["default"]
		w.WakeStopped = true
		w.OnlineTimeout = 30 * time.Minute
		c.Windows["default"] = w
	})
	e.ec2.addInstance("i-1", stateStopped, "TOPATCH", "Name=dev-api")
	e.ec2.addInstance("i-2", stateStopped, "TOPATCH", "Name=dev-never")
	e.ssm.setManaged(Managed{PingStatus: "ConnectionLost", PlatformType: "Linux", PlatformName: "Ubuntu"}, "i-1", "i-2")
	svc := e.service(t)

	// 00:45: both are started and held.
	res := run(t, svc, sundayWindow.Add(-15*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 || e.ec2.count("StartInstances") != 2 {
		t.Fatalf("errors %v, calls %v", res.Errors, e.ec2.all())
	}
	if v, _ := e.ec2.tag("i-1", holdKey); v != "2026-11-29T04:00:00Z" {
		t.Errorf("hold %q", v)
	}
	if !hasAction(res, "i-1", "start-for-patching", reconcile.Done) {
		t.Errorf("actions %+v", res.Actions)
	}

	// 01:05: i-1 is Online and patched, then stopped again; i-2 never
	// shows Online.
	e.ssm.setManaged(online("Ubuntu"), "i-1")
	res = run(t, svc, sundayWindow.Add(5*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 || len(e.ssm.sent()) != 1 || strings.Join(e.ssm.sent()[0].in.InstanceIds, ",") != "i-1" {
		t.Fatalf("errors %v, sent %d", res.Errors, len(e.ssm.sent()))
	}
	if e.ec2.get("i-1").state != stateStopped {
		t.Errorf("i-1 is %s after patching, want stopped again", e.ec2.get("i-1").state)
	}
	if _, ok := e.ec2.tag("i-1", holdKey); ok {
		t.Error("hold tag left on i-1")
	}
	if _, ok := e.ec2.tag("i-1", wokenKey); ok {
		t.Error("woken tag left on i-1")
	}
	if e.ec2.get("i-2").state != stateRunning || len(e.messages()) != 0 {
		t.Errorf("i-2 %s, messages %d: the run is not over while i-2 may still come Online", e.ec2.get("i-2").state, len(e.messages()))
	}

	// 01:20: i-2 is given up on and stopped; the run's report goes out.
	res = run(t, svc, sundayWindow.Add(20*time.Minute), reconcile.Apply)
	if e.ec2.get("i-2").state != stateStopped {
		t.Errorf("i-2 is %s, want stopped again", e.ec2.get("i-2").state)
	}
	if _, ok := e.ec2.tag("i-2", holdKey); ok {
		t.Error("hold tag left on i-2")
	}
	msgs := e.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Title, "1 installed, 0 failed, 0 pending reboot, 1 not patched") ||
		!strings.Contains(msgs[0].Text, "did not show Online in SSM within 30m0s") {
		t.Fatalf("messages %+v", msgs)
	}
	if msgs[0].Table == nil || !strings.HasSuffix(strings.Join(msgs[0].Table.Rows[0], "|"), "|installed") {
		t.Errorf("table %+v", msgs[0].Table)
	}

	// Later in the window: nothing is started again; after it, the
	// gave-up record goes.
	starts := e.ec2.count("StartInstances")
	run(t, svc, sundayWindow.Add(time.Hour), reconcile.Apply)
	run(t, svc, sundayWindow.Add(4*time.Hour), reconcile.Apply)
	if e.ec2.count("StartInstances") != starts {
		t.Error("an instance was started again for the same window")
	}
	if _, ok := e.ec2.tag("i-2", wokenKey); ok {
		t.Error("woken tag left on i-2 after the window")
	}
	if len(e.messages()) != 1 {
		t.Errorf("%d messages", len(e.messages()))
	}
}

func TestFailedStartTakesItsTagsOff(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		w := c.Windows["default"]
		w.WakeStopped = true
		c.Windows["default"] = w
	})
	e.ec2.addInstance("i-1", stateStopped, "TOPATCH")
	e.ssm.setManaged(Managed{PingStatus: "ConnectionLost", PlatformType: "Linux", PlatformName: "Ubuntu"}, "i-1")
	e.ec2.startErr = apiError("IncorrectInstanceState", "nope")
	res := run(t, e.service(t), sundayWindow.Add(-15*time.Minute), reconcile.Apply)
	if !hasAction(res, "i-1", "start-for-patching", reconcile.Failed) {
		t.Fatalf("actions %+v", res.Actions)
	}
	if _, ok := e.ec2.tag("i-1", holdKey); ok {
		t.Error("hold tag left after a failed start")
	}
	a := actionsOf(res, "i-1")[0]
	if !strings.Contains(a.Error, "start instance i-1 for patching") || !strings.Contains(a.Error, "IncorrectInstanceState") {
		t.Errorf("error %q", a.Error)
	}
}

func TestUndeliveredReportIsToldAgain(t *testing.T) {
	e := newEnv(t, nil)
	e.ec2.addInstance("i-1", stateRunning, "TOSCAN")
	e.ssm.setManaged(online("Ubuntu"), "i-1")
	e.ssm.states["i-1"] = PatchState{Missing: 1}
	failing := &flakyNotifier{err: errors.New("slack is down")}
	e.slack = failing
	res := run(t, e.service(t), tuesdayScan, reconcile.Apply)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "slack is down") {
		t.Fatalf("errors %v", res.Errors)
	}
	if _, ok := e.ec2.tag("i-1", "opsd:patching:scan-reported"); ok {
		t.Error("marked reported although the report was not delivered")
	}
	failing.err = nil
	res = run(t, e.service(t), tuesdayScan.Add(10*time.Minute), reconcile.Apply)
	if len(res.Errors) != 0 || len(failing.msgs) != 1 || e.ssm.count("SendCommand") != 1 {
		t.Fatalf("errors %v, %d messages, %d sends", res.Errors, len(failing.msgs), e.ssm.count("SendCommand"))
	}
}

type flakyNotifier struct {
	err  error
	msgs []notify.Message
}

func (f *flakyNotifier) Notify(_ context.Context, m notify.Message) error {
	if f.err != nil {
		return f.err
	}
	f.msgs = append(f.msgs, m)
	return nil
}

func TestTargetErrorIsToldOnceAndNamesTheTarget(t *testing.T) {
	e := newEnv(t, nil)
	e.ec2.describeErr = apiError("UnauthorizedOperation", "not allowed")
	svc := e.service(t)
	for range 2 {
		res := run(t, svc, tuesdayScan, reconcile.Apply)
		if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "account 123456789012 region eu-west-2") ||
			!strings.Contains(res.Errors[0].Error(), "describe instances") {
			t.Fatalf("errors %v", res.Errors)
		}
	}
	if msgs := e.messages(); len(msgs) != 1 || !strings.Contains(msgs[0].Text, "UnauthorizedOperation") {
		t.Errorf("messages %+v", msgs)
	}
}

func TestUnknownWindowIsToldOnce(t *testing.T) {
	e := newEnv(t, nil)
	e.ec2.addInstance("i-1", stateRunning, "TOPATCH=fortnightly")
	e.ssm.setManaged(online("Ubuntu"), "i-1")
	svc := e.service(t)
	run(t, svc, tuesdayScan, reconcile.Apply)
	run(t, svc, tuesdayScan.Add(10*time.Minute), reconcile.Apply)
	msgs := e.messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, `TOPATCH="fortnightly" names no patch window`) {
		t.Fatalf("messages %+v", msgs)
	}
	if len(e.ssm.sent()) != 0 {
		t.Error("an instance with an unknown window was patched")
	}
}

// With a state store a tag problem told once is not told again after a
// restart; without one it is.
func TestUnknownWindowIsToldOnceAcrossARestartWithState(t *testing.T) {
	e := newEnv(t, nil)
	e.state = state.NewTolerant(state.NewMemory(), nil)
	e.ec2.addInstance("i-1", stateRunning, "TOPATCH=fortnightly")
	e.ssm.setManaged(online("Ubuntu"), "i-1")
	run(t, e.service(t), tuesdayScan, reconcile.Apply)
	run(t, e.service(t), tuesdayScan.Add(10*time.Minute), reconcile.Apply)
	if n := len(e.messages()); n != 1 {
		t.Fatalf("after a restart with state: %d messages, want 1", n)
	}
	e.state = nil
	run(t, e.service(t), tuesdayScan.Add(20*time.Minute), reconcile.Apply)
	if n := len(e.messages()); n != 2 {
		t.Errorf("after a restart without state: %d messages, want the problem told again (2)", n)
	}
}

func TestSendFailureIsNotRetriedWithinTheReconcile(t *testing.T) {
	e := newEnv(t, nil)
	e.ec2.addInstance("i-1", stateRunning, "TOSCAN")
	e.ssm.setManaged(online("Ubuntu"), "i-1")
	e.ssm.sendErr = apiError("InvalidInstanceId", "not in a valid state")
	res := run(t, e.service(t), tuesdayScan, reconcile.Apply)
	if e.ssm.count("SendCommand") != 1 || !hasAction(res, "i-1", "scan", reconcile.Failed) {
		t.Fatalf("%d sends, actions %+v", e.ssm.count("SendCommand"), res.Actions)
	}
	if a := actionsOf(res, "i-1")[0]; !strings.Contains(a.Error, `send scan command "opsd scan 2026-11-24T02:00Z" to i-1`) {
		t.Errorf("error %q", a.Error)
	}
}
