package audit

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// checkSecurityGroupOpenPorts: no security group admits the whole
// internet (0.0.0.0/0 or ::/0) on any port (AWS recommendations, "EC2"),
// except HTTP and HTTPS (80 and 443) on a group only load balancers use.
// ICMP rules open no port and are not judged.
func checkSecurityGroupOpenPorts() Check {
	return Check{
		ID:       "security.security-group-open-ports",
		Pillar:   PillarSecurity,
		Severity: Critical,
		Title:    "Security groups open no ports to the internet (but 80/443 on load balancers)",
		Kinds:    []Kind{KindSecurityGroup},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			lbs := loadBalancersBySecurityGroup(inv)
			var out []Finding
			for _, sg := range inv.SecurityGroups {
				out = append(out, securityGroupOpenPorts(r, inv, sg, lbs[sg.ID]))
			}
			return out
		},
	}
}

// loadBalancersBySecurityGroup maps a security group to the load balancers
// that use it.
func loadBalancersBySecurityGroup(inv *Inventory) map[string][]string {
	out := map[string][]string{}
	for _, lb := range inv.LoadBalancers {
		for _, sg := range lb.SecurityGroups {
			out[sg] = appendNew(out[sg], lb.ID)
		}
	}
	return out
}

// worldCIDRs are the ranges that mean anyone on the internet.
var worldCIDRs = []string{"0.0.0.0/0", "::/0"}

func securityGroupOpenPorts(r *Rules, inv *Inventory, sg SecurityGroup, lbs []string) Finding {
	var open, web []string
	for _, rule := range sg.Ingress {
		if icmp(rule.Protocol) {
			continue
		}
		for _, cidr := range rule.CIDRs {
			if !slices.Contains(worldCIDRs, cidr) {
				continue
			}
			desc := describeRule(rule) + " from " + cidr
			if webPort(rule) {
				web = append(web, desc)
			} else {
				open = append(open, desc)
			}
		}
	}
	sort.Strings(open)
	sort.Strings(web)
	if len(open) == 0 && len(web) == 0 {
		return r.pass(inv, sg.Resource, "no inbound rule open to 0.0.0.0/0 or ::/0")
	}
	lbOnly := (len(lbs) > 0 || sg.LBInterfaces > 0) && len(sg.Interfaces) == 0
	if len(open) > 0 {
		reason := "open to the internet: " + strings.Join(open, ", ")
		if len(web) > 0 && !lbOnly {
			reason += ", " + strings.Join(web, ", ")
		}
		return r.fail(inv, sg.Resource, "%s", reason)
	}
	// Only 80/443 are open: allowed on a group that only load balancers use.
	if lbOnly {
		users := strings.Join(lbs, ", ")
		if users == "" {
			users = fmt.Sprintf("%d load balancer network interface(s)", sg.LBInterfaces)
		}
		return r.pass(inv, sg.Resource, "only %s open to the internet, on a group only load balancers use (%s)", strings.Join(web, ", "), users)
	}
	for _, s := range []Source{SourceELB, SourceELBv2} {
		if err := inv.failed(s); err != nil && len(sg.Interfaces) == 0 {
			return r.unknown(inv, sg.Resource, "%s open to the internet; whether only load balancers use the group is unknown: %s could not be read (%v)", strings.Join(web, ", "), s, err)
		}
	}
	who := "no load balancer uses it"
	if len(sg.Interfaces) > 0 {
		who = "used by " + strings.Join(sg.Interfaces, ", ")
		if len(lbs) > 0 {
			who += " as well as load balancer(s) " + strings.Join(lbs, ", ")
		}
	}
	return r.fail(inv, sg.Resource, "%s open to the internet, allowed only on groups that only load balancers use; %s", strings.Join(web, ", "), who)
}

func icmp(protocol string) bool {
	switch strings.ToLower(protocol) {
	case "icmp", "icmpv6", "1", "58":
		return true
	}
	return false
}

// webPort reports whether rule opens exactly port 80 or 443 over TCP.
func webPort(rule IngressRule) bool {
	tcp := strings.EqualFold(rule.Protocol, "tcp") || rule.Protocol == "6"
	return tcp && rule.FromPort == rule.ToPort && (rule.FromPort == 80 || rule.FromPort == 443)
}

func describeRule(rule IngressRule) string {
	switch {
	case rule.Protocol == "-1" || strings.EqualFold(rule.Protocol, "all"):
		return "all traffic"
	case rule.FromPort == rule.ToPort:
		return fmt.Sprintf("%s %d", rule.Protocol, rule.FromPort)
	case rule.FromPort <= 0 && rule.ToPort >= 65535:
		return rule.Protocol + " all ports"
	}
	return fmt.Sprintf("%s %d-%d", rule.Protocol, rule.FromPort, rule.ToPort)
}
