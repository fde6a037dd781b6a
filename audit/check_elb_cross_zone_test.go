package audit

import "testing"

func TestLoadBalancerCrossZone(t *testing.T) {
	app := prodTags("web")
	runCheck(t, checkLoadBalancerCrossZone(), []checkCase{
		{name: "load balancers", inv: Inventory{LoadBalancers: []LoadBalancer{
			{Resource: res(KindClassicELB, "classic-ok", app), Type: "classic", CrossZone: true, Draining: true, DrainingTimeout: 300},
			{Resource: res(KindClassicELB, "classic-bare", app), Type: "classic"},
			{Resource: res(KindClassicELB, "classic-no-drain", app), Type: "classic", CrossZone: true},
			{Resource: res(KindLoadBalancer, "alb", app), Type: "application", TargetGroups: []TargetGroup{{Name: "web", CrossZone: "true", DeregistrationDelay: 300}}},
			{Resource: res(KindLoadBalancer, "alb-tg-off", app), Type: "application", TargetGroups: []TargetGroup{{Name: "web", CrossZone: "false", DeregistrationDelay: 300}}},
			{Resource: res(KindLoadBalancer, "alb-no-drain", app), Type: "application", TargetGroups: []TargetGroup{{Name: "web", DeregistrationDelay: 0}, {Name: "api", DeregistrationDelay: -1}}},
			{Resource: res(KindLoadBalancer, "nlb-on", app), Type: "network", CrossZone: true},
			{Resource: res(KindLoadBalancer, "nlb-off", app), Type: "network"},
			{Resource: res(KindLoadBalancer, "nlb-tg-on", app), Type: "network", TargetGroups: []TargetGroup{{Name: "tcp", CrossZone: "true", DeregistrationDelay: 300}}},
			{Resource: res(KindLoadBalancer, "nlb-tg-follows", app), Type: "network", TargetGroups: []TargetGroup{{Name: "tcp", CrossZone: "use_load_balancer_configuration", DeregistrationDelay: 300}}},
			{Resource: res(KindLoadBalancer, "nlb-on-tg-off", app), Type: "network", CrossZone: true, TargetGroups: []TargetGroup{{Name: "a", DeregistrationDelay: 300}, {Name: "b", CrossZone: "false", DeregistrationDelay: 300}}},
			{Resource: res(KindLoadBalancer, "gwlb-off", app), Type: "gateway"},
			{Resource: res(KindLoadBalancer, "odd", app), Type: "quantum"},
		}}, want: map[string]want{
			"classic-ok":       {Pass, "cross-zone, connection draining after 300 s"},
			"classic-bare":     {Fail, "cross-zone load balancing is off, connection draining is off"},
			"classic-no-drain": {Fail, "Classic Load Balancer: connection draining is off"},
			"alb":              {Pass, "Application Load Balancer: always cross-zone, and no target group turns it off"},
			"alb-tg-off":       {Fail, "cross-zone load balancing is off for target group(s) web"},
			"alb-no-drain":     {Fail, "target group(s) web have a deregistration delay of 0 s"},
			"nlb-on":           {Pass, "load_balancing.cross_zone.enabled is true"},
			"nlb-off":          {Fail, "Network Load Balancer: load_balancing.cross_zone.enabled is false"},
			"nlb-tg-on":        {Pass, "cross-zone for every target group"},
			"nlb-tg-follows":   {Fail, "off for target group(s) tcp"},
			"nlb-on-tg-off":    {Fail, "off for target group(s) b"},
			"gwlb-off":         {Fail, "Gateway Load Balancer"},
			"odd":              {Unknown, `type "quantum"`},
		}},
	})
}
