package faults

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/slackrecord"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

const (
	// eveningNow is a Tuesday evening in Europe/London: the default
	// schedule's off period.
	eveningNow = "2026-11-24T19:05:00Z"
	// morningNow is the next morning: the on period.
	morningNow = "2026-11-25T07:05:00Z"
	// lastAction is opsd's marker tag.
	lastAction = "opsd:shutdown:last-action"
	// maxRuns bounds the runs of one phase: every action must be applied
	// within them.
	maxRuns = 4
)

// mixedFaults are the random faults every call risks: throttling bursts,
// 5xx, slow answers and resets before and after forwarding.
func mixedFaults() []Rule {
	return []Rule{
		{Fault: Throttle, Rate: 0.05, Burst: 2},
		{Fault: InternalError, Rate: 0.03},
		{Fault: Unavailable, Rate: 0.03},
		{Fault: ResetBefore, Rate: 0.03},
		{Fault: ResetAfter, Rate: 0.04},
		{Fault: Slow, Rate: 0.10, Delay: 150 * time.Millisecond},
	}
}

// shutdownEstate is the estate of the shutdown test: in every account and
// region five development instances tagged for the overnight shutdown and
// one production instance with the same tag.
type shutdownEstate struct {
	accounts, regions []string
	// denied is the account whose AssumeRole always fails; hung the
	// region whose every call hangs.
	denied, hung string
	// working are the targets opsd can reach; broken the others.
	working, broken []target
	// dev are the instances opsd must stop and start, by target; keep
	// those it must never touch.
	dev  map[target][]string
	keep map[string]bool
}

func newShutdownEstate(t *testing.T, m *moto) *shutdownEstate {
	e := &shutdownEstate{
		accounts: []string{"210000000001", "210000000002", "210000000003"},
		regions:  []string{"eu-west-2", "eu-west-1", "us-east-1"},
		denied:   "210000000003", hung: "us-east-1",
		dev: map[target][]string{}, keep: map[string]bool{},
	}
	for _, a := range e.accounts {
		for _, r := range e.regions {
			tg := target{a, r}
			dev := m.launch(t, tg, 5, map[string]string{"Environment": "development", "OOOShutdown": "true", "Name": "dev-" + r})
			for _, id := range m.launch(t, tg, 1, map[string]string{"Environment": "production", "OOOShutdown": "true", "Name": "prod-" + r}) {
				e.keep[id] = true
			}
			if a == e.denied || r == e.hung {
				e.broken = append(e.broken, tg)
				for _, id := range dev {
					e.keep[id] = true
				}
				continue
			}
			e.working = append(e.working, tg)
			e.dev[tg] = dev
		}
	}
	return e
}

// settled reports whether every development instance opsd can reach is
// in state with opsd's marker saying marker, and lists those that are not.
func (e *shutdownEstate) settled(t *testing.T, m *moto, state, marker string) []string {
	var pending []string
	for _, tg := range e.working {
		got := m.instances(t, tg)
		for _, id := range e.dev[tg] {
			if in := got[id]; in.state != state || in.tags[lastAction] != marker {
				pending = append(pending, fmt.Sprintf("%s %s: %s, %s=%q", tg, id, in.state, lastAction, in.tags[lastAction]))
			}
		}
	}
	return pending
}

// untouched checks that every instance opsd must leave alone is running
// and that no stop or start of it ever reached moto.
func (e *shutdownEstate) untouched(t *testing.T, m *moto, changes []StateChange) {
	t.Helper()
	for _, c := range changes {
		if e.keep[c.InstanceID] {
			t.Errorf("%s of %s in %s/%s reached moto: it must never be touched", c.Operation, c.InstanceID, c.Account, c.Region)
		}
	}
	for _, tg := range append(append([]target(nil), e.working...), e.broken...) {
		for id, in := range m.instances(t, tg) {
			if e.keep[id] && in.state != "running" {
				t.Errorf("%s %s is %s; it must keep running", tg, id, in.state)
			}
		}
	}
}

