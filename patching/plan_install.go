package patching

import (
	"fmt"
	"strings"
	"time"
)

// The longest delivery timeout SendCommand takes (30 days).
const maxDeliveryTimeout = 30 * 24 * time.Hour

// windowPlan decides about the instances of one patch window.
type windowPlan struct {
	p   *Planner
	pl  *Plan
	ix  *index
	w   *window
	now time.Time

	cur     occurrence // the latest opening at or before now
	hasCur  bool
	live    bool // now lies in cur
	run     Run  // cur's run
	nxt     occurrence
	hasNext bool
	pre     bool // nxt is close enough to start stopped instances for it
	nextRun Run

	cands []*Item // instances to patch in the live run
	posts []*Item // instances to send the post_install step

	// gate is how the gate in front of a ring's opening stands: the live
	// opening's, else the next one's. Zero for a window that is no ring.
	gate gateView
	// patchAt is when the ring's instances would be patched, or zero.
	patchAt time.Time
}

// planInstall decides about every instance the patch tag opts in, and
// every instance opsd started for a window.
func (p *Planner) planInstall(pl *Plan, ix *index, instances []Instance, now time.Time) {
	members := map[*window][]Instance{}
	for _, i := range instances {
		if v, ok := i.Tags[p.keys.Woken]; ok {
			wk, ok := parseWake(v)
			switch w := p.window(wk.Run.Window); {
			case !ok:
				pl.Items = append(pl.Items, newItem(i, PurposeInstall, Run{}, ix.managed(i.ID), VerbReport,
					fmt.Sprintf("tag %s=%q cannot be read; opsd leaves the instance as it is", p.keys.Woken, v)))
			case w == nil:
				p.orphanWake(pl, ix, i, wk)
			default:
				members[w] = append(members[w], i)
			}
			continue
		}
		w, tagged, problem := p.patchWindow(i)
		switch r := p.ringOf(i); {
		case problem != "":
			pl.Items = append(pl.Items, newItem(i, PurposeInstall, Run{}, ix.managed(i.ID), VerbReport, problem))
		case tagged && r != nil:
			members[r.w] = append(members[r.w], i)
		case tagged && w != nil:
			members[w] = append(members[w], i)
		}
	}
	for _, w := range p.allWindows() {
		if len(members[w]) > 0 {
			p.planWindow(pl, ix, w, members[w], now)
		}
	}
}

// planWindow decides about one window's instances.
func (p *Planner) planWindow(pl *Plan, ix *index, w *window, members []Instance, now time.Time) {
	wp := &windowPlan{p: p, pl: pl, ix: ix, w: w, now: now}
	wp.cur, wp.hasCur = w.latest(now)
	if wp.hasCur {
		wp.live = now.Before(wp.cur.End)
		wp.run = w.run(wp.cur)
	}
	wp.nxt, wp.hasNext = w.next(now)
	if wp.hasNext {
		wp.nextRun = w.run(wp.nxt)
		wp.pre = !wp.live && w.cfg.WakeStopped && !now.Before(wp.nxt.Start.Add(-w.cfg.WakeBefore))
	}
	wp.planGate()
	for _, i := range members {
		m := ix.managed(i.ID)
		if v, ok := i.Tags[p.keys.Woken]; ok {
			wk, _ := parseWake(v)
			wp.planWoken(i, m, wk)
			continue
		}
		wp.planMember(i, m)
	}
	if wp.live {
		wp.planWaves()
	}
	wp.sendPosts()
}

// add appends an install item of run to the plan.
func (wp *windowPlan) add(i Instance, m *Managed, run Run, v Verb, reason string) *Item {
	it := newItem(i, PurposeInstall, run, m, v, reason)
	if r := wp.w.ring; r != nil {
		it.Ring, it.Gate, it.PatchAt = r.cfg.Name, wp.gate.text, wp.patchAt
	}
	wp.pl.Items = append(wp.pl.Items, it)
	return it
}

