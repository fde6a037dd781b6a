package audit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
)

// collectMSK lists MSK clusters, provisioned and serverless.
func collectMSK(ctx context.Context, c Clients, inv *Inventory) error {
	p := kafka.NewListClustersV2Paginator(c.Kafka, &kafka.ListClustersV2Input{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list msk clusters: %w", err)
		}
		for _, cl := range page.ClusterInfoList {
			k := KafkaCluster{Resource: Resource{
				Kind: KindMSKCluster, ID: aws.ToString(cl.ClusterName), ARN: aws.ToString(cl.ClusterArn), Tags: copyTags(cl.Tags),
			}}
			if pr := cl.Provisioned; pr != nil {
				if pr.BrokerNodeGroupInfo != nil {
					k.Subnets = pr.BrokerNodeGroupInfo.ClientSubnets
				}
				if ei := pr.EncryptionInfo; ei != nil && ei.EncryptionAtRest != nil {
					k.KMSKey = aws.ToString(ei.EncryptionAtRest.DataVolumeKMSKeyId)
				}
			}
			if sl := cl.Serverless; sl != nil {
				k.Serverless = true
				for _, v := range sl.VpcConfigs {
					k.Subnets = append(k.Subnets, v.SubnetIds...)
				}
			}
			inv.KafkaClusters = append(inv.KafkaClusters, k)
		}
	}
	return nil
}

func copyTags(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
