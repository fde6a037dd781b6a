package audit

import "testing"

func TestGroupELBHealth(t *testing.T) {
	app := prodTags("web")
	tg := "arn:aws:elasticloadbalancing:eu-west-2:111111111111:targetgroup/web/1"
	runCheck(t, checkGroupELBHealth(), []checkCase{
		{name: "groups", inv: Inventory{Groups: []Group{
			{Resource: res(KindASG, "elb", app), HealthCheckType: "ELB", TargetGroups: []string{tg}},
			{Resource: res(KindASG, "several", app), HealthCheckType: "EC2,ELB", TrafficSources: []string{tg}},
			{Resource: res(KindASG, "ec2", app), HealthCheckType: "EC2", LoadBalancers: []string{"classic"}},
			{Resource: res(KindASG, "unset", app), TargetGroups: []string{tg}},
			{Resource: res(KindASG, "worker", app), HealthCheckType: "EC2"},
		}}, want: map[string]want{
			"elb":     {Pass, "health check type ELB"},
			"several": {Pass, "EC2,ELB"},
			"ec2":     {Fail, "health check type is EC2: instances the load balancer finds unhealthy are not replaced"},
			"unset":   {Fail, "EC2 (the default)"},
			"worker":  {NotApplicable, "not behind a load balancer"},
		}},
	})
}
