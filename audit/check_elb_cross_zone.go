package audit

import (
	"strings"
)

// checkLoadBalancerCrossZone: load balancers spread requests across all
// zones' targets (cross-zone) and Classic Load Balancers drain connections
// before deregistering an instance (AWS recommendations, "ELB").
// An Application Load Balancer is always cross-zone, but since 2022 each
// of its target groups may turn cross-zone off; a Network or Gateway Load
// Balancer is cross-zone when its load_balancing.cross_zone.enabled is
// true, which each target group may override either way. Their target
// groups drain by their deregistration delay (300 s by default): 0 means
// no draining.
func checkLoadBalancerCrossZone() Check {
	return Check{
		ID:       "availability.elb-cross-zone",
		Pillar:   PillarAvailability,
		Severity: Warning,
		Title:    "Load balancers are cross-zone and drain connections",
		Kinds:    []Kind{KindClassicELB, KindLoadBalancer},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, lb := range inv.LoadBalancers {
				out = append(out, loadBalancerCrossZone(r, inv, lb))
			}
			return out
		},
	}
}

func loadBalancerCrossZone(r *Rules, inv *Inventory, lb LoadBalancer) Finding {
	switch lb.Type {
	case "classic":
		var missing []string
		if !lb.CrossZone {
			missing = append(missing, "cross-zone load balancing is off")
		}
		if !lb.Draining {
			missing = append(missing, "connection draining is off")
		}
		if len(missing) > 0 {
			return r.fail(inv, lb.Resource, "Classic Load Balancer: %s", strings.Join(missing, ", "))
		}
		return r.pass(inv, lb.Resource, "Classic Load Balancer: cross-zone, connection draining after %d s", lb.DrainingTimeout)
	case "application", "network", "gateway":
		return loadBalancerV2CrossZone(r, inv, lb)
	}
	return r.unknown(inv, lb.Resource, "load balancer type %q is not known", lb.Type)
}

func loadBalancerV2CrossZone(r *Rules, inv *Inventory, lb LoadBalancer) Finding {
	kind := map[string]string{"application": "Application", "network": "Network", "gateway": "Gateway"}[lb.Type] + " Load Balancer"
	var off, undrained []string
	for _, tg := range lb.TargetGroups {
		on := lb.Type == "application" || lb.CrossZone
		switch tg.CrossZone {
		case "true":
			on = true
		case "false":
			on = false
		}
		if !on {
			off = append(off, tg.Name)
		}
		if tg.DeregistrationDelay == 0 {
			undrained = append(undrained, tg.Name)
		}
	}
	var problems []string
	switch {
	case len(off) > 0:
		problems = append(problems, "cross-zone load balancing is off for target group(s) "+strings.Join(off, ", "))
	case len(lb.TargetGroups) == 0 && lb.Type != "application" && !lb.CrossZone:
		problems = append(problems, crossZoneAttribute+" is false (requests stay in the zone they arrive in)")
	}
	if len(undrained) > 0 {
		problems = append(problems, "target group(s) "+strings.Join(undrained, ", ")+" have a deregistration delay of 0 s (no connection draining)")
	}
	if len(problems) > 0 {
		return r.fail(inv, lb.Resource, "%s: %s", kind, strings.Join(problems, "; "))
	}
	switch {
	case lb.Type == "application":
		return r.pass(inv, lb.Resource, "%s: always cross-zone, and no target group turns it off", kind)
	case len(lb.TargetGroups) == 0:
		return r.pass(inv, lb.Resource, "%s: %s is true", kind, crossZoneAttribute)
	}
	return r.pass(inv, lb.Resource, "%s: cross-zone for every target group", kind)
}
