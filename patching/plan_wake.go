package patching

import (
	"fmt"
	"time"
)

// While an install on an instance opsd started is still under way and its
// hold-until tag is less than holdMargin away, the hold moves on to
// holdExtension from now, so the shutdown service does not stop the
// instance in the middle of patching.
const (
	holdMargin    = 30 * time.Minute
	holdExtension = time.Hour
)

// Waking stopped instances for a window is state carried across
// reconciles by two tags on the instance: hold-until (the window's end,
// which the shutdown service honours) and woken (the window opening and
// when opsd started it, see [wake]). The life of a woken instance:
//
//	stopped, window opens within wake_before  → tag both, start   (start-for-patching)
//	running, not Online in SSM yet             → wait, up to online_timeout from the start
//	running, Online, window open               → install with the rest of the window
//	install under way                          → wait (extend-hold when the hold runs out)
//	install finished                           → stop, remove both tags (stop-after-patching)
//	not Online within online_timeout           → stop, remove hold-until, woken says gave-up
//	window over (gave-up, or never patched)    → stop if running, remove both tags
//
// woken stays (as gave-up) until the window is over so that opsd does not
// start the instance again for the same opening.

// wake starts a stopped instance for the opening occ of run.
func (wp *windowPlan) wake(i Instance, m *Managed, run Run, occ occurrence, live bool) {
	if m != nil && m.Platform() == PlatformOther {
		it := wp.add(i, m, run, VerbReport, fmt.Sprintf("not patched: unsupported platform %s (opsd patches Windows and Ubuntu only)", m.OS()))
		if live {
			it.Mark = run.skipMark()
		}
		return
	}
	k := wp.p.keys
	it := wp.add(i, m, run, VerbWake, fmt.Sprintf("stopped; starting it for window %s opening %s, held running until %s",
		wp.w.name, wp.w.local(occ.Start), wp.w.local(occ.End)))
	it.Woken = true
	it.Change = Change{Start: true, Set: map[string]string{
		k.HoldUntil: occ.End.UTC().Format(time.RFC3339),
		k.Woken:     wake{Run: run, Phase: phaseStarted, At: wp.now}.String(),
	}}
}

// planWoken decides about an instance opsd started for an opening of this
// window.
func (wp *windowPlan) planWoken(i Instance, m *Managed, wk wake) {
	wk.Run.Window = wp.w.name
	wr := wk.Run
	end := wr.Start.Add(wp.w.cfg.Duration)
	over := !wp.now.Before(end)
	add := func(v Verb, reason string) *Item {
		it := wp.add(i, m, wr, v, reason)
		it.Woken = true
		return it
	}
	notPatched := func(why string) {
		add(VerbReport, "not patched: "+why).Mark = wr.skipMark()
	}

	if c, covered := wp.ix.cover(wr, i.ID); covered {
		if !c.terminal() {
			wp.covered(i, m, wr, c, true)
			wp.extendHold(i, wp.pl.Items[len(wp.pl.Items)-1])
			return
		}
		if i.Tags[wp.p.keys.InstallReported] != wr.doneMark() {
			wp.covered(i, m, wr, c, true)
		}
		wp.putBack(i, m, wr, "patching finished")
		return
	}
	switch {
	case wk.Phase == phaseGaveUp && over:
		wp.putBack(i, m, wr, "the window is over")
		return
	case wk.Phase == phaseGaveUp:
		add(VerbNone, fmt.Sprintf("opsd started it for the window and gave up at %s", wp.w.local(wk.At)))
		why := wk.Why
		if why == "" {
			why = "it could not be patched after opsd started it for the window"
		}
		notPatched(why)
		return
	case over:
		wp.putBack(i, m, wr, "the window ended before it was patched")
		notPatched("the window ended before it could be patched")
		return
	}

	timeout := wp.w.cfg.OnlineTimeout
	timedOut := wp.now.Sub(wk.At) >= timeout
	online := m != nil && m.Online()
	switch i.State {
	case stateRunning, statePending:
		switch {
		case online && m.Platform() == PlatformOther:
			wp.giveUp(i, m, wk, fmt.Sprintf("unsupported platform %s (opsd patches Windows and Ubuntu only)", m.OS()))
		case online && wp.live && sameRun(wr, wp.run) && i.State == stateRunning:
			it := add(VerbInstall, "")
			wp.cands = append(wp.cands, it)
		case online:
			add(VerbWait, fmt.Sprintf("started for window %s opening %s; Online in SSM, waiting for the window", wp.w.name, wp.w.local(wr.Start)))
		case timedOut:
			wp.giveUp(i, m, wk, fmt.Sprintf("it did not show Online in SSM within %s of being started", timeout))
		default:
			add(VerbWait, fmt.Sprintf("started by opsd at %s; waiting up to %s for SSM to show it Online", wp.w.local(wk.At), timeout))
		}
	case stateStopped:
		if timedOut {
			wp.giveUp(i, m, wk, fmt.Sprintf("it stopped again within %s of being started", timeout))
			return
		}
		it := add(VerbWake, "opsd started it for the window, but it is stopped; starting it again")
		it.Change = Change{Start: true}
	default:
		add(VerbWait, i.State)
	}
}

