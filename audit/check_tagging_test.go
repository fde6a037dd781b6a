package audit

import "testing"

func TestMandatoryTags(t *testing.T) {
	runCheck(t, checkMandatoryTags(), []checkCase{
		{name: "resources", inv: Inventory{
			Buckets: []Bucket{{Resource: res(KindS3Bucket, "good", prodTags("web", "Environment", "STG", "Confidentiality", "public"))}},
			Queues:  []Queue{{Resource: res(KindSQSQueue, "bare", nil)}},
			Functions: []Function{
				{Resource: res(KindLambda, "bad-values", prodTags("pay", "Environment", "qa", "TeamEmail", "Team <team@example.org>", "Confidentiality", "Secret"))},
				{Resource: res(KindLambda, "blank-app", prodTags(" ", "TeamEmail", "team@localhost"))},
			},
			Instances: []Instance{{Resource: res(KindEC2Instance, "i-1", prodTags("pay"))}},
			LogGroups: []LogGroup{{Resource: res(KindLogGroup, "/aws/lambda/x", nil)}},
		}, want: map[string]want{
			"good":       {Pass, "Application, Environment, TeamEmail and Confidentiality present and valid"},
			"bare":       {Fail, "Application missing; Environment missing; TeamEmail missing; Confidentiality missing"},
			"bad-values": {Fail, "Environment=qa is not one of development, dev, staging, stg, pre-prod, preprod, production, prod, mgmt; TeamEmail=Team <team@example.org> is not an email address; Confidentiality=Secret is not one of Public, Internal, Restricted"},
			"blank-app":  {Fail, "Application missing; TeamEmail=team@localhost is not an email address"},
			"i-1":        {Pass, "present and valid"},
		}},
	})
}

func TestMandatoryTagsOnLoadBalancersAndSecurityGroups(t *testing.T) {
	sg := func(id, name string, t map[string]string) SecurityGroup {
		return SecurityGroup{Resource: Resource{Kind: KindSecurityGroup, ID: id, Name: name, Tags: t}, VPC: "vpc-1"}
	}
	runCheck(t, checkMandatoryTags(), []checkCase{
		{name: "load balancers and security groups", inv: Inventory{
			LoadBalancers: []LoadBalancer{
				{Resource: res(KindLoadBalancer, "web-alb", prodTags("web")), Type: "application"},
				{Resource: res(KindClassicELB, "old-elb", tags("Application", "old", "Environment", "production")), Type: "classic"},
			},
			SecurityGroups: []SecurityGroup{
				sg("sg-web", "web-lb", prodTags("web")),
				sg("sg-bare", "launch-wizard-1", nil),
				defaultGroup("sg-default", "vpc-1"),
			},
		}, want: map[string]want{
			"web-alb":    {Pass, "present and valid"},
			"old-elb":    {Fail, "TeamEmail missing; Confidentiality missing"},
			"sg-web":     {Pass, "present and valid"},
			"sg-bare":    {Fail, "Application missing; Environment missing; TeamEmail missing; Confidentiality missing"},
			"sg-default": {NotApplicable, "default security group of vpc-1: it belongs to the VPC, not to an application"},
		}},
	})
}
