package patching

import (
	"fmt"
	"strings"
	"time"
)

// ring is a compiled [Ring]: its own window (named after the ring, so its
// runs and commands are the ring's) and its place in the rollout.
type ring struct {
	index  int
	cfg    Ring // with defaults
	w      *window
	prev   *ring
	next   *ring
	values map[string]bool // lower-case
}

// compileRings compiles the rings after the windows: each ring gets a
// window of its own, named after it, in p.windows.
func (p *Planner) compileRings(cfg Config) error {
	var prev *ring
	for n, rc := range cfg.Rings {
		rc = rc.withDefaults()
		r := &ring{index: n, cfg: rc, prev: prev, values: map[string]bool{}}
		for _, v := range rc.Values {
			r.values[strings.ToLower(strings.TrimSpace(v))] = true
		}
		var base *window
		switch {
		case rc.Window != "":
			base = p.window(rc.Window)
		case prev == nil:
			base = p.defaultWindow
		}
		var wc Window
		var start schedule
		switch {
		case base != nil && base.ring == nil:
			wc, start = base.cfg, base.start
		case prev != nil && rc.After > 0:
			wc, start = prev.w.cfg, shiftedSchedule{base: prev.w.start, by: rc.After}
		default:
			return fmt.Errorf("compile ring %s: no window", rc.Name)
		}
		if rc.RebootOption != "" {
			wc.RebootOption = rc.RebootOption
		}
		if rc.MaxConcurrency != "" {
			wc.MaxConcurrency = rc.MaxConcurrency
		}
		if rc.MaxErrors != "" {
			wc.MaxErrors = rc.MaxErrors
		}
		r.w = &window{name: rc.Name, cfg: wc, start: start, ring: r}
		if prev != nil {
			prev.next = r
		}
		p.windows[strings.ToLower(rc.Name)] = r.w
		p.rings = append(p.rings, r)
		prev = r
	}
	return nil
}

// ringOf returns the ring whose tag the instance carries with one of the
// ring's values, or nil.
func (p *Planner) ringOf(i Instance) *ring {
	for _, r := range p.rings {
		if v, ok := i.Tags[r.cfg.Tag]; ok && r.values[strings.ToLower(strings.TrimSpace(v))] {
			return r
		}
	}
	return nil
}

// prevStart returns the start of the previous ring's opening that the
// ring's opening at start follows.
func (r *ring) prevStart(start time.Time) (time.Time, bool) {
	if r.prev == nil {
		return time.Time{}, false
	}
	if r.cfg.After > 0 && r.cfg.Window == "" {
		return start.Add(-r.cfg.After), true
	}
	s, ok := r.prev.w.start.Latest(start)
	return s.UTC(), ok
}

// prevOccurrence returns the previous ring's opening that the ring's
// opening at start follows.
func (r *ring) prevOccurrence(start time.Time) (occurrence, bool) {
	s, ok := r.prevStart(start)
	if !ok {
		return occurrence{}, false
	}
	return occurrence{Start: s.UTC(), End: s.Add(r.prev.w.cfg.Duration).UTC()}, true
}

// cycle returns the rollout cycle of the ring's opening at start: the
// start of the first ring's opening it follows from.
func (r *ring) cycle(start time.Time) (time.Time, bool) {
	for x := r; x.prev != nil; x = x.prev {
		s, ok := x.prevStart(start)
		if !ok {
			return time.Time{}, false
		}
		start = s
	}
	return start.UTC(), true
}

// first reports whether the ring is the rollout's first.
func (r *ring) first() bool { return r.prev == nil }

// names lists the ring and the rings after it.
func (r *ring) andLater() []string {
	var out []string
	for x := r; x != nil; x = x.next {
		out = append(out, x.cfg.Name)
	}
	return out
}
