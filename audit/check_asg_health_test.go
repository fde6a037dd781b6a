package audit

import "testing"

func TestGroupELBHealth(t *testing.T) {
	app := prodTags("web")
	tg := "arn:aws:elasticloadbalancing:eu-west-2:111111111111:targetgroup/web/1"
	runCheck(t, checkGroupELBHealth(), []checkCase{
		{name: "groups", inv: Inventory{Groups: []Group{
			{Resource: res(KindASG, "elb", app), HealthCheckType: "ELB", TargetGroups: []string{tg}},
			{Resource: res(KindASG, "several", app), HealthCheckType: "EC2,ELB", TrafficSources: []string{"elbv2 " + tg}},
			{Resource: res(KindASG, "ec2", app), HealthCheckType: "EC2", LoadBalancers: []string{"classic"}},
			{Resource: res(KindASG, "unset", app), TargetGroups: []string{tg}},
			{Resource: res(KindASG, "worker", app), HealthCheckType: "EC2"},
			{Resource: res(KindASG, "lattice", app), HealthCheckType: "VPC_LATTICE", TrafficSources: []string{"vpc-lattice arn:aws:vpc-lattice:eu-west-2:111111111111:targetgroup/tg-1"}},
			{Resource: res(KindASG, "lattice-and-alb", app), HealthCheckType: "VPC_LATTICE", TrafficSources: []string{"vpc-lattice arn:tg-1", "elbv2 " + tg}, TargetGroups: []string{tg}},
		}}, want: map[string]want{
			"elb":             {Pass, "health check type ELB"},
			"several":         {Pass, "EC2,ELB"},
			"ec2":             {Fail, "health check type is EC2: instances the load balancer finds unhealthy are not replaced"},
			"unset":           {Fail, "EC2 (the default)"},
			"worker":          {NotApplicable, "not behind a load balancer"},
			"lattice":         {Pass, "behind VPC Lattice only"},
			"lattice-and-alb": {Fail, "health check type is VPC_LATTICE"},
		}},
	})
}