// A shutdown evening and the next morning under a seeded mix of faults,
// with one account whose AssumeRole is always refused and one region
// whose every call hangs, over repeated `opsd run --once` processes:
//
//   - no process crashes (exit 0 or 1, no panic);
//   - every run reports each broken account/region exactly once, in its
//     errors and in its one Slack summary, naming account and region,
//     and still acts in the accounts and regions it can reach;
//   - within maxRuns runs every development instance is stopped and
//     marked, and the next morning started and marked;
//   - each instance's stop (start) changed its state in moto exactly once;
//     repeats that reached moto after a reset-after-forward or a retry of
//     a failed batch found it already stopped (started) and changed
//     nothing, as StopInstances (StartInstances) does in AWS;
//   - production instances and everything in the broken account and
//     region are never touched.
func TestShutdownEveningAndMorningUnderFaults(t *testing.T) {
	t.Parallel()
	seed := testSeed(t)
	m := &moto{srv: mototest.Shared(t)}
	bin := opsdbin.Build(t)
	e := newShutdownEstate(t, m)

	proxy, err := New(m.srv.URL(), Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	proxy.Add(
		Rule{Fault: Deny, Operations: []string{"AssumeRole"}, Account: e.denied},
		Rule{Fault: Hang, Region: e.hung},
		// The first stop and the first start reach moto, and the
		// client sees a reset instead of the answer.
		Rule{Fault: ResetAfter, Operations: []string{"StopInstances"}, Times: 1},
		Rule{Fault: ResetAfter, Operations: []string{"StartInstances"}, Times: 1},
	)
	proxy.Add(mixedFaults()...)
	slack := slackrecord.Start(t)
	config := writeConfig(t, fmt.Sprintf(`aws:
  regions: [%s]
  endpoint_url: %q
  call_timeout: 4s
  concurrency: 9
  accounts:
%snotify: {slack: {token: xoxb-faults, channel: C-OPS, api_url: %q}}
shutdown: {enabled: true}
`, strings.Join(e.regions, ", "), proxy.URL(), accountsYAML(e.accounts), slack.URL()))

	var figures []string
	// phase runs opsd as of now until every instance is settled, then,
	// with confirm, once more: a run after the work is done must change
	// nothing.
	phase := func(name, now, state, marker, op string, confirm bool) {
		t.Helper()
		settledAt := 0
		for run := 1; ; run++ {
			calls, before := proxy.Stats(), slack.Count()
			changesBefore := len(proxy.StateChanges())
			r := runOnce(t, bin, config, now, 2*time.Minute)
			after := proxy.Stats()
			t.Logf("%s run %d: exit %d in %s; %d calls, %d faults", name, run, r.code, r.took.Round(time.Millisecond),
				after.Calls-calls.Calls, after.InjectedTotal()-calls.InjectedTotal())
			if why := r.crashed(); why != "" {
				t.Fatalf("%s run %d: opsd crashed (%s):\n%s\n%s", name, run, why, r.stdout, r.stderr)
			}
			e.checkReports(t, fmt.Sprintf("%s run %d", name, run), r, slack.Texts(before))
			if run == 1 {
				e.actedInReachable(t, name, r, proxy.StateChanges()[changesBefore:], op)
			}
			if settledAt > 0 {
				for _, c := range proxy.StateChanges()[changesBefore:] {
					if c.Applied() {
						t.Errorf("%s run %d, after every instance was settled: %s changed %s (%s → %s)", name, run, c.Operation, c.InstanceID, c.Previous, c.Current)
					}
				}
				if pending := e.settled(t, m, state, marker); len(pending) > 0 {
					t.Errorf("%s run %d unsettled instances:\n%s", name, run, strings.Join(pending, "\n"))
				}
				figures = append(figures, fmt.Sprintf("%s: settled after %d runs, %d runs in all", name, settledAt, run))
				return
			}
			pending := e.settled(t, m, state, marker)
			if len(pending) == 0 {
				settledAt = run
				if !confirm {
					figures = append(figures, fmt.Sprintf("%s: settled after %d runs", name, run))
					return
				}
				continue
			}
			if run == maxRuns {
				t.Fatalf("%s: after %d runs %d instances are not %s with marker %q:\n%s\nlast run:\n%s\n%s",
					name, run, len(pending), state, marker, strings.Join(pending, "\n"), r.stdout, r.stderr)
			}
			t.Logf("%s run %d left %d instances for the next run", name, run, len(pending))
		}
	}

	phase("evening", eveningNow, "stopped", "stop", "StopInstances", true)
	phase("morning", morningNow, "running", "start", "StartInstances", false)

	changes := proxy.StateChanges()
	e.untouched(t, m, changes)
	devCount := 0
	for _, op := range []string{"StopInstances", "StartInstances"} {
		tally := TallyChanges(changes, op)
		for _, tg := range e.working {
			for _, id := range e.dev[tg] {
				if n := tally.Applied[id]; n != 1 {
					t.Errorf("%s changed %s %s %d times, want exactly once", op, tg, id, n)
				}
			}
		}
		undelivered := 0
		for _, c := range changes {
			if c.Operation == op && c.Applied() && !c.Delivered {
				undelivered++
			}
		}
		if undelivered == 0 {
			t.Errorf("no %s was applied with its answer lost: the reset-after-forward case was not exercised", op)
		}
		figures = append(figures, fmt.Sprintf("%s: applied %d, applied with the answer lost %d, repeats that changed nothing %d",
			op, Total(tally.Applied), undelivered, Total(tally.Repeats)))
	}
	for _, tg := range e.working {
		devCount += len(e.dev[tg])
	}
	s := proxy.Stats()
	for _, f := range []Fault{Deny, Hang, ResetAfter} {
		if s.Injected[f] == 0 {
			t.Errorf("no %s fault was injected", f)
		}
	}
	t.Logf("FIGURES shutdown under faults (seed %d): %d instances to stop and start in %d reachable targets, %d broken targets; %s; proxy %s",
		seed, devCount, len(e.working), len(e.broken), strings.Join(figures, "; "), s)
}

// checkReports checks one run's report: each broken target is named
// exactly once in the run's errors and once in its one Slack summary, and
// no target is named twice.
func (e *shutdownEstate) checkReports(t *testing.T, run string, r onceRun, posts []string) {
	t.Helper()
	errs := r.errorLines()
	var summaries []string
	for _, p := range posts {
		if strings.Contains(p, "Overnight shutdown") {
			summaries = append(summaries, p)
		}
	}
	if len(summaries) != 1 {
		t.Errorf("%s: %d Slack summaries, want 1:\n%s", run, len(summaries), strings.Join(posts, "\n---\n"))
	}
	summary := strings.Join(summaries, "\n")
	if strings.Contains(summary, "truncated") {
		t.Logf("%s: the Slack summary (%d characters) was truncated", run, len(summary))
	}
	for _, tg := range append(append([]target(nil), e.broken...), e.working...) {
		inErrs, why := 0, ""
		for _, l := range errs {
			if strings.HasPrefix(l, tg.phrase()+":") {
				inErrs++
				why = l
			}
		}
		inSlack := slackNamed(summary, tg)
		broken := tg.account == e.denied || tg.region == e.hung
		switch {
		case broken && (inErrs != 1 || inSlack != 1):
			t.Errorf("%s: %s named %d times in the errors and %d times in Slack, want once each:\n%s\nSlack:\n%s", run, tg, inErrs, inSlack, r.stdout, summary)
		case !broken && (inErrs > 1 || inSlack > 1):
			t.Errorf("%s: %s named %d times in the errors and %d times in Slack, want at most once", run, tg, inErrs, inSlack)
		case !broken && inErrs == 1:
			t.Logf("%s: %s not reached under injected faults: %.400s", run, tg, why)
		}
		if tg.account == e.denied && inErrs == 1 && !strings.Contains(r.stdout, "AccessDenied") {
			t.Errorf("%s: the denied account's error does not say AccessDenied:\n%s", run, r.stdout)
		}
	}
}

// slackNamed counts the summary's "Not reached" lines naming tg: each is
// "• account A (region, region…): cause", one per account and cause.
func slackNamed(summary string, tg target) int {
	n := 0
	for _, line := range strings.Split(summary, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "• account "+tg.account+" (")
		if !ok {
			continue
		}
		regions, _, ok := strings.Cut(rest, "): ")
		if ok && slices.Contains(strings.Split(regions, ", "), tg.region) {
			n++
		}
	}
	return n
}

