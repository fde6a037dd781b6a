package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
)

// collectRedshift lists provisioned Redshift clusters.
func collectRedshift(ctx context.Context, c Clients, inv *Inventory) error {
	p := redshift.NewDescribeClustersPaginator(c.Redshift, &redshift.DescribeClustersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe redshift clusters: %w", err)
		}
		for _, cl := range page.Clusters {
			w := Warehouse{
				Resource:           Resource{Kind: KindRedshift, ID: aws.ToString(cl.ClusterIdentifier), Tags: map[string]string{}},
				Encrypted:          aws.ToBool(cl.Encrypted),
				PubliclyAccessible: aws.ToBool(cl.PubliclyAccessible),
				MultiAZ:            strings.EqualFold(aws.ToString(cl.MultiAZ), "enabled"),
				AZ:                 aws.ToString(cl.AvailabilityZone),
				VPC:                aws.ToString(cl.VpcId),
			}
			for _, t := range cl.Tags {
				w.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			inv.Warehouses = append(inv.Warehouses, w)
		}
	}
	return nil
}
