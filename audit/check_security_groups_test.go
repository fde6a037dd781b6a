package audit

import (
	"errors"
	"testing"
)

func TestSecurityGroupOpenPorts(t *testing.T) {
	app := prodTags("web")
	world := func(proto string, from, to int32, cidrs ...string) IngressRule {
		return IngressRule{Protocol: proto, FromPort: from, ToPort: to, CIDRs: cidrs}
	}
	https := world("tcp", 443, 443, "0.0.0.0/0", "::/0")
	http := world("tcp", 80, 80, "0.0.0.0/0")
	groups := []SecurityGroup{
		{Resource: res(KindSecurityGroup, "sg-private", app), Ingress: []IngressRule{world("tcp", 22, 22, "10.0.0.0/8"), world("icmp", -1, -1, "0.0.0.0/0")}},
		{Resource: res(KindSecurityGroup, "sg-ssh", app), Ingress: []IngressRule{world("tcp", 22, 22, "0.0.0.0/0")}, Interfaces: []string{"eni-1 (i-1)"}},
		{Resource: res(KindSecurityGroup, "sg-all", app), Ingress: []IngressRule{world("-1", -1, -1, "::/0")}},
		{Resource: res(KindSecurityGroup, "sg-range", app), Ingress: []IngressRule{world("tcp", 80, 443, "0.0.0.0/0")}},
		{Resource: res(KindSecurityGroup, "sg-lb", app), Ingress: []IngressRule{https, http}},
		{Resource: res(KindSecurityGroup, "sg-lb-eni", app), Ingress: []IngressRule{https}, LBInterfaces: 2},
		{Resource: res(KindSecurityGroup, "sg-lb-ssh", app), Ingress: []IngressRule{https, world("tcp", 22, 22, "0.0.0.0/0")}},
		{Resource: res(KindSecurityGroup, "sg-shared", app), Ingress: []IngressRule{https}, Interfaces: []string{"eni-2 (i-2)"}},
		{Resource: res(KindSecurityGroup, "sg-web-instance", app), Ingress: []IngressRule{http}, Interfaces: []string{"eni-3 (i-3)"}},
		{Resource: res(KindSecurityGroup, "sg-unused-web", app), Ingress: []IngressRule{http}},
	}
	lbs := []LoadBalancer{
		{Resource: res(KindLoadBalancer, "web-alb", app), Type: "application", SecurityGroups: []string{"sg-lb", "sg-lb-ssh", "sg-shared"}},
	}
	runCheck(t, checkSecurityGroupOpenPorts(), []checkCase{
		{name: "groups", inv: Inventory{SecurityGroups: groups, LoadBalancers: lbs}, want: map[string]want{
			"sg-private":      {Pass, "no inbound rule open"},
			"sg-ssh":          {Fail, "open to the internet: tcp 22 from 0.0.0.0/0"},
			"sg-all":          {Fail, "all traffic from ::/0"},
			"sg-range":        {Fail, "tcp 80-443 from 0.0.0.0/0"},
			"sg-lb":           {Pass, "on a group only load balancers use (web-alb)"},
			"sg-lb-eni":       {Pass, "2 load balancer network interface(s)"},
			"sg-lb-ssh":       {Fail, "open to the internet: tcp 22 from 0.0.0.0/0"},
			"sg-shared":       {Fail, "used by eni-2 (i-2) as well as load balancer(s) web-alb"},
			"sg-web-instance": {Fail, "used by eni-3 (i-3)"},
			"sg-unused-web":   {Fail, "no load balancer uses it"},
		}},
		{name: "load balancers unreadable", inv: Inventory{SecurityGroups: groups[7:], Failed: map[Source]error{SourceELBv2: errors.New("denied")}}, want: map[string]want{
			"sg-shared":       {Fail, "used by eni-2 (i-2)"},
			"sg-web-instance": {Fail, "used by eni-3 (i-3)"},
			"sg-unused-web":   {Unknown, "elbv2 could not be read (denied)"},
		}},
	})
}
