package patching

import (
	"strings"
	"testing"
	"time"
)

func TestPlanInstallTargeting(t *testing.T) {
	p := testPlanner(t, func(c *Config) {
		c.Windows["nightly"] = Window{Schedule: "0 1 * * *", Duration: 2 * time.Hour, RebootOption: NoReboot, MaxConcurrency: "2", MaxErrors: "0"}
	})
	now := sundayWindow.Add(10 * time.Minute)
	o := newObs(
		inst("i-1", stateRunning, "TOPATCH=true"),
		inst("i-2", stateRunning, "TOPATCH"),
		inst("i-3", stateRunning, "TOPATCH=DEFAULT"),
		inst("i-4", stateRunning, "TOPATCH=Nightly"),
		inst("i-5", stateRunning, "TOPATCH=weekly"),
		inst("i-6", stateRunning, "TOPATCH=false"),
		inst("i-7", stateRunning, "topatch=true"),
		inst("i-8", stateStopped, "TOPATCH"),
		inst("i-9", stateRunning, "TOPATCH"),
	).managed(online("Windows"), "i-1", "i-2", "i-3", "i-4", "i-5", "i-6", "i-7", "i-8")
	pl := p.Plan(o.o, now)

	for id, want := range map[string]string{
		"i-1": "install", "i-2": "install", "i-3": "install", "i-4": "install",
		"i-5": "report", "i-6": "", "i-7": "", "i-8": "report", "i-9": "report",
	} {
		if got := verbs(pl, id, PurposeInstall); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	unknown := one(t, pl, "i-5", PurposeInstall, VerbReport)
	if !unknown.Run.IsZero() || !strings.Contains(unknown.Reason, `TOPATCH="weekly" names no patch window`) || unknown.Mark != "" {
		t.Errorf("unknown window: %+v", unknown)
	}
	if it := one(t, pl, "i-8", PurposeInstall, VerbReport); !strings.Contains(it.Reason, "wake_stopped is false") || it.Mark != "default 2026-11-29T01:00Z not-patched" {
		t.Errorf("stopped: %q %q", it.Reason, it.Mark)
	}
	if it := one(t, pl, "i-9", PurposeInstall, VerbReport); !strings.Contains(it.Reason, "not managed by SSM") {
		t.Errorf("unmanaged: %q", it.Reason)
	}

	if len(pl.Sends) != 2 {
		t.Fatalf("sends = %d, want one per window", len(pl.Sends))
	}
	def, nightly := pl.Sends[0], pl.Sends[1]
	if def.Comment() != "opsd install default 2026-11-29T01:00Z" || strings.Join(def.InstanceIDs, ",") != "i-1,i-2,i-3" {
		t.Errorf("default send %q %v", def.Comment(), def.InstanceIDs)
	}
	params := def.Parameters()
	if params["Operation"][0] != "Install" || params["RebootOption"][0] != RebootIfNeeded || def.MaxConcurrency != "10%" || def.MaxErrors != "10%" {
		t.Errorf("default parameters %v %s %s", params, def.MaxConcurrency, def.MaxErrors)
	}
	// Delivery timeout: what is left of the window, 01:10 to 04:00.
	if def.TimeoutSeconds != int32((2*time.Hour+50*time.Minute)/time.Second) {
		t.Errorf("timeout %d", def.TimeoutSeconds)
	}
	if nightly.Comment() != "opsd install nightly 2026-11-29T01:00Z" || nightly.RebootOption != NoReboot || nightly.MaxConcurrency != "2" || nightly.MaxErrors != "0" {
		t.Errorf("nightly send %q %+v", nightly.Comment(), nightly)
	}
}

func TestPlanInstallOnlyInsideTheWindow(t *testing.T) {
	p := testPlanner(t, nil)
	o := newObs(inst("i-1", stateRunning, "TOPATCH"), inst("i-2", stateRunning, "TOPATCH")).managed(online("Ubuntu"), "i-1")
	for _, now := range []time.Time{sundayWindow.Add(-time.Minute), sundayWindow.Add(3 * time.Hour), tuesdayScan} {
		pl := p.Plan(o.o, now)
		if len(pl.Sends) != 0 {
			t.Errorf("%s: sent outside the window", now)
		}
		if it := one(t, pl, "i-1", PurposeInstall, VerbNone); !strings.Contains(it.Reason, "window default opens") {
			t.Errorf("%s: %q", now, it.Reason)
		}
		if it := one(t, pl, "i-2", PurposeInstall, VerbReport); it.Mark != "" || !strings.Contains(it.Reason, "not managed") {
			t.Errorf("%s: unmanaged %+v", now, it)
		}
	}
	for _, now := range []time.Time{sundayWindow, sundayWindow.Add(3*time.Hour - time.Second)} {
		if pl := p.Plan(o.o, now); len(pl.Sends) != 1 {
			t.Errorf("%s: not sent inside the window", now)
		}
	}
}

func TestPlanInstallNeverSendsTwiceForARun(t *testing.T) {
	p := testPlanner(t, nil)
	run := installRun("default", sundayWindow)
	now := sundayWindow.Add(time.Hour)
	o := newObs(inst("i-1", stateRunning, "TOPATCH"), inst("i-2", stateRunning, "TOPATCH"), inst("i-3", stateRunning, "TOPATCH")).
		managed(online("Ubuntu"), "i-1", "i-2", "i-3").
		command("c-1", run, false, []string{"i-1", "i-2"}, "InProgress", "Success").
		state("i-2", PatchState{Operation: "Install", InstalledPendingReboot: 2})
	pl := p.Plan(o.o, now)
	if len(pl.Sends) != 1 || strings.Join(pl.Sends[0].InstanceIDs, ",") != "i-3" {
		t.Fatalf("sends %+v, want only i-3", pl.Sends)
	}
	if w := one(t, pl, "i-1", PurposeInstall, VerbWait); w.Command != "c-1" {
		t.Errorf("i-1 waits on %q", w.Command)
	}
	r := one(t, pl, "i-2", PurposeInstall, VerbResult)
	if r.Outcome.PendingReboot != 2 || r.Outcome.Failed || !strings.Contains(r.Reason, "wait for a reboot") || r.Report {
		t.Errorf("i-2 %+v %q report %v", r.Outcome, r.Reason, r.Report)
	}

	// After the window, a command still under way is followed and its
	// result reported; nothing new is sent.
	o = newObs(inst("i-1", stateRunning, "TOPATCH"), inst("i-3", stateRunning, "TOPATCH")).
		managed(online("Ubuntu"), "i-1", "i-3").
		command("c-1", run, false, []string{"i-1"}, "Failed")
	pl = p.Plan(o.o, sundayWindow.Add(5*time.Hour))
	if len(pl.Sends) != 0 {
		t.Fatal("sent after the window")
	}
	if r := one(t, pl, "i-1", PurposeInstall, VerbResult); !r.Outcome.Failed || !r.Report || r.Outcome.Step != "PatchLinux" {
		t.Errorf("late result %+v report %v", r.Outcome, r.Report)
	}
	if got := verbs(pl, "i-3", PurposeInstall); got != "none" {
		t.Errorf("i-3 after the window: %s", got)
	}
}

func TestPlanFirstWave(t *testing.T) {
	p := testPlanner(t, func(c *Config) {
		w := c.Windows["default"]
		w.FirstWave = 2
		c.Windows["default"] = w
	})
	run := installRun("default", sundayWindow)
	now := sundayWindow.Add(30 * time.Minute)
	all := []string{"i-1", "i-2", "i-3", "i-4", "i-5"}
	base := func() *obs {
		var is []Instance
		for _, id := range all {
			is = append(is, inst(id, stateRunning, "TOPATCH"))
		}
		return newObs(is...).managed(online("Windows"), all...)
	}

	pl := p.Plan(base().o, now)
	if len(pl.Sends) != 1 || !pl.Sends[0].First || strings.Join(pl.Sends[0].InstanceIDs, ",") != "i-1,i-2" {
		t.Fatalf("first wave %+v", pl.Sends)
	}
	if pl.Sends[0].Comment() != "opsd install default 2026-11-29T01:00Z first" {
		t.Errorf("comment %q", pl.Sends[0].Comment())
	}
	if w := one(t, pl, "i-5", PurposeInstall, VerbWait); !strings.Contains(w.Reason, "i-1, i-2") {
		t.Errorf("rest: %q", w.Reason)
	}

	pl = p.Plan(base().command("c-1", run, true, []string{"i-1", "i-2"}, "Success", "InProgress").o, now)
	if len(pl.Sends) != 0 {
		t.Fatal("the rest went out while the first wave is under way")
	}
	if w := one(t, pl, "i-3", PurposeInstall, VerbWait); w.Command != "c-1" || !w.following() {
		t.Errorf("rest does not follow the first wave: %+v", w)
	}

	pl = p.Plan(base().command("c-1", run, true, []string{"i-1", "i-2"}, "Success", "Failed").o, now)
	if len(pl.Sends) != 0 {
		t.Fatal("the rest went out after the first wave failed")
	}
	held := one(t, pl, "i-4", PurposeInstall, VerbReport)
	if !strings.Contains(held.Reason, "first wave failed on i-2") || held.Mark != run.skipMark() || !held.Report {
		t.Errorf("held back: %+v", held)
	}

	o := base().command("c-1", run, true, []string{"i-1", "i-2"}, "Success", "Success")
	pl = p.Plan(o.o, now)
	if len(pl.Sends) != 1 || pl.Sends[0].First || strings.Join(pl.Sends[0].InstanceIDs, ",") != "i-3,i-4,i-5" {
		t.Fatalf("rest %+v", pl.Sends)
	}
	// First-wave commands are read even once their instances are reported.
	for _, i := range o.o.Instances {
		i.Tags["opsd:patching:install-reported"] = run.doneMark()
	}
	if got := p.needInvocations(o.o, now); len(got) != 1 || got[0] != "c-1" {
		t.Errorf("needInvocations = %v", got)
	}
}

func TestNeedInvocationsAndSince(t *testing.T) {
	p := testPlanner(t, nil)
	now := tuesdayScan.Add(time.Hour)
	scan := scanRunAt(tuesdayScan)
	old := scanRunAt(tuesdayScan.Add(-24 * time.Hour))
	lastWindow := installRun("default", sundayWindow.Add(-7*24*time.Hour))
	o := newObs(
		inst("i-1", stateRunning, "TOSCAN", "opsd:patching:scan-reported="+scan.doneMark()),
		inst("i-2", stateRunning, "TOSCAN"),
		inst("i-3", stateRunning, "TOPATCH"),
	).command("reported", scan, false, []string{"i-1"}).
		command("open", scan, false, []string{"i-2"}).
		command("old", old, false, []string{"i-2"}).
		command("window", lastWindow, false, []string{"i-3"})
	got := strings.Join(p.needInvocations(o.o, now), ",")
	if got != "open,window" {
		t.Errorf("needInvocations = %s, want open,window", got)
	}
	// Since: an hour before the earliest of today's scan and the last
	// window opening (Sunday 22 November 01:00).
	if s := p.Since(now); !s.Equal(lastWindow.Start.Add(-time.Hour)) {
		t.Errorf("Since = %s", s)
	}
}
