package audit

import (
	"fmt"
	"slices"
	"sort"
)

// Gap is part of the estate that could not be assessed: a collector that
// failed in one account and region, and the checks it left unassessed
// (or, for checks that only read it, whose verdicts there are Unknown).
type Gap struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	// Source is the collector; empty when the whole target failed.
	Source Source   `json:"source,omitempty"`
	Checks []string `json:"checks"`
	Error  string   `json:"error"`
}

// evaluate runs the checks over one inventory and returns their findings
// and the gaps its failed collectors leave.
func evaluate(checks []Check, r *Rules, inv *Inventory) ([]Finding, []Gap) {
	var findings []Finding
	for _, c := range checks {
		missing := missingUses(c, inv)
		for _, f := range c.Evaluate(r, inv) {
			f.Check, f.Pillar, f.Severity = c.ID, c.Pillar, c.Severity
			switch {
			case c.ProductionOnly && !r.production(f.Environment):
				f.Status = NotApplicable
				if f.Environment == "" {
					f.Reason = "applies to production only; no " + r.Keys.Environment + " tag"
				} else {
					f.Reason = "applies to production only; " + r.Keys.Environment + "=" + f.Environment
				}
			case missing != "":
				// Whatever the check concluded, pass, fail or not
				// applicable, it concluded without data it needs.
				f.Status = Unknown
				f.Reason = "not assessed: " + missing
			}
			findings = append(findings, f)
		}
	}
	return findings, gaps(checks, inv)
}

// missingUses describes the collectors a check reads that failed in inv,
// or returns "".
func missingUses(c Check, inv *Inventory) string {
	for _, s := range c.Uses {
		if err := inv.failed(s); err != nil {
			return fmt.Sprintf("%s could not be read (%v)", s, err)
		}
	}
	return ""
}

// gaps returns one gap per failed collector of inv, naming the checks
// that judge or read its resources; or, when every collector failed (the
// target's credentials, usually), one gap for the whole target.
func gaps(checks []Check, inv *Inventory) []Gap {
	if all := collectors(); len(inv.Failed) == ranCollectors(inv) && len(all) > 1 {
		return []Gap{{Account: inv.Account, Region: inv.Region, Checks: checkIDsOf(checks), Error: inv.failed(all[0].source).Error()}}
	}
	var out []Gap
	for s, err := range inv.Failed {
		g := Gap{Account: inv.Account, Region: inv.Region, Source: s, Error: err.Error()}
		for _, c := range checks {
			if slices.Contains(c.Uses, s) || slices.ContainsFunc(c.Kinds, func(k Kind) bool { return sourceOf(k) == s }) {
				g.Checks = append(g.Checks, c.ID)
			}
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}
