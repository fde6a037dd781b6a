package audit

import (
	"strings"
)

// checkLoadBalancerCrossZone: load balancers spread requests across all
// zones' targets (cross-zone) and Classic Load Balancers drain connections
// before deregistering an instance (AWS recommendations, "ELB").
// Application Load Balancers are always cross-zone. Application, Network
// and Gateway Load Balancers drain by their target groups' deregistration
// delay, which is on by default (300 s) and not judged here.
func checkLoadBalancerCrossZone() Check {
	return Check{
		ID:     "availability.elb-cross-zone",
		Pillar: PillarAvailability,
		Title:  "Load balancers are cross-zone (Classic: with connection draining)",
		Kinds:  []Kind{KindClassicELB, KindLoadBalancer},
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
	case "application":
		return r.pass(inv, lb.Resource, "Application Load Balancers are always cross-zone")
	case "network", "gateway":
		return r.judge(inv, lb.Resource, lb.CrossZone,
			lb.Type+" load balancer: "+crossZoneAttribute+" is true",
			lb.Type+" load balancer: "+crossZoneAttribute+" is false (requests stay in the zone they arrive in)")
	}
	return r.unknown(inv, lb.Resource, "load balancer type %q is not known", lb.Type)
}
