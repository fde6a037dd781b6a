package audit

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// tagBatch is the most load balancers one DescribeTags call takes (both
// APIs).
const tagBatch = 20

// collectClassicLoadBalancers lists Classic Load Balancers with their
// cross-zone and connection draining attributes, security groups and
// tags.
func collectClassicLoadBalancers(ctx context.Context, c Clients, inv *Inventory) error {
	var e errs
	var lbs []LoadBalancer
	p := elb.NewDescribeLoadBalancersPaginator(c.ELB, &elb.DescribeLoadBalancersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe classic load balancers: %w", err)
		}
		for _, d := range page.LoadBalancerDescriptions {
			name := aws.ToString(d.LoadBalancerName)
			lb := LoadBalancer{
				Resource:       Resource{Kind: KindClassicELB, ID: name, Tags: map[string]string{}},
				Type:           "classic",
				SecurityGroups: d.SecurityGroups,
			}
			attrs, err := c.ELB.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerName: aws.String(name)})
			switch {
			case isCode(err, "LoadBalancerNotFound"):
				continue
			case err != nil:
				e.add(fmt.Errorf("describe attributes of classic load balancer %s: %w", name, err))
				continue
			}
			if a := attrs.LoadBalancerAttributes; a != nil {
				if cz := a.CrossZoneLoadBalancing; cz != nil {
					lb.CrossZone = cz.Enabled
				}
				if cd := a.ConnectionDraining; cd != nil {
					lb.Draining, lb.DrainingTimeout = cd.Enabled, aws.ToInt32(cd.Timeout)
				}
			}
			lbs = append(lbs, lb)
		}
	}
	for from := 0; from < len(lbs); from += tagBatch {
		batch := lbs[from:min(from+tagBatch, len(lbs))]
		names := make([]string, len(batch))
		for i, lb := range batch {
			names[i] = lb.ID
		}
		out, err := c.ELB.DescribeTags(ctx, &elb.DescribeTagsInput{LoadBalancerNames: names})
		if err != nil {
			// Judging them without their Application tag would file them
			// under the wrong application: leave the batch out.
			e.add(fmt.Errorf("describe tags of classic load balancers %v: %w", names, err))
			continue
		}
		for _, td := range out.TagDescriptions {
			for i := range batch {
				if batch[i].ID == aws.ToString(td.LoadBalancerName) {
					for _, t := range td.Tags {
						batch[i].Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
					}
				}
			}
		}
		inv.LoadBalancers = append(inv.LoadBalancers, batch...)
	}
	return e.err()
}

// crossZoneAttribute is the Network and Gateway Load Balancer attribute
// that turns cross-zone load balancing on.
const crossZoneAttribute = "load_balancing.cross_zone.enabled"

// collectLoadBalancers lists Application, Network and Gateway Load
// Balancers with their cross-zone attribute, target groups, security
// groups and tags.
func collectLoadBalancers(ctx context.Context, c Clients, inv *Inventory) error {
	var e errs
	var lbs []LoadBalancer
	p := elbv2.NewDescribeLoadBalancersPaginator(c.ELBv2, &elbv2.DescribeLoadBalancersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe load balancers: %w", err)
		}
		for _, l := range page.LoadBalancers {
			name, arn := aws.ToString(l.LoadBalancerName), aws.ToString(l.LoadBalancerArn)
			lb := LoadBalancer{
				Resource:       Resource{Kind: KindLoadBalancer, ID: name, ARN: arn, Tags: map[string]string{}},
				Type:           string(l.Type),
				SecurityGroups: l.SecurityGroups,
			}
			attrs, err := c.ELBv2.DescribeLoadBalancerAttributes(ctx, &elbv2.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String(arn)})
			switch {
			case isCode(err, "LoadBalancerNotFound"):
				continue
			case err != nil:
				e.add(fmt.Errorf("describe attributes of load balancer %s: %w", name, err))
				continue
			}
			for _, a := range attrs.Attributes {
				if aws.ToString(a.Key) == crossZoneAttribute {
					lb.CrossZone = aws.ToString(a.Value) == "true"
				}
			}
			lb.TargetGroups, err = readTargetGroups(ctx, c.ELBv2, name, arn)
			if err != nil {
				e.add(err)
				continue
			}
			lbs = append(lbs, lb)
		}
	}
	for from := 0; from < len(lbs); from += tagBatch {
		batch := lbs[from:min(from+tagBatch, len(lbs))]
		arns := make([]string, len(batch))
		for i, lb := range batch {
			arns[i] = lb.ARN
		}
		out, err := c.ELBv2.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: arns})
		if err != nil {
			e.add(fmt.Errorf("describe tags of load balancers %v: %w", arns, err))
			continue
		}
		for _, td := range out.TagDescriptions {
			for i := range batch {
				if batch[i].ARN == aws.ToString(td.ResourceArn) {
					for _, t := range td.Tags {
						batch[i].Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
					}
				}
			}
		}
		inv.LoadBalancers = append(inv.LoadBalancers, batch...)
	}
	return e.err()
}

// deregistrationDelayAttribute is how long a deregistering target keeps
// its connections (a target group's connection draining).
const deregistrationDelayAttribute = "deregistration_delay.timeout_seconds"

// readTargetGroups returns the target groups of the load balancer arn
// with their cross-zone and deregistration delay attributes.
func readTargetGroups(ctx context.Context, api ELBv2API, name, arn string) ([]TargetGroup, error) {
	var out []TargetGroup
	p := elbv2.NewDescribeTargetGroupsPaginator(api, &elbv2.DescribeTargetGroupsInput{LoadBalancerArn: aws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe target groups of load balancer %s: %w", name, err)
		}
		for _, g := range page.TargetGroups {
			tg := TargetGroup{Name: aws.ToString(g.TargetGroupName), DeregistrationDelay: -1}
			attrs, err := api.DescribeTargetGroupAttributes(ctx, &elbv2.DescribeTargetGroupAttributesInput{TargetGroupArn: g.TargetGroupArn})
			switch {
			case isCode(err, "TargetGroupNotFound"):
				continue
			case err != nil:
				return nil, fmt.Errorf("describe attributes of target group %s: %w", tg.Name, err)
			}
			for _, a := range attrs.Attributes {
				switch v := aws.ToString(a.Value); aws.ToString(a.Key) {
				case crossZoneAttribute:
					tg.CrossZone = v
				case deregistrationDelayAttribute:
					n, err := strconv.Atoi(v)
					if err != nil {
						return nil, fmt.Errorf("parse deregistration delay of target group %s: %w", tg.Name, err)
					}
					tg.DeregistrationDelay = n
				}
			}
			out = append(out, tg)
		}
	}
	return out, nil
}
