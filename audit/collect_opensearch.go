package audit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
)

// describeDomainsMax is the most domains DescribeDomains takes at once.
const describeDomainsMax = 5

// collectOpenSearch lists OpenSearch (and Elasticsearch) domains with
// their encryption, VPC placement, AZ spread and tags.
func collectOpenSearch(ctx context.Context, c Clients, inv *Inventory) error {
	names, err := c.OpenSearch.ListDomainNames(ctx, &opensearch.ListDomainNamesInput{})
	if err != nil {
		return fmt.Errorf("list opensearch domains: %w", err)
	}
	var e errs
	for i := 0; i < len(names.DomainNames); i += describeDomainsMax {
		var batch []string
		for _, d := range names.DomainNames[i:min(i+describeDomainsMax, len(names.DomainNames))] {
			batch = append(batch, aws.ToString(d.DomainName))
		}
		out, err := c.OpenSearch.DescribeDomains(ctx, &opensearch.DescribeDomainsInput{DomainNames: batch})
		if err != nil {
			e.add(fmt.Errorf("describe opensearch domains %v: %w", batch, err))
			continue
		}
		for _, d := range out.DomainStatusList {
			if aws.ToBool(d.Deleted) {
				continue
			}
			dom := searchDomain(d)
			tags, err := c.OpenSearch.ListTags(ctx, &opensearch.ListTagsInput{ARN: d.ARN})
			if err != nil {
				e.add(fmt.Errorf("list tags of opensearch domain %s: %w", dom.ID, err))
				continue
			}
			for _, t := range tags.TagList {
				dom.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			inv.SearchDomains = append(inv.SearchDomains, dom)
		}
	}
	return e.err()
}

func searchDomain(d ostypes.DomainStatus) SearchDomain {
	dom := SearchDomain{
		Resource: Resource{Kind: KindOpenSearch, ID: aws.ToString(d.DomainName), ARN: aws.ToString(d.ARN), Tags: map[string]string{}},
		AZs:      1,
	}
	if e := d.EncryptionAtRestOptions; e != nil {
		dom.EncryptedAtRest = aws.ToBool(e.Enabled)
	}
	if v := d.VPCOptions; v != nil {
		dom.VPC = aws.ToString(v.VPCId)
		dom.Subnets = v.SubnetIds
		if len(v.AvailabilityZones) > 0 {
			dom.AZs = len(v.AvailabilityZones)
		}
	}
	if cc := d.ClusterConfig; cc != nil {
		switch {
		case aws.ToBool(cc.MultiAZWithStandbyEnabled):
			dom.AZs = max(dom.AZs, 3)
		case aws.ToBool(cc.ZoneAwarenessEnabled):
			n := 2
			if z := cc.ZoneAwarenessConfig; z != nil && aws.ToInt32(z.AvailabilityZoneCount) > 0 {
				n = int(aws.ToInt32(z.AvailabilityZoneCount))
			}
			dom.AZs = max(dom.AZs, n)
		}
	}
	return dom
}
