package patching

import (
	"strings"
	"testing"
	"time"
)

func TestPlanScanDue(t *testing.T) {
	p := testPlanner(t, nil)
	now := tuesdayScan.Add(10 * time.Minute)
	o := newObs(
		inst("i-1", stateRunning, "TOSCAN", "Name=web-1"),
		inst("i-2", stateRunning, "TOSCAN=true"),
		inst("i-3", stateRunning, "TOSCAN=False"),
		inst("i-4", stateRunning, "TOSCAN"),
		inst("i-5", stateRunning, "TOSCAN"),
		inst("i-6", stateStopped, "TOSCAN"),
		inst("i-7", stateRunning, "TOSCAN"),
		inst("i-8", statePending, "TOSCAN"),
		inst("i-9", stateRunning, "toscan"),
	).managed(online("Ubuntu"), "i-1", "i-3", "i-6", "i-8", "i-9").managed(online("Windows"), "i-2").managed(online("Amazon Linux"), "i-4").
		managed(Managed{PingStatus: "ConnectionLost", PlatformType: "Linux", PlatformName: "Ubuntu"}, "i-7")
	pl := p.Plan(o.o, now)

	if len(pl.Sends) != 1 {
		t.Fatalf("sends = %d, want 1", len(pl.Sends))
	}
	s := pl.Sends[0]
	if strings.Join(s.InstanceIDs, ",") != "i-1,i-2" || s.Comment() != "opsd scan 2026-11-24T02:00Z" {
		t.Errorf("send = %v %q", s.InstanceIDs, s.Comment())
	}
	if params := s.Parameters(); strings.Join(params["Operation"], "") != "Scan" || len(params["RebootOption"]) != 0 {
		t.Errorf("parameters = %v", params)
	}
	if s.MaxConcurrency != "50%" || s.MaxErrors != "100%" || s.TimeoutSeconds != 7200 {
		t.Errorf("rate controls %s %s %d", s.MaxConcurrency, s.MaxErrors, s.TimeoutSeconds)
	}
	for id, want := range map[string]string{
		"i-1": "scan", "i-2": "scan", "i-3": "", "i-4": "report", "i-5": "report", "i-6": "report", "i-7": "report", "i-8": "wait", "i-9": "",
	} {
		if got := verbs(pl, id, PurposeScan); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	for id, why := range map[string]string{"i-4": "unsupported platform Amazon Linux 2", "i-5": "not managed by SSM", "i-6": "stopped", "i-7": "ConnectionLost"} {
		it := one(t, pl, id, PurposeScan, VerbReport)
		if !strings.Contains(it.Reason, why) || it.Mark != "2026-11-24T02:00Z not-scanned" {
			t.Errorf("%s: %q mark %q", id, it.Reason, it.Mark)
		}
		if it.Report {
			t.Errorf("%s reported while the scan is under way", id)
		}
	}
	if !pl.Following() {
		t.Error("a plan with commands to send is not Following")
	}
}

func TestPlanScanChunksOf50(t *testing.T) {
	p := testPlanner(t, nil)
	var instances []Instance
	all := ids(120, "i-")
	for _, id := range all {
		instances = append(instances, inst(id, stateRunning, "TOSCAN"))
	}
	pl := p.Plan(newObs(instances...).managed(online("Ubuntu"), all...).o, tuesdayScan)
	if len(pl.Sends) != 3 {
		t.Fatalf("sends = %d, want 3", len(pl.Sends))
	}
	for n, want := range []int{50, 50, 20} {
		s := pl.Sends[n]
		if len(s.InstanceIDs) != want || s.Chunk != n+1 || s.Chunks != 3 {
			t.Errorf("send %d: %d ids, chunk %d/%d", n, len(s.InstanceIDs), s.Chunk, s.Chunks)
		}
	}
	it := one(t, pl, all[119], PurposeScan, VerbScan)
	if it.Send != 2 || pl.Sends[2].details()["chunk"] != "3/3" {
		t.Errorf("last instance in send %d", it.Send)
	}
}

func TestChunk(t *testing.T) {
	for _, tt := range []struct{ n, size, chunks, last int }{
		{0, 50, 0, 0}, {1, 50, 1, 1}, {50, 50, 1, 50}, {51, 50, 2, 1}, {120, 50, 3, 20}, {3, 0, 3, 1},
	} {
		got := chunk(make([]int, tt.n), tt.size)
		if len(got) != tt.chunks || tt.chunks > 0 && len(got[len(got)-1]) != tt.last {
			t.Errorf("chunk(%d, %d) = %d chunks", tt.n, tt.size, len(got))
		}
		total := 0
		for _, c := range got {
			total += len(c)
			if tt.size > 0 && len(c) > tt.size {
				t.Errorf("chunk of %d > %d", len(c), tt.size)
			}
		}
		if total != tt.n {
			t.Errorf("chunk(%d) kept %d", tt.n, total)
		}
	}
}

func TestPlanScanFollowsThenReportsOnce(t *testing.T) {
	p := testPlanner(t, nil)
	run := scanRunAt(tuesdayScan)
	now := tuesdayScan.Add(20 * time.Minute)
	base := func() *obs {
		return newObs(
			inst("i-1", stateRunning, "TOSCAN"),
			inst("i-2", stateRunning, "TOSCAN"),
			inst("i-3", stateRunning, "TOSCAN"),
			inst("i-4", stateStopped, "TOSCAN"),
		).managed(online("Ubuntu"), "i-1", "i-2").managed(online("Windows"), "i-3")
	}

	// Under way: everything waits, nothing is reported.
	pl := p.Plan(base().command("c-1", run, false, []string{"i-1", "i-2", "i-3"}, "Success", "InProgress", "Pending").o, now)
	if len(pl.Sends) != 0 {
		t.Fatalf("sent again while under way: %v", pl.Sends[0].InstanceIDs)
	}
	if got := verbs(pl, "i-2", PurposeScan) + " " + verbs(pl, "i-1", PurposeScan); got != "wait result" {
		t.Errorf("verbs %q", got)
	}
	if one(t, pl, "i-2", PurposeScan, VerbWait).Command != "c-1" || !waitingOn(pl) {
		t.Error("the wait does not follow c-1")
	}
	for _, it := range pl.Items {
		if it.Report {
			t.Errorf("%s reported while the scan is under way", it.Instance.ID)
		}
	}

	// Finished: results and the stopped instance are reported.
	o := base().command("c-1", run, false, []string{"i-1", "i-2", "i-3"}, "Success", "Failed", "Success").
		state("i-1", PatchState{Operation: "Scan", Missing: 3}).
		state("i-3", PatchState{Operation: "Scan", CriticalNonCompliant: 1, SecurityNonCompliant: 2})
	pl = p.Plan(o.o, now)
	r1 := one(t, pl, "i-1", PurposeScan, VerbResult)
	if r1.Outcome.Critical != 0 || r1.Outcome.Important != 3 || !r1.Report || r1.Mark != run.doneMark() {
		t.Errorf("i-1 %+v report %v mark %q", r1.Outcome, r1.Report, r1.Mark)
	}
	r2 := one(t, pl, "i-2", PurposeScan, VerbResult)
	if !r2.Outcome.Failed || r2.Outcome.Output == "" || !r2.Report {
		t.Errorf("i-2 %+v", r2.Outcome)
	}
	if r3 := one(t, pl, "i-3", PurposeScan, VerbResult); r3.Outcome.Critical != 1 || r3.Outcome.Important != 2 {
		t.Errorf("i-3 %+v", r3.Outcome)
	}
	if r4 := one(t, pl, "i-4", PurposeScan, VerbReport); !r4.Report {
		t.Error("the stopped instance is not reported once the scan finished")
	}
	if waitingOn(pl) || len(pl.missingStates()) != 0 {
		t.Errorf("waiting %v, missing states %v", waitingOn(pl), pl.missingStates())
	}
	// Without i-1's patch state the planner asks for it.
	delete(o.o.PatchStates, "i-1")
	if got := p.Plan(o.o, now).missingStates(); len(got) != 1 || got[0] != "i-1" {
		t.Errorf("missing states %v, want i-1", got)
	}

	// Reported: nothing to do or tell any more.
	o = base().command("c-1", run, false, []string{"i-1", "i-2", "i-3"})
	for _, i := range o.o.Instances {
		i.Tags["opsd:patching:scan-reported"] = run.doneMark()
	}
	o.o.Instances[3].Tags["opsd:patching:scan-reported"] = run.skipMark()
	pl = p.Plan(o.o, now)
	for _, it := range pl.Items {
		if it.Report || (it.Verb != VerbNone && it.Verb != VerbReport) {
			t.Errorf("%s: %s report %v after it was reported", it.Instance.ID, it.Verb, it.Report)
		}
	}
	if len(pl.Sends) != 0 {
		t.Error("sent again after the run was reported")
	}
}

// waitingOn reports whether the plan waits on a command.
func waitingOn(pl *Plan) bool { return waiting(pl) }

func TestPlanScanCatchesUpAndIgnoresOlderRuns(t *testing.T) {
	p := testPlanner(t, nil)
	run := scanRunAt(tuesdayScan)
	monday := scanRunAt(tuesdayScan.Add(-24 * time.Hour))
	o := newObs(
		// Stopped at 02:00 and reported then; running now.
		inst("i-1", stateRunning, "TOSCAN", "opsd:patching:scan-reported="+run.skipMark()),
		// Scanned yesterday only.
		inst("i-2", stateRunning, "TOSCAN", "opsd:patching:scan-reported="+monday.doneMark()),
	).managed(online("Ubuntu"), "i-1", "i-2").command("c-0", monday, false, []string{"i-2"}, "Success")
	pl := p.Plan(o.o, tuesdayScan.Add(5*time.Hour))
	if len(pl.Sends) != 1 || strings.Join(pl.Sends[0].InstanceIDs, ",") != "i-1,i-2" {
		t.Fatalf("sends %+v", pl.Sends)
	}
}

func TestPlanScanBeforeFirstOccurrenceOfTheDay(t *testing.T) {
	p := testPlanner(t, nil)
	pl := p.Plan(newObs(inst("i-1", stateRunning, "TOSCAN")).managed(online("Ubuntu"), "i-1").o, tuesdayScan.Add(-time.Minute))
	if len(pl.Sends) != 1 || pl.Sends[0].Run.Start != tuesdayScan.Add(-24*time.Hour) {
		t.Fatalf("at 01:59 the due scan is the previous day's: %+v", pl.Sends)
	}
}

// An instance SSM does not manage is never read as clean, even when a
// command of the run names it and its status says Success (an emulator's
// SendCommand accepts any id) and a patch state reads zero: it is reported
// as not scanned, not managed by SSM, with the reason.
func TestPlanScanNeverReadsAnUnmanagedInstanceAsClean(t *testing.T) {
	p := testPlanner(t, nil)
	run := scanRunAt(tuesdayScan)
	now := tuesdayScan.Add(20 * time.Minute)
	o := newObs(
		inst("i-1", stateRunning, "TOSCAN", "Name=web-1"),
		inst("i-2", stateRunning, "TOSCAN", "Name=ghost"),
	).managed(online("Ubuntu"), "i-1").
		command("c-1", run, false, []string{"i-1", "i-2"}, "Success", "Success").
		state("i-1", PatchState{Operation: "Scan"}).
		state("i-2", PatchState{Operation: "Scan"})
	delete(o.o.Invocations, "c-1") // invocations not read: only the command's status is known
	o.o.Commands[0].Status = "Success"
	pl := p.Plan(o.o, now)
	if r := one(t, pl, "i-1", PurposeScan, VerbResult); r.Reason != "scanned: no critical or important patches missing" {
		t.Errorf("i-1 (managed, scanned): %q", r.Reason)
	}
	it := one(t, pl, "i-2", PurposeScan, VerbReport)
	if !strings.Contains(it.Reason, "not scanned: not managed by SSM") || strings.Contains(it.Reason, "no critical") || it.Mark != run.skipMark() {
		t.Errorf("i-2 (not managed): %q mark %q", it.Reason, it.Mark)
	}
}