// actedInReachable checks that the first run of a phase acted in every
// reachable target it did not report as not reached, despite the broken
// ones. A target whose calls for the stop (start) themselves failed under
// the injected faults has no change applied; its run must then show the
// failed action on one of its instances.
func (e *shutdownEstate) actedInReachable(t *testing.T, phase string, r onceRun, changes []StateChange, op string) {
	t.Helper()
	acted := map[target]int{}
	for _, c := range changes {
		if c.Operation == op && c.Applied() {
			acted[target{c.Account, c.Region}]++
		}
	}
	for _, tg := range e.working {
		reported := strings.Contains(r.stdout, "  error: "+tg.phrase()+":") || e.failedRow(r.stdout, tg)
		if acted[tg] == 0 && !reported {
			t.Errorf("%s run 1: no %s applied in %s, which was not reported as not reached or as failed:\n%s", phase, op, tg, r.stdout)
		}
	}
}

// failedRow reports whether a run's action table has a failed row for one
// of tg's instances: "shutdown ACCOUNT REGION i-… stop failed …".
func (e *shutdownEstate) failedRow(stdout string, tg target) bool {
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || f[1] != tg.account || f[2] != tg.region || !slices.Contains(f, "failed") {
			continue
		}
		for _, id := range e.dev[tg] {
			if strings.HasPrefix(f[3], id) {
				return true
			}
		}
	}
	return false
}
