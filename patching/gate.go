package patching

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Rollout is what the planner knows of a rollout's gates and frozen patch
// lists, kept in the state store across restarts and replicas.
type Rollout struct {
	// Gates are the judged gates, by [gateKey].
	Gates map[string]*GateRecord `json:"gates"`
	// Lists are the frozen patch lists, by cycle ([Run.Label] stamp).
	Lists map[string]*PatchList `json:"lists"`
}

// GateRecord is the verdict on the gate in front of a ring in one cycle:
// how the ring before it went.
type GateRecord struct {
	// Ring is the ring the gate lets start; After the ring judged.
	Ring  string `json:"ring"`
	After string `json:"after"`
	// Cycle is the start of the first ring's opening of the cycle.
	Cycle time.Time `json:"cycle"`
	// Decided is when the gate was judged.
	Decided time.Time `json:"decided"`
	// Passed is true when the ring after may start: judged healthy, or
	// released by a person.
	Passed bool `json:"passed"`
	// Why says why it halted.
	Why []string `json:"why,omitempty"`
	// Failing are the instances that made it halt, as "account/region/id".
	Failing []string `json:"failing,omitempty"`
	// Members are the instances the judged ring was sent its install.
	Members []string `json:"members,omitempty"`
	// Told is true once the halt was told.
	Told bool `json:"told,omitempty"`
	// ReleasedAt and ReleasedBy record the release tag that resumed it.
	ReleasedAt time.Time `json:"released_at,omitzero"`
	ReleasedBy string    `json:"released_by,omitempty"`
}

// Halted reports whether the gate halts the rollout.
func (g *GateRecord) Halted() bool { return !g.Passed }

// PatchList is the patch set of a cycle, frozen from what the first ring
// had installed: later rings install exactly that.
type PatchList struct {
	// Cycle is the start of the first ring's opening.
	Cycle time.Time `json:"cycle"`
	// Frozen is when the list was written.
	Frozen time.Time `json:"frozen"`
	// URLs are the InstallOverrideList S3 URLs, by platform; a platform
	// without one had nothing installed by the first ring.
	URLs map[Platform]string `json:"urls"`
	// Patches are the patch ids in each list.
	Patches map[Platform][]string `json:"patches"`
}

// gateKey names the gate in front of ring in cycle.
func gateKey(ringName string, cycle time.Time) string {
	return strings.ToLower(ringName) + " " + cycle.UTC().Format(stampLayout)
}

// cycleKey names a cycle.
func cycleKey(cycle time.Time) string { return cycle.UTC().Format(stampLayout) }

// gateView is how the gate in front of a ring's opening stands for the
// planner.
type gateView struct {
	// open is true when the ring may install.
	open bool
	// halted is true when the rollout halted at or before this ring.
	halted bool
	// text says, for people, which gate the ring waits for or why it is
	// halted; "" for the first ring.
	text string
	// ready is when the gate can be judged: the previous ring's window
	// end plus its soak.
	ready time.Time
	// lists are the override lists by platform, when open after the first
	// ring.
	lists map[Platform]string
	cycle time.Time
}

