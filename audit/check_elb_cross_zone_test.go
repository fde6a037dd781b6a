package audit

import "testing"

func TestLoadBalancerCrossZone(t *testing.T) {
	app := prodTags("web")
	runCheck(t, checkLoadBalancerCrossZone(), []checkCase{
		{name: "load balancers", inv: Inventory{LoadBalancers: []LoadBalancer{
			{Resource: res(KindClassicELB, "classic-ok", app), Type: "classic", CrossZone: true, Draining: true, DrainingTimeout: 300},
			{Resource: res(KindClassicELB, "classic-bare", app), Type: "classic"},
			{Resource: res(KindClassicELB, "classic-no-drain", app), Type: "classic", CrossZone: true},
			{Resource: res(KindLoadBalancer, "alb", app), Type: "application"},
			{Resource: res(KindLoadBalancer, "nlb-on", app), Type: "network", CrossZone: true},
			{Resource: res(KindLoadBalancer, "nlb-off", app), Type: "network"},
			{Resource: res(KindLoadBalancer, "gwlb-off", app), Type: "gateway"},
			{Resource: res(KindLoadBalancer, "odd", app), Type: "quantum"},
		}}, want: map[string]want{
			"classic-ok":       {Pass, "cross-zone, connection draining after 300 s"},
			"classic-bare":     {Fail, "cross-zone load balancing is off, connection draining is off"},
			"classic-no-drain": {Fail, "Classic Load Balancer: connection draining is off"},
			"alb":              {Pass, "always cross-zone"},
			"nlb-on":           {Pass, "load_balancing.cross_zone.enabled is true"},
			"nlb-off":          {Fail, "network load balancer: load_balancing.cross_zone.enabled is false"},
			"gwlb-off":         {Fail, "gateway load balancer"},
			"odd":              {Unknown, `type "quantum"`},
		}},
	})
}
