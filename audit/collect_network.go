package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// collectNetwork lists the subnets and decides which are public: a subnet
// is public when its route table (its own association, else its VPC's
// main route table) has a route to an internet gateway.
func collectNetwork(ctx context.Context, c Clients, inv *Inventory) error {
	var tables []ec2types.RouteTable
	rp := ec2.NewDescribeRouteTablesPaginator(c.EC2, &ec2.DescribeRouteTablesInput{})
	for rp.HasMorePages() {
		page, err := rp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe route tables: %w", err)
		}
		tables = append(tables, page.RouteTables...)
	}
	bySubnet := map[string]ec2types.RouteTable{}
	mainOf := map[string]ec2types.RouteTable{}
	for _, rt := range tables {
		for _, a := range rt.Associations {
			if aws.ToBool(a.Main) {
				mainOf[aws.ToString(rt.VpcId)] = rt
			}
			if id := aws.ToString(a.SubnetId); id != "" {
				bySubnet[id] = rt
			}
		}
	}
	sp := ec2.NewDescribeSubnetsPaginator(c.EC2, &ec2.DescribeSubnetsInput{})
	for sp.HasMorePages() {
		page, err := sp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe subnets: %w", err)
		}
		for _, s := range page.Subnets {
			sub := Subnet{ID: aws.ToString(s.SubnetId), VPC: aws.ToString(s.VpcId), AZ: aws.ToString(s.AvailabilityZone)}
			rt, ok := bySubnet[sub.ID]
			if !ok {
				rt, ok = mainOf[sub.VPC]
			}
			if ok {
				sub.Route, sub.Public = internetRoute(rt)
			}
			inv.Subnets = append(inv.Subnets, sub)
		}
	}
	return nil
}

// internetRoute describes a route table's route to an internet gateway,
// if it has one.
func internetRoute(rt ec2types.RouteTable) (string, bool) {
	for _, r := range rt.Routes {
		gw := aws.ToString(r.GatewayId)
		if !strings.HasPrefix(gw, "igw-") {
			continue
		}
		dest := aws.ToString(r.DestinationCidrBlock)
		if dest == "" {
			dest = aws.ToString(r.DestinationIpv6CidrBlock)
		}
		return fmt.Sprintf("route table %s: %s → %s", aws.ToString(rt.RouteTableId), dest, gw), true
	}
	return "", false
}
