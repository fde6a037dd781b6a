package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// asgNameTag is the tag EC2 Auto Scaling puts on the instances it
// launches.
const asgNameTag = "aws:autoscaling:groupName"

// collectInstances lists EC2 instances that are not terminated.
func collectInstances(ctx context.Context, c Clients, inv *Inventory) error {
	in := &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"}},
	}}
	p := ec2.NewDescribeInstancesPaginator(c.EC2, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe ec2 instances: %w", err)
		}
		for _, res := range page.Reservations {
			for _, i := range res.Instances {
				tags := map[string]string{}
				for _, t := range i.Tags {
					tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
				inst := Instance{
					Resource: Resource{Kind: KindEC2Instance, ID: aws.ToString(i.InstanceId), Name: tags["Name"], Tags: tags},
					Group:    tags[asgNameTag],
				}
				if i.Placement != nil {
					inst.AZ = aws.ToString(i.Placement.AvailabilityZone)
				}
				inv.Instances = append(inv.Instances, inst)
			}
		}
	}
	return nil
}

// collectGroups lists EC2 Auto Scaling groups with their zones, health
// check type, load balancers and instances.
func collectGroups(ctx context.Context, c Clients, inv *Inventory) error {
	p := autoscaling.NewDescribeAutoScalingGroupsPaginator(c.AutoScaling, &autoscaling.DescribeAutoScalingGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe auto scaling groups: %w", err)
		}
		for _, g := range page.AutoScalingGroups {
			tags := map[string]string{}
			for _, t := range g.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			group := Group{
				Resource:        Resource{Kind: KindASG, ID: aws.ToString(g.AutoScalingGroupName), ARN: aws.ToString(g.AutoScalingGroupARN), Tags: tags},
				AZs:             g.AvailabilityZones,
				HealthCheckType: aws.ToString(g.HealthCheckType),
				TargetGroups:    g.TargetGroupARNs,
				LoadBalancers:   g.LoadBalancerNames,
			}
			for _, ts := range g.TrafficSources {
				group.TrafficSources = append(group.TrafficSources, strings.TrimSpace(aws.ToString(ts.Type)+" "+aws.ToString(ts.Identifier)))
			}
			for _, i := range g.Instances {
				group.Instances = append(group.Instances, aws.ToString(i.InstanceId))
			}
			inv.Groups = append(inv.Groups, group)
		}
	}
	return nil
}