// gateFor returns how the gate in front of r's opening occ stands at now.
func (p *Planner) gateFor(ro *Rollout, r *ring, occ occurrence, now time.Time) gateView {
	cycle, ok := r.cycle(occ.Start)
	if !ok {
		return gateView{text: "no opening of the rings before it in the last year"}
	}
	if r.first() {
		return gateView{open: true, cycle: cycle, text: fmt.Sprintf("first ring of cycle %s: no gate", cycleKey(cycle))}
	}
	prevOcc, _ := r.prevOccurrence(occ.Start)
	g := gateView{cycle: cycle, ready: prevOcc.End.Add(r.prev.cfg.Soak)}
	if !r.prev.first() {
		up := p.gateFor(ro, r.prev, prevOcc, now)
		if !up.open {
			g.halted = up.halted
			g.text = fmt.Sprintf("waits for ring %s, which has not started: %s", r.prev.cfg.Name, up.text)
			if up.halted {
				g.text = "rollout halted before ring " + r.prev.cfg.Name + ": " + up.text
			}
			return g
		}
	}
	var rec *GateRecord
	if ro != nil {
		rec = ro.Gates[gateKey(r.cfg.Name, cycle)]
	}
	soak := fmt.Sprintf("ring %s's window (ended %s) and soak of %s, until %s", r.prev.cfg.Name, r.prev.w.local(prevOcc.End), r.prev.cfg.Soak, r.prev.w.local(g.ready))
	switch {
	case rec == nil && now.Before(g.ready):
		g.text = "waits for the gate after " + soak
	case rec == nil:
		g.text = fmt.Sprintf("waits for the gate on ring %s to be judged (soak over at %s)", r.prev.cfg.Name, r.prev.w.local(g.ready))
	case !rec.Passed:
		g.halted = true
		g.text = fmt.Sprintf("halted: ring %s failed its gate in cycle %s (%s); a person releases it with tag %s=<RFC 3339 time> on an instance of ring %s",
			r.prev.cfg.Name, cycleKey(cycle), strings.Join(rec.Why, "; "), p.keys.Release, r.prev.cfg.Name)
	default:
		var list *PatchList
		if ro != nil {
			list = ro.Lists[cycleKey(cycle)]
		}
		how := "passed"
		if !rec.ReleasedAt.IsZero() {
			how = "released by " + rec.ReleasedBy
		}
		if list == nil {
			g.text = fmt.Sprintf("gate on ring %s %s; waits for the patch list of ring %s to be written", r.prev.cfg.Name, how, p.rings[0].cfg.Name)
			return g
		}
		g.open, g.lists = true, list.URLs
		g.text = fmt.Sprintf("gate on ring %s %s; installs the %d patches ring %s had installed in cycle %s", r.prev.cfg.Name, how, countPatches(list), p.rings[0].cfg.Name, cycleKey(cycle))
	}
	return g
}

func countPatches(l *PatchList) int {
	n := 0
	for _, ps := range l.Patches {
		n += len(ps)
	}
	return n
}

// RingEvidence is how a ring's install went, read from AWS after its
// window and soak.
type RingEvidence struct {
	// Members are the instances sent the ring's install ("account/region/id").
	Members []string
	// Failed are those whose install did not succeed (failed, timed out,
	// cancelled, or still not finished: an agent that did not come back).
	Failed []string
	// Impaired are patched instances failing an EC2 status check, with
	// which.
	Impaired map[string]string
	// Alarms are patched instances with CloudWatch alarms in ALARM since
	// the install, by instance.
	Alarms map[string][]string
}

// judge decides a gate from the evidence of the ring before it: passed
// when the failure rate is at or under maxRate, no patched instance
// fails a status check and none has an alarm in ALARM since the install.
// why and failing say why not.
func judge(e RingEvidence, maxRate float64) (passed bool, why, failing []string) {
	bad := map[string]bool{}
	if n := len(e.Members); n > 0 {
		rate := float64(len(e.Failed)) / float64(n)
		if rate > maxRate {
			why = append(why, fmt.Sprintf("failure rate %d/%d (%.0f%%) is over %.0f%%", len(e.Failed), n, rate*100, maxRate*100))
			for _, id := range e.Failed {
				bad[id] = true
			}
		}
	}
	for _, id := range sortedKeys(e.Impaired) {
		why = append(why, fmt.Sprintf("%s fails its status checks (%s)", shortRef(id), e.Impaired[id]))
		bad[id] = true
	}
	for _, id := range sortedKeys(e.Alarms) {
		names := append([]string(nil), e.Alarms[id]...)
		sort.Strings(names)
		why = append(why, fmt.Sprintf("%s has alarms in ALARM since the install: %s", shortRef(id), strings.Join(names, ", ")))
		bad[id] = true
	}
	return len(why) == 0, why, sortedKeys(bad)
}

// shortRef is the instance id of an "account/region/id" reference.
func shortRef(ref string) string {
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
