package audit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// collectRDS lists DB instances and DB clusters (RDS, Aurora, and the
// DocumentDB and Neptune ones RDS also lists).
func collectRDS(ctx context.Context, c Clients, inv *Inventory) error {
	ip := rds.NewDescribeDBInstancesPaginator(c.RDS, &rds.DescribeDBInstancesInput{})
	for ip.HasMorePages() {
		page, err := ip.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe db instances: %w", err)
		}
		for _, db := range page.DBInstances {
			inv.DBInstances = append(inv.DBInstances, dbInstance(db))
		}
	}
	cp := rds.NewDescribeDBClustersPaginator(c.RDS, &rds.DescribeDBClustersInput{})
	for cp.HasMorePages() {
		page, err := cp.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe db clusters: %w", err)
		}
		for _, cl := range page.DBClusters {
			inv.DBClusters = append(inv.DBClusters, dbCluster(cl))
		}
	}
	return nil
}

func dbInstance(db rdstypes.DBInstance) DBInstance {
	out := DBInstance{
		Resource: Resource{
			Kind: KindRDSInstance, ID: aws.ToString(db.DBInstanceIdentifier), ARN: aws.ToString(db.DBInstanceArn), Tags: rdsTags(db.TagList),
		},
		Engine:             aws.ToString(db.Engine),
		Encrypted:          aws.ToBool(db.StorageEncrypted),
		PubliclyAccessible: aws.ToBool(db.PubliclyAccessible),
		AZ:                 aws.ToString(db.AvailabilityZone),
		SecondaryAZ:        aws.ToString(db.SecondaryAvailabilityZone),
		MultiAZ:            aws.ToBool(db.MultiAZ),
		Cluster:            aws.ToString(db.DBClusterIdentifier),
		ReplicaOf:          aws.ToString(db.ReadReplicaSourceDBInstanceIdentifier),
		Replicas:           append(append([]string(nil), db.ReadReplicaDBInstanceIdentifiers...), db.ReadReplicaDBClusterIdentifiers...),
	}
	if db.BackupRetentionPeriod != nil {
		out.BackupRetentionDays, out.BackupRetentionKnown = int(*db.BackupRetentionPeriod), true
	}
	if out.ReplicaOf == "" {
		out.ReplicaOf = aws.ToString(db.ReadReplicaSourceDBClusterIdentifier)
	}
	if g := db.DBSubnetGroup; g != nil {
		out.VPC = aws.ToString(g.VpcId)
		for _, s := range g.Subnets {
			out.Subnets = append(out.Subnets, aws.ToString(s.SubnetIdentifier))
		}
	}
	if db.Endpoint != nil {
		out.Endpoint = aws.ToString(db.Endpoint.Address)
	}
	return out
}

func dbCluster(c rdstypes.DBCluster) DBCluster {
	out := DBCluster{
		Resource: Resource{
			Kind: KindRDSCluster, ID: aws.ToString(c.DBClusterIdentifier), ARN: aws.ToString(c.DBClusterArn), Tags: rdsTags(c.TagList),
		},
		Engine:     aws.ToString(c.Engine),
		EngineMode: aws.ToString(c.EngineMode),
		Encrypted:  aws.ToBool(c.StorageEncrypted),
		MultiAZ:    aws.ToBool(c.MultiAZ),
		Replicas:   c.ReadReplicaIdentifiers,
		Endpoints:  nonEmpty(aws.ToString(c.Endpoint), aws.ToString(c.ReaderEndpoint)),
	}
	for _, m := range c.DBClusterMembers {
		out.Members = append(out.Members, ClusterMember{ID: aws.ToString(m.DBInstanceIdentifier), Writer: aws.ToBool(m.IsClusterWriter)})
	}
	return out
}

func rdsTags(list []rdstypes.Tag) map[string]string {
	tags := make(map[string]string, len(list))
	for _, t := range list {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags
}
