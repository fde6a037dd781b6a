package patching

import (
	"strings"
	"testing"
	"time"
)

const (
	holdKey  = DefaultHoldUntilTag
	wokenKey = "opsd:patching:woken"
)

func wakePlanner(t *testing.T) *Planner {
	return testPlanner(t, func(c *Config) {
		w := c.Windows["default"]
		w.WakeStopped = true
		c.Windows["default"] = w
	})
}

func wokenTag(phase string, at time.Time) string {
	return wokenKey + "=" + wake{Run: installRun("default", sundayWindow), Phase: phase, At: at}.String()
}

func TestPlanWakeBeforeTheWindow(t *testing.T) {
	p := wakePlanner(t)
	o := newObs(inst("i-1", stateStopped, "TOPATCH"), inst("i-2", stateRunning, "TOPATCH"), inst("i-3", stateStopped, "TOPATCH")).
		managed(online("Ubuntu"), "i-2").managed(Managed{PingStatus: "ConnectionLost", PlatformType: "Linux", PlatformName: "Ubuntu"}, "i-1").
		managed(Managed{PingStatus: "ConnectionLost", PlatformType: "Linux", PlatformName: "Amazon Linux"}, "i-3")

	// 00:30 is before wake_before (20m): nothing yet.
	pl := p.Plan(o.o, sundayWindow.Add(-30*time.Minute))
	if got := verbs(pl, "i-1", PurposeInstall); got != "none" {
		t.Errorf("00:30: %s", got)
	}

	now := sundayWindow.Add(-15 * time.Minute)
	pl = p.Plan(o.o, now)
	it := one(t, pl, "i-1", PurposeInstall, VerbWake)
	if !it.Change.Start || it.Change.Stop || it.Change.Set[holdKey] != "2026-11-29T04:00:00Z" ||
		it.Change.Set[wokenKey] != "default 2026-11-29T01:00Z started 2026-11-29T00:45:00Z" {
		t.Errorf("wake change %+v", it.Change)
	}
	if !sameRun(it.Run, installRun("default", sundayWindow)) {
		t.Errorf("wake run %s", it.Run)
	}
	if got := verbs(pl, "i-2", PurposeInstall); got != "none" {
		t.Errorf("running instance before the window: %s", got)
	}
	if r := one(t, pl, "i-3", PurposeInstall, VerbReport); !strings.Contains(r.Reason, "unsupported platform") {
		t.Errorf("unsupported stopped instance: %q", r.Reason)
	}

	// Windows that do not wake leave it stopped.
	pl = testPlanner(t, nil).Plan(o.o, now)
	if got := verbs(pl, "i-1", PurposeInstall); got != "none" {
		t.Errorf("without wake_stopped: %s", got)
	}
}