// extendHold turns the wait item of an instance opsd started, whose
// install is still under way, into a hold extension when the hold is
// about to run out (or cannot be read).
func (wp *windowPlan) extendHold(i Instance, it *Item) {
	k := wp.p.keys.HoldUntil
	hold, err := time.Parse(time.RFC3339, i.Tags[k])
	if err == nil && hold.Sub(wp.now) >= holdMargin {
		return
	}
	until := wp.now.Add(holdExtension).UTC()
	it.Verb = VerbExtendHold
	it.Reason += fmt.Sprintf("; holding it running until %s", wp.w.local(until))
	it.Change = Change{Set: map[string]string{k: until.Format(time.RFC3339)}}
}

// giveUp stops an instance opsd started that cannot be patched, removes
// its hold and records the gave-up phase.
func (wp *windowPlan) giveUp(i Instance, m *Managed, wk wake, why string) {
	k := wp.p.keys
	stop := i.State == stateRunning || i.State == statePending
	v, reason := VerbRelease, "gave up: "+why
	if stop {
		v, reason = VerbStop, reason+"; stopping it again"
	}
	it := wp.add(i, m, wk.Run, v, reason)
	it.Woken = true
	it.Change = Change{Stop: stop, StopMark: stopMark(k, stop), Remove: []string{k.HoldUntil},
		Set: map[string]string{k.Woken: wake{Run: wk.Run, Phase: phaseGaveUp, At: wp.now, Why: why}.String()}}
	rep := wp.add(i, m, wk.Run, VerbReport, "not patched: "+why)
	rep.Woken, rep.Mark = true, wk.Run.skipMark()
}

// putBack stops an instance opsd started (when it is still running) and
// removes the tags it wrote.
func (wp *windowPlan) putBack(i Instance, m *Managed, run Run, why string) {
	it := putBack(wp.p.keys, i, m, run, why)
	wp.pl.Items = append(wp.pl.Items, it)
}

func putBack(k TagKeys, i Instance, m *Managed, run Run, why string) *Item {
	remove := []string{k.HoldUntil, k.Woken}
	if i.State == stateRunning || i.State == statePending {
		it := newItem(i, PurposeInstall, run, m, VerbStop, why+"; stopping it again (opsd started it for the window)")
		it.Woken, it.Change = true, Change{Stop: true, StopMark: k.StoppedAt, Remove: remove}
		return it
	}
	it := newItem(i, PurposeInstall, run, m, VerbRelease, why+"; removing the tags opsd wrote when it started it")
	it.Woken, it.Change = true, Change{Remove: remove}
	return it
}

// stopMark is the StopMark of a change that stops (or not) an instance
// opsd started for a window.
func stopMark(k TagKeys, stop bool) string {
	if !stop {
		return ""
	}
	return k.StoppedAt
}

// orphanWake puts back an instance opsd started for a window that is no
// longer configured, once no command of that run is under way on it.
func (p *Planner) orphanWake(pl *Plan, ix *index, i Instance, wk wake) {
	m := ix.managed(i.ID)
	if c, covered := ix.cover(wk.Run, i.ID); covered && !c.terminal() {
		it := newItem(i, PurposeInstall, wk.Run, m, VerbWait, fmt.Sprintf("install under way (command %s: %s)", c.cmd.ID, c.status))
		it.Command, it.Woken = c.cmd.ID, true
		pl.Items = append(pl.Items, it)
		return
	}
	pl.Items = append(pl.Items, putBack(p.keys, i, m, wk.Run, fmt.Sprintf("window %s is no longer configured", wk.Run.Window)))
}
