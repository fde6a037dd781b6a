package audit

import (
	"slices"
	"strings"
)

// checkGroupAllZones: Auto Scaling groups may launch instances in every
// availability zone of their region (AWS recommendations, "EC2"). This is
// stricter than availability.multi-az, which asks production resources
// for a number of zones: a group lists every available zone of the
// region, in every environment.
func checkGroupAllZones() Check {
	return Check{
		ID:       "availability.asg-all-zones",
		Pillar:   PillarAvailability,
		Severity: Warning,
		Title:    "Auto Scaling groups span every availability zone of the region",
		Kinds:    []Kind{KindASG},
		Uses:     []Source{SourceZones},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, g := range inv.Groups {
				out = append(out, groupAllZones(r, inv, g))
			}
			return out
		},
	}
}

func groupAllZones(r *Rules, inv *Inventory, g Group) Finding {
	if len(inv.Zones) == 0 {
		return r.unknown(inv, g.Resource, "the region reported no available availability zones")
	}
	var missing []string
	for _, z := range inv.Zones {
		if !slices.Contains(g.AZs, z) {
			missing = append(missing, z)
		}
	}
	if len(missing) > 0 {
		return r.fail(inv, g.Resource, "spans %d of the region's %d availability zones: not %s", len(inv.Zones)-len(missing), len(inv.Zones), strings.Join(missing, ", "))
	}
	return r.pass(inv, g.Resource, "spans all %d availability zones of the region: %s", len(inv.Zones), strings.Join(inv.Zones, ", "))
}