func TestPlanWokenInstance(t *testing.T) {
	p := wakePlanner(t)
	run := installRun("default", sundayWindow)
	started := sundayWindow.Add(-15 * time.Minute)
	hold := holdKey + "=2026-11-29T04:00:00Z"
	tests := []struct {
		name    string
		now     time.Duration // after the window opens
		inst    Instance
		managed *Managed
		command []string // invocation status of a command of the run, if any
		verbs   string
		check   func(t *testing.T, pl *Plan)
	}{
		{
			name: "not yet Online", now: -5 * time.Minute,
			inst:  inst("i-1", stateRunning, "TOPATCH", hold, wokenTag(phaseStarted, started)),
			verbs: "wait",
		},
		{
			name: "Online before the window", now: -5 * time.Minute,
			inst: inst("i-1", stateRunning, "TOPATCH", hold, wokenTag(phaseStarted, started)), managed: ptr(online("Ubuntu")),
			verbs: "wait",
		},
		{
			name: "Online in the window: patched with the rest", now: 5 * time.Minute,
			inst: inst("i-1", stateRunning, "TOPATCH", hold, wokenTag(phaseStarted, started)), managed: ptr(online("Ubuntu")),
			verbs: "install",
			check: func(t *testing.T, pl *Plan) {
				if len(pl.Sends) != 1 || !one(t, pl, "i-1", PurposeInstall, VerbInstall).Woken {
					t.Errorf("sends %+v", pl.Sends)
				}
			},
		},
		{
			name: "never Online: give up", now: 5 * time.Minute,
			inst:  inst("i-1", stateRunning, "TOPATCH", hold, wokenTag(phaseStarted, started)),
			verbs: "stop-after-patching,report",
			check: func(t *testing.T, pl *Plan) {
				it := one(t, pl, "i-1", PurposeInstall, VerbStop)
				if !it.Change.Stop || it.Change.StopMark != DefaultStoppedAtTag || strings.Join(it.Change.Remove, ",") != holdKey || !strings.HasPrefix(it.Change.Set[wokenKey], "default 2026-11-29T01:00Z gave-up") {
					t.Errorf("give up change %+v", it.Change)
				}
				r := one(t, pl, "i-1", PurposeInstall, VerbReport)
				if !strings.Contains(r.Reason, "did not show Online in SSM within 15m0s") || r.Mark != run.skipMark() || !r.Report {
					t.Errorf("give up report %+v", r)
				}
			},
		},
		{
			name: "stopped by someone before the timeout: start again", now: -10 * time.Minute,
			inst:  inst("i-1", stateStopped, "TOPATCH", hold, wokenTag(phaseStarted, started)),
			verbs: "start-for-patching",
			check: func(t *testing.T, pl *Plan) {
				if ch := one(t, pl, "i-1", PurposeInstall, VerbWake).Change; !ch.Start || len(ch.Set) != 0 {
					t.Errorf("restart change %+v", ch)
				}
			},
		},
		{
			name: "install under way", now: time.Hour,
			inst: inst("i-1", stateRunning, "TOPATCH", hold, wokenTag(phaseStarted, started)), managed: ptr(online("Ubuntu")),
			command: []string{"InProgress"}, verbs: "wait",
		},
		{
			name: "install under way as the hold runs out", now: 2*time.Hour + 45*time.Minute,
			inst: inst("i-1", stateRunning, "TOPATCH", hold, wokenTag(phaseStarted, started)), managed: ptr(online("Ubuntu")),
			command: []string{"InProgress"}, verbs: "extend-hold",
			check: func(t *testing.T, pl *Plan) {
				it := one(t, pl, "i-1", PurposeInstall, VerbExtendHold)
				if it.Change.Set[holdKey] != "2026-11-29T04:45:00Z" || it.Change.Start || it.Change.Stop || !it.following() {
					t.Errorf("extend %+v", it)
				}
			},
		},
		{
			name: "patched: stop it again", now: time.Hour,
			inst: inst("i-1", stateRunning, "TOPATCH", hold, wokenTag(phaseStarted, started)), managed: ptr(online("Ubuntu")),
			command: []string{"Success"}, verbs: "result,stop-after-patching",
			check: func(t *testing.T, pl *Plan) {
				it := one(t, pl, "i-1", PurposeInstall, VerbStop)
				if !it.Change.Stop || it.Change.StopMark != DefaultStoppedAtTag || strings.Join(it.Change.Remove, ",") != holdKey+","+wokenKey || len(it.Change.Set) != 0 {
					t.Errorf("put back %+v", it.Change)
				}
				if r := one(t, pl, "i-1", PurposeInstall, VerbResult); !r.Woken || !r.Report {
					t.Errorf("result %+v", r)
				}
			},
		},
		{
			name: "patching failed: stop it again too", now: time.Hour,
			inst: inst("i-1", stateRunning, "TOPATCH", hold, wokenTag(phaseStarted, started)), managed: ptr(online("Ubuntu")),
			command: []string{"Failed"}, verbs: "result,stop-after-patching",
		},
		{
			name: "patched and stopped by someone: just the tags", now: time.Hour,
			inst:    inst("i-1", stateStopped, "TOPATCH", hold, wokenTag(phaseStarted, started), "opsd:patching:install-reported="+run.doneMark()),
			command: []string{"Success"}, verbs: "release",
		},
		{
			name: "gave up, window still open: not started again", now: time.Hour,
			inst:  inst("i-1", stateStopped, "TOPATCH", wokenTag(phaseGaveUp, sundayWindow.Add(5*time.Minute))),
			verbs: "none,report",
		},
		{
			name: "gave up, window over: remove the tags", now: 3 * time.Hour,
			inst:  inst("i-1", stateStopped, "TOPATCH", wokenTag(phaseGaveUp, sundayWindow.Add(5*time.Minute))),
			verbs: "release",
		},
		{
			name: "window over before it was patched", now: 3 * time.Hour,
			inst: inst("i-1", stateRunning, "TOPATCH", hold, wokenTag(phaseStarted, sundayWindow.Add(2*time.Hour+50*time.Minute))), managed: ptr(online("Ubuntu")),
			verbs: "stop-after-patching,report",
		},
		{
			name: "tag removed, woken kept: still put back", now: 3 * time.Hour,
			inst:  inst("i-1", stateRunning, hold, wokenTag(phaseStarted, started)),
			verbs: "stop-after-patching,report",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newObs(tt.inst)
			if tt.managed != nil {
				o.managed(*tt.managed, tt.inst.ID)
			}
			if tt.command != nil {
				o.command("c-1", run, false, []string{tt.inst.ID}, tt.command...)
			}
			pl := p.Plan(o.o, sundayWindow.Add(tt.now))
			if got := verbs(pl, tt.inst.ID, PurposeInstall); got != tt.verbs {
				for _, it := range find(pl, tt.inst.ID, PurposeInstall) {
					t.Logf("%s: %s", it.Verb, it.Reason)
				}
				t.Fatalf("verbs %q, want %q", got, tt.verbs)
			}
			for _, it := range pl.Items {
				if it.Verb.acts() && it.Verb != VerbInstall && !it.Woken {
					t.Errorf("%s acts on an instance without saying opsd started it", it.Verb)
				}
			}
			if tt.check != nil {
				tt.check(t, pl)
			}
		})
	}
}

