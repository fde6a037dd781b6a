package patching

import (
	"fmt"
	"strings"
)

// planGate works out, for a ring's window, how the gate in front of the
// opening that matters stands (the live one, else the next) and when the
// ring's instances would be patched.
func (wp *windowPlan) planGate() {
	r := wp.w.ring
	if r == nil {
		return
	}
	occ, ok := wp.cur, wp.live
	if !ok {
		occ, ok = wp.nxt, wp.hasNext
	}
	if !ok {
		return
	}
	wp.gate = wp.p.gateFor(wp.ix.o.Rollout, r, occ, wp.now)
	switch {
	case wp.gate.halted:
	case wp.gate.open && wp.live:
		wp.patchAt = wp.now
	case wp.gate.open || !wp.gate.ready.After(occ.Start):
		wp.patchAt = occ.Start
	case wp.gate.ready.Before(occ.End):
		wp.patchAt = wp.gate.ready
	}
}

// gateOpen reports whether the live window's candidates may be sent;
// when not, each says which gate it waits for, and nothing is told: the
// halt is told once, by the rollout.
func (wp *windowPlan) gateOpen() bool {
	if wp.w.ring == nil || wp.gate.open {
		return true
	}
	for _, it := range wp.cands {
		it.Verb = VerbNone
		it.Reason = fmt.Sprintf("ring %s, window open until %s: not patched yet; %s", wp.w.name, wp.w.local(wp.cur.End), wp.gate.text)
	}
	return false
}

// sendFrozen sends a later ring's candidates the patch list the first
// ring installed, one command per platform with the platform's list.
// Instances of a platform the first ring installed nothing for are not
// sent anything: there is no proven patch to install.
func (wp *windowPlan) sendFrozen(tmpl Send) {
	byPlatform := map[Platform][]*Item{}
	for _, it := range wp.cands {
		pf := instancePlatform(it.Instance, it.Managed)
		byPlatform[pf] = append(byPlatform[pf], it)
	}
	for _, pf := range []Platform{PlatformUbuntu, PlatformWindows, PlatformOther} {
		items := byPlatform[pf]
		if len(items) == 0 {
			continue
		}
		url := wp.gate.lists[pf]
		if url == "" {
			for _, it := range items {
				it.Verb = VerbNone
				it.Reason = fmt.Sprintf("not patched: ring %s installed no %s patches in this cycle, so there is nothing proven to install", wp.p.rings[0].cfg.Name, pf)
			}
			continue
		}
		t := tmpl
		t.OverrideList = url
		for _, it := range items {
			it.Reason = strings.TrimSuffix(it.Reason, ".") + "; " + wp.gate.text
		}
		wp.sendInstall(items, t)
	}
}
