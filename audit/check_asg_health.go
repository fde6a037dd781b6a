package audit

import (
	"strings"
)

// checkGroupELBHealth: Auto Scaling groups behind a load balancer replace
// instances the load balancer finds unhealthy (health check type ELB),
// not only those EC2 finds broken (AWS recommendations, "EC2": the EC2
// status checks see a running machine, not a working application).
func checkGroupELBHealth() Check {
	return Check{
		ID:     "availability.asg-elb-health-check",
		Pillar: PillarAvailability,
		Title:  "Auto Scaling groups behind load balancers use ELB health checks",
		Kinds:  []Kind{KindASG},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, g := range inv.Groups {
				out = append(out, groupELBHealth(r, inv, g))
			}
			return out
		},
	}
}

func groupELBHealth(r *Rules, inv *Inventory, g Group) Finding {
	n := len(g.TargetGroups) + len(g.LoadBalancers) + len(g.TrafficSources)
	if n == 0 {
		return r.notApplicable(inv, g.Resource, "not behind a load balancer (no target groups, load balancers or traffic sources)")
	}
	for _, t := range strings.Split(g.HealthCheckType, ",") {
		if strings.EqualFold(strings.TrimSpace(t), "ELB") {
			return r.pass(inv, g.Resource, "health check type %s", g.HealthCheckType)
		}
	}
	ht := g.HealthCheckType
	if ht == "" {
		ht = "EC2 (the default)"
	}
	return r.fail(inv, g.Resource, "behind a load balancer but health check type is %s: instances the load balancer finds unhealthy are not replaced; set ELB", ht)
}