// planMember decides about an instance opsd did not start.
func (wp *windowPlan) planMember(i Instance, m *Managed) {
	if wp.hasCur {
		if c, covered := wp.ix.cover(wp.run, i.ID); covered {
			if wp.covered(i, m, wp.run, c, false) || wp.live {
				return
			}
		}
	}
	// A skip-until tag holds back what is still to be done; a command
	// already sent is followed and reported above.
	if wp.skipped(i, m) {
		return
	}
	switch {
	case wp.live:
		wp.liveMember(i, m)
	case wp.pre && i.State == stateStopped && !wp.gate.halted:
		wp.wake(i, m, wp.nextRun, wp.nxt, false)
	default:
		wp.outside(i, m)
	}
}

// covered decides about an instance a command of run was sent to, and
// reports whether the command is still under way or its result is still
// to be reported.
func (wp *windowPlan) covered(i Instance, m *Managed, run Run, c cover, woken bool) bool {
	mark := i.Tags[wp.p.keys.InstallReported]
	switch {
	case mark == run.doneMark():
		it := wp.add(i, m, run, VerbNone, fmt.Sprintf("patched in window %s opening %s (command %s) and reported", wp.w.name, wp.w.local(run.Start), c.cmd.ID))
		it.Command, it.Woken = c.cmd.ID, woken
		return false
	case !c.terminal():
		it := wp.add(i, m, run, VerbWait, fmt.Sprintf("install under way (command %s: %s)", c.cmd.ID, c.status))
		it.Command, it.Woken = c.cmd.ID, woken
		return true
	}
	if c.success() && wp.post(i, m, run, woken) {
		return true
	}
	it := wp.add(i, m, run, VerbResult, "")
	it.Command, it.Woken = c.cmd.ID, woken
	it.Outcome = wp.ix.outcome(c, i.ID, instancePlatform(i, m))
	wp.postOutcome(it.Outcome, run, i.ID)
	it.Reason = installResultReason(it.Outcome)
	it.Mark = run.doneMark()
	return true
}

// liveMember decides about an instance not yet sent a command in an open
// window.
func (wp *windowPlan) liveMember(i Instance, m *Managed) {
	notPatched := func(why string) {
		it := wp.add(i, m, wp.run, VerbReport, "not patched: "+why)
		it.Mark = wp.run.skipMark()
	}
	switch i.State {
	case stateRunning:
		if why := unpatchable(m); why != "" {
			notPatched(why)
			return
		}
		if why := wp.preFailed(i.ID); why != "" {
			notPatched(why)
			return
		}
		wp.cands = append(wp.cands, wp.add(i, m, wp.run, VerbInstall, ""))
	case statePending:
		wp.add(i, m, wp.run, VerbWait, "starting; waiting for it to run")
	case stateStopped:
		switch {
		case !wp.w.cfg.WakeStopped:
			notPatched(fmt.Sprintf("stopped (window %s does not start stopped instances: wake_stopped is false)", wp.w.name))
		case m != nil && m.Platform() == PlatformOther:
			notPatched(fmt.Sprintf("unsupported platform %s (opsd patches Windows and Ubuntu only)", m.OS()))
		case wp.cur.End.Sub(wp.now) < wp.w.cfg.OnlineTimeout:
			notPatched("stopped, and too little of the window is left to start it")
		default:
			wp.wake(i, m, wp.run, wp.cur, true)
		}
	default:
		notPatched(i.State)
	}
}

// outside decides about an instance between windows.
func (wp *windowPlan) outside(i Instance, m *Managed) {
	next := "no opening of window " + wp.w.name + " in the next five years"
	if wp.hasNext {
		next = fmt.Sprintf("window %s opens %s", wp.w.name, wp.w.local(wp.nxt.Start))
		if wp.w.ring != nil {
			next = fmt.Sprintf("ring %s opens %s; %s", wp.w.name, wp.w.local(wp.nxt.Start), wp.gate.text)
		}
	}
	if m == nil || m.Platform() == PlatformOther {
		why := "not managed by SSM"
		if m != nil {
			why = fmt.Sprintf("unsupported platform %s", m.OS())
		}
		wp.add(i, m, wp.nextRun, VerbReport, fmt.Sprintf("%s: will not be patched (%s)", why, next))
		return
	}
	wp.add(i, m, wp.nextRun, VerbNone, next)
}