func TestPlanWakeInsideTheWindow(t *testing.T) {
	p := wakePlanner(t)
	o := newObs(inst("i-1", stateStopped, "TOPATCH"))
	if it := one(t, p.Plan(o.o, sundayWindow.Add(time.Hour)), "i-1", PurposeInstall, VerbWake); it.Change.Set[holdKey] != "2026-11-29T04:00:00Z" {
		t.Errorf("wake in the window %+v", it.Change)
	}
	late := one(t, p.Plan(o.o, sundayWindow.Add(2*time.Hour+50*time.Minute)), "i-1", PurposeInstall, VerbReport)
	if !strings.Contains(late.Reason, "too little of the window") {
		t.Errorf("late: %q", late.Reason)
	}
}

func TestPlanWokenOddities(t *testing.T) {
	p := wakePlanner(t)
	gone := wokenKey + "=" + wake{Run: installRun("retired", sundayWindow), Phase: phaseStarted, At: sundayWindow}.String()
	o := newObs(
		inst("i-1", stateRunning, "TOPATCH", gone),
		inst("i-2", stateRunning, "TOPATCH", wokenKey+"=sometime"),
	)
	pl := p.Plan(o.o, sundayWindow.Add(time.Hour))
	if it := one(t, pl, "i-1", PurposeInstall, VerbStop); !strings.Contains(it.Reason, "window retired is no longer configured") {
		t.Errorf("orphan: %q", it.Reason)
	}
	if it := one(t, pl, "i-2", PurposeInstall, VerbReport); !it.Run.IsZero() || !strings.Contains(it.Reason, "cannot be read") {
		t.Errorf("unreadable: %+v", it)
	}
	if len(pl.Sends) != 0 {
		t.Error("an instance with an unreadable woken tag was patched")
	}
}

func ptr[T any](v T) *T { return &v }
