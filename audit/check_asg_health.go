package audit

import "strings"

// checkGroupELBHealth: Auto Scaling groups behind a load balancer replace
// instances the load balancer finds unhealthy (health check type ELB),
// not only those EC2 finds broken (AWS recommendations, "EC2": the EC2
// status checks see a running machine, not a working application).
func checkGroupELBHealth() Check {
	return Check{
		ID:       "availability.asg-elb-health-check",
		Pillar:   PillarAvailability,
		Severity: Warning,
		Title:    "Auto Scaling groups behind load balancers use ELB health checks",
		Kinds:    []Kind{KindASG},
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
	types := map[string]bool{}
	for _, t := range strings.Split(g.HealthCheckType, ",") {
		types[strings.ToUpper(strings.TrimSpace(t))] = true
	}
	if types["ELB"] {
		return r.pass(inv, g.Resource, "health check type %s", g.HealthCheckType)
	}
	if types["VPC_LATTICE"] && latticeOnly(g) {
		return r.pass(inv, g.Resource, "behind VPC Lattice only, health check type %s", g.HealthCheckType)
	}
	ht := g.HealthCheckType
	if ht == "" {
		ht = "EC2 (the default)"
	}
	return r.fail(inv, g.Resource, "behind a load balancer but health check type is %s: instances the load balancer finds unhealthy are not replaced; set ELB", ht)
}

// latticeOnly reports whether every traffic source of g is a VPC Lattice
// target group, whose health checks are type VPC_LATTICE, not ELB.
func latticeOnly(g Group) bool {
	if len(g.TargetGroups) > 0 || len(g.LoadBalancers) > 0 || len(g.TrafficSources) == 0 {
		return false
	}
	for _, ts := range g.TrafficSources {
		if !strings.HasPrefix(ts, "vpc-lattice ") {
			return false
		}
	}
	return true
}
