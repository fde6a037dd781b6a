package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// defaultGroupName is the name of a VPC's default security group, which
// AWS creates with the VPC and which cannot be deleted. Names are unique
// within a VPC, so no other group has it.
const defaultGroupName = "default"

// collectSecurityGroups lists security groups with their inbound rules
// and the network interfaces that use them, telling a load balancer's
// interfaces from the rest. A VPC's default security group belongs to the
// platform (its VPC), not to an application.
func collectSecurityGroups(ctx context.Context, c Clients, inv *Inventory) error {
	var groups []SecurityGroup
	index := map[string]int{}
	gp := ec2.NewDescribeSecurityGroupsPaginator(c.EC2, &ec2.DescribeSecurityGroupsInput{})
	for gp.HasMorePages() {
		page, err := gp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe security groups: %w", err)
		}
		for _, g := range page.SecurityGroups {
			sg := SecurityGroup{
				Resource: Resource{Kind: KindSecurityGroup, ID: aws.ToString(g.GroupId), Name: aws.ToString(g.GroupName), ARN: aws.ToString(g.SecurityGroupArn), Tags: map[string]string{}},
				VPC:      aws.ToString(g.VpcId),
			}
			if sg.Name == defaultGroupName {
				sg.Platform = sg.VPC
			}
			for _, t := range g.Tags {
				sg.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			for _, p := range g.IpPermissions {
				sg.Ingress = append(sg.Ingress, ingressRule(p))
			}
			index[sg.ID] = len(groups)
			groups = append(groups, sg)
		}
	}
	np := ec2.NewDescribeNetworkInterfacesPaginator(c.EC2, &ec2.DescribeNetworkInterfacesInput{})
	for np.HasMorePages() {
		page, err := np.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe network interfaces: %w", err)
		}
		for _, ni := range page.NetworkInterfaces {
			lb := loadBalancerInterface(ni)
			for _, g := range ni.Groups {
				i, ok := index[aws.ToString(g.GroupId)]
				if !ok {
					continue
				}
				if lb {
					groups[i].LBInterfaces++
				} else {
					groups[i].Interfaces = append(groups[i].Interfaces, interfaceLabel(ni))
				}
			}
		}
	}
	inv.SecurityGroups = append(inv.SecurityGroups, groups...)
	return nil
}

func ingressRule(p ec2types.IpPermission) IngressRule {
	r := IngressRule{Protocol: aws.ToString(p.IpProtocol), FromPort: -1, ToPort: -1}
	if p.FromPort != nil {
		r.FromPort = *p.FromPort
	}
	if p.ToPort != nil {
		r.ToPort = *p.ToPort
	}
	for _, ip := range p.IpRanges {
		r.CIDRs = append(r.CIDRs, aws.ToString(ip.CidrIp))
	}
	for _, ip := range p.Ipv6Ranges {
		r.CIDRs = append(r.CIDRs, aws.ToString(ip.CidrIpv6))
	}
	return r
}

// loadBalancerInterface reports whether ni is one Elastic Load Balancing
// created for a load balancer: requested by amazon-elb, of a Network or
// Gateway Load Balancer's type, or described "ELB ...".
func loadBalancerInterface(ni ec2types.NetworkInterface) bool {
	switch ni.InterfaceType {
	case ec2types.NetworkInterfaceTypeNetworkLoadBalancer, ec2types.NetworkInterfaceTypeGatewayLoadBalancer:
		return true
	}
	return aws.ToString(ni.RequesterId) == "amazon-elb" || strings.HasPrefix(aws.ToString(ni.Description), "ELB ")
}

func interfaceLabel(ni ec2types.NetworkInterface) string {
	id := aws.ToString(ni.NetworkInterfaceId)
	if a := ni.Attachment; a != nil && aws.ToString(a.InstanceId) != "" {
		return id + " (" + aws.ToString(a.InstanceId) + ")"
	}
	if d := aws.ToString(ni.Description); d != "" {
		return id + " (" + d + ")"
	}
	return id
}