// unpatchable says why SSM cannot patch a running instance, or "".
func unpatchable(m *Managed) string {
	switch {
	case m == nil:
		return "not managed by SSM (no SSM Agent registration: check the agent and the instance profile)"
	case !m.Online():
		return fmt.Sprintf("SSM Agent is %s", m.PingStatus)
	case m.Platform() == PlatformOther:
		return fmt.Sprintf("unsupported platform %s (opsd patches Windows and Ubuntu only)", m.OS())
	}
	return ""
}

// planWaves turns the candidates of the open window into commands: all
// at once, or with a first wave when the window has one. The first wave
// is the first N candidates by instance id in each account and region; the
// rest are sent once every first-wave instance succeeded, and held back
// (reported) when one failed.
func (wp *windowPlan) planWaves() {
	if len(wp.cands) == 0 || !wp.gateOpen() {
		return
	}
	cfg := wp.w.cfg
	tmpl := Send{
		Run:            wp.run,
		RebootOption:   cfg.RebootOption,
		MaxConcurrency: cfg.MaxConcurrency,
		MaxErrors:      cfg.MaxErrors,
		TimeoutSeconds: deliveryTimeout(wp.cur.End.Sub(wp.now)),
	}
	opening := fmt.Sprintf("window %s open until %s", wp.w.name, wp.w.local(wp.cur.End))
	if cfg.FirstWave <= 0 || wp.gate.lists != nil {
		// A later ring is a wave of the rollout already: its list is sent
		// to all of it at once.
		wp.sendAll(tmpl, opening)
		return
	}
	var first []*Command
	for _, c := range wp.ix.commands(wp.run) {
		if c.First {
			first = append(first, c)
		}
	}
	if len(first) == 0 {
		k := min(cfg.FirstWave, len(wp.cands))
		var ids []string
		for _, it := range wp.cands[:k] {
			it.Reason = opening + "; first wave"
			ids = append(ids, it.Instance.ID)
		}
		tmpl.First = true
		wp.sendInstall(wp.cands[:k], tmpl)
		for _, it := range wp.cands[k:] {
			it.Verb, it.Reason = VerbWait, "waiting for the first wave ("+strings.Join(ids, ", ")+") to succeed"
		}
		return
	}
	var running, failed []string
	var follow string
	for _, c := range first {
		for _, id := range c.InstanceIDs {
			cv, _ := wp.ix.cover(wp.run, id)
			switch {
			case !cv.terminal():
				running = append(running, id)
				follow = c.ID
			case !cv.success():
				failed = append(failed, id)
			}
		}
	}
	switch {
	case len(running) > 0:
		for _, it := range wp.cands {
			it.Verb, it.Command = VerbWait, follow
			it.Reason = "waiting for the first wave, under way on " + strings.Join(running, ", ")
		}
	case len(failed) > 0:
		for _, it := range wp.cands {
			it.Verb = VerbReport
			it.Reason = "not patched: held back because the first wave failed on " + strings.Join(failed, ", ")
			it.Mark = wp.run.skipMark()
		}
	default:
		wp.sendAll(tmpl, opening+"; the first wave succeeded")
	}
}

// sendAll sends every candidate.
func (wp *windowPlan) sendAll(tmpl Send, reason string) {
	for _, it := range wp.cands {
		it.Reason = reason
	}
	if wp.gate.lists == nil {
		wp.sendInstall(wp.cands, tmpl)
		return
	}
	wp.sendFrozen(tmpl)
}

// deliveryTimeout is an install command's delivery timeout: what is left
// of the window, within what SendCommand takes, so no instance starts
// patching after the window closed.
func deliveryTimeout(left time.Duration) int32 {
	left = min(max(left, 30*time.Second), maxDeliveryTimeout)
	return int32(left / time.Second)
}

// installResultReason describes an install's outcome.
func installResultReason(o *Outcome) string {
	switch {
	case o.Failed && o.Step != "":
		return fmt.Sprintf("patching failed (command %s: %s in step %s)", o.Command, o.Status, o.Step)
	case o.Failed:
		return fmt.Sprintf("patching failed (command %s: %s)", o.Command, o.Status)
	case o.PendingReboot > 0:
		return fmt.Sprintf("patched (command %s); %d patches wait for a reboot", o.Command, o.PendingReboot)
	}
	return fmt.Sprintf("patched (command %s)", o.Command)
}
