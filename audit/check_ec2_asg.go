package audit

import "slices"

// checkInstanceInGroup: every EC2 instance is launched by an Auto Scaling
// group, even a group of one, so that a failed instance is replaced
// without anyone (AWS recommendations, "EC2").
func checkInstanceInGroup() Check {
	return Check{
		ID:       "availability.ec2-in-auto-scaling-group",
		Pillar:   PillarAvailability,
		Severity: Warning,
		Title:    "EC2 instances run in Auto Scaling groups",
		Kinds:    []Kind{KindEC2Instance},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, in := range inv.Instances {
				out = append(out, instanceInGroup(r, inv, in))
			}
			return out
		},
	}
}

// instanceInGroup judges one instance by the tag Auto Scaling puts on the
// instances it launches or attaches, and failing that by the groups'
// instance lists.
func instanceInGroup(r *Rules, inv *Inventory, in Instance) Finding {
	if in.Group != "" {
		return r.pass(inv, in.Resource, "in Auto Scaling group %s (%s tag)", in.Group, asgNameTag)
	}
	for _, g := range inv.Groups {
		if slices.Contains(g.Instances, in.ID) {
			return r.pass(inv, in.Resource, "in Auto Scaling group %s", g.ID)
		}
	}
	if err := inv.failed(SourceAutoScaling); err != nil {
		return r.unknown(inv, in.Resource, "no %s tag, and the Auto Scaling groups could not be read (%v)", asgNameTag, err)
	}
	return r.fail(inv, in.Resource, "not in an Auto Scaling group: a failed instance is not replaced (a group of min and max 1 is enough)")
}
