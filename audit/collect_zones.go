package audit

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// collectZones lists the region's availability zones that are available
// to the account: zone type availability-zone (Local and Wavelength Zones
// are opt-in extensions a group need not span) in state available.
// DescribeAvailabilityZones does not page.
func collectZones(ctx context.Context, c Clients, inv *Inventory) error {
	out, err := c.EC2.DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{Filters: []ec2types.Filter{
		{Name: aws.String("zone-type"), Values: []string{"availability-zone"}},
		{Name: aws.String("state"), Values: []string{"available"}},
	}})
	if err != nil {
		return fmt.Errorf("describe availability zones: %w", err)
	}
	for _, z := range out.AvailabilityZones {
		// The filters are applied again: an endpoint that ignores them
		// must not make a group span a Local Zone.
		if t := aws.ToString(z.ZoneType); t != "" && t != "availability-zone" {
			continue
		}
		if z.State != "" && z.State != ec2types.AvailabilityZoneStateAvailable {
			continue
		}
		inv.Zones = appendNew(inv.Zones, aws.ToString(z.ZoneName))
	}
	sort.Strings(inv.Zones)
	return nil
}
