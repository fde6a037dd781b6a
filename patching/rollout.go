package patching

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// rolloutKey names the rollout's document in the state store.
const rolloutKey = "rollout"

// keepCycles is how long gates and patch lists are kept.
const keepCycles = 120 * 24 * time.Hour

// rollout judges the gates that are due, before any account and region
// is planned: a gate is judged once the ring before it finished its
// window and soaked, from that ring's commands, status checks and alarms
// in every target. A halted gate is released by the release tag on an
// instance of the halted ring. Once the gate after the first ring opens,
// the first ring's patch list is frozen to S3. In Apply mode new verdicts
// are saved and halts told once; in Plan mode nothing is written.
func (s *Service) rollout(ctx context.Context, targets []accounts.Target, req reconcile.Request, res *reconcile.Result) *Rollout {
	if len(s.planner.rings) < 2 {
		return nil
	}
	ro, found := state.Load[Rollout](ctx, s.deps.State, ServiceName, rolloutKey)
	s.mu.Lock()
	if !found && s.ro != nil {
		ro = cloneRollout(s.ro)
	}
	s.mu.Unlock()
	if ro.Gates == nil {
		ro.Gates = map[string]*GateRecord{}
	}
	if ro.Lists == nil {
		ro.Lists = map[string]*PatchList{}
	}
	apply := req.Mode == reconcile.Apply
	changed := false
	for _, r := range s.planner.rings[1:] {
		for _, occ := range ringOpenings(r, req.Now) {
			if s.rolloutStep(ctx, &ro, r, occ, targets, req.Now, apply, res) {
				changed = true
			}
		}
	}
	if apply {
		changed = s.tellHalts(ctx, &ro, res) || changed
		if prune(&ro, req.Now) || changed {
			s.mu.Lock()
			c := cloneRollout(&ro)
			s.ro = &c
			s.mu.Unlock()
			if s.deps.State != nil {
				s.deps.State.Save(context.WithoutCancel(ctx), ServiceName, rolloutKey, ro)
			}
		}
	}
	return &ro
}

// ringOpenings are the ring's openings a gate may be due for: the latest
// and the next.
func ringOpenings(r *ring, now time.Time) []occurrence {
	var out []occurrence
	if o, ok := r.w.latest(now); ok {
		out = append(out, o)
	}
	if o, ok := r.w.next(now); ok {
		out = append(out, o)
	}
	return out
}

// rolloutStep moves the gate in front of r's opening occ on, when it is
// due: judged, released, or its patch list frozen. It reports whether the
// rollout changed.
func (s *Service) rolloutStep(ctx context.Context, ro *Rollout, r *ring, occ occurrence, targets []accounts.Target, now time.Time, apply bool, res *reconcile.Result) bool {
	if !now.Before(occ.End) {
		return false
	}
	g := s.planner.gateFor(ro, r, occ, now)
	if g.cycle.IsZero() || now.Before(g.ready) {
		return false
	}
	if !r.prev.first() {
		prevOcc, _ := r.prevOccurrence(occ.Start)
		if !s.planner.gateFor(ro, r.prev, prevOcc, now).open {
			return false
		}
	}
	key := gateKey(r.cfg.Name, g.cycle)
	prevOcc, _ := r.prevOccurrence(occ.Start)
	rec := ro.Gates[key]
	changed := false
	switch {
	case rec == nil:
		ev, err := s.evidence(ctx, targets, r.prev.w.run(prevOcc), prevOcc, now)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("judge the gate of ring %s: %w", r.cfg.Name, err))
			return false
		}
		passed, why, failing := judge(ev, *r.prev.cfg.MaxFailureRate)
		rec = &GateRecord{Ring: r.cfg.Name, After: r.prev.cfg.Name, Cycle: g.cycle, Decided: now.UTC(), Passed: passed, Why: why, Failing: failing, Members: ev.Members}
		ro.Gates[key] = rec
		changed = true
		s.log.InfoContext(ctx, "patching gate judged", "ring", r.cfg.Name, "after", r.prev.cfg.Name, "cycle", cycleKey(g.cycle), "passed", passed)
	case !rec.Passed:
		by, at, err := s.released(ctx, targets, rec)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("look for the release of ring %s: %w", rec.After, err))
			return false
		}
		if by == "" {
			return false
		}
		rec.Passed, rec.ReleasedAt, rec.ReleasedBy = true, at, by
		changed = true
		s.log.InfoContext(ctx, "patching gate released", "ring", r.cfg.Name, "after", rec.After, "cycle", cycleKey(g.cycle), "by", by)
	}
	if rec.Passed && ro.Lists[cycleKey(g.cycle)] == nil && apply {
		first := s.planner.rings[0]
		firstOcc := occurrence{Start: g.cycle, End: g.cycle.Add(first.w.cfg.Duration)}
		list, err := s.freeze(ctx, targets, first.w.run(firstOcc), firstOcc, now)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("freeze the patch list of cycle %s: %w", cycleKey(g.cycle), err))
		} else {
			ro.Lists[cycleKey(g.cycle)] = list
			changed = true
		}
	}
	return changed
}

// prune forgets gates and lists of cycles long past. It reports whether
// any went.
func prune(ro *Rollout, now time.Time) bool {
	gone := false
	for k, g := range ro.Gates {
		if now.Sub(g.Cycle) > keepCycles {
			delete(ro.Gates, k)
			gone = true
		}
	}
	for k, l := range ro.Lists {
		if now.Sub(l.Cycle) > keepCycles {
			delete(ro.Lists, k)
			gone = true
		}
	}
	return gone
}

// cloneRollout copies the maps and records, so a plan never sees a later
// change.
func cloneRollout(ro *Rollout) Rollout {
	out := Rollout{Gates: map[string]*GateRecord{}, Lists: maps.Clone(ro.Lists)}
	for k, g := range ro.Gates {
		c := *g
		out.Gates[k] = &c
	}
	if out.Lists == nil {
		out.Lists = map[string]*PatchList{}
	}
	return out
}
