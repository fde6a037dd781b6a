package patching

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// tellHalts tells each halt not told yet, once: which ring failed its
// gate, why, on which instances, and how to resume. A halt whose message
// could not be delivered is told again by the next reconcile. It reports
// whether any was told.
func (s *Service) tellHalts(ctx context.Context, ro *Rollout, res *reconcile.Result) bool {
	told := false
	for _, k := range sortedKeys(ro.Gates) {
		g := ro.Gates[k]
		if g.Passed || g.Told {
			continue
		}
		if err := s.tell(ctx, s.haltReport(g), res); err != nil {
			continue
		}
		g.Told, told = true, true
	}
	return told
}

// haltReport is the message of a halted rollout.
func (s *Service) haltReport(g *GateRecord) *report {
	later := []string{g.Ring}
	for _, r := range s.planner.rings {
		if strings.EqualFold(r.cfg.Name, g.Ring) {
			later = r.andLater()
		}
	}
	r := &report{
		title: fmt.Sprintf("Patching rollout halted: ring %s failed its gate in cycle %s; %s not patched",
			g.After, cycleKey(g.Cycle), strings.Join(later, ", ")),
		severity: notify.Error,
	}
	var why []string
	for _, w := range g.Why {
		why = append(why, "• "+w)
	}
	r.add("Why", why)
	failing := append([]string(nil), g.Failing...)
	sort.Strings(failing)
	var lines []string
	for _, f := range failing {
		lines = append(lines, "• `"+shortRef(f)+"` ("+strings.TrimSuffix(f, "/"+shortRef(f))+")")
	}
	r.add("Instances", lines)
	example := "i-…"
	if len(failing) > 0 {
		example = shortRef(failing[0])
	} else if len(g.Members) > 0 {
		example = shortRef(g.Members[0])
	}
	key := s.planner.keys.Release
	r.add("To resume", []string{
		fmt.Sprintf("After looking, tag any instance of ring %s with `%s` set to the current time (RFC 3339, at or after the halt at %s), e.g.",
			g.After, key, g.Decided.UTC().Format("2006-01-02T15:04:05Z")),
		fmt.Sprintf("`aws ec2 create-tags --resources %s --tags Key=%s,Value=$(date -u +%%Y-%%m-%%dT%%H:%%M:%%SZ)`", example, key),
		fmt.Sprintf("The next reconcile releases the gate and ring %s installs the patches ring %s proved, in its window.", g.Ring, s.planner.rings[0].cfg.Name),
	})
	return r
}
