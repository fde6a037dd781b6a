package backup

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// Kind is a kind of data store.
type Kind string

// The kinds of data store the seed backs up.
const (
	KindInstance   Kind = "ec2-instance"
	KindVolume     Kind = "ebs-volume"
	KindDBInstance Kind = "rds-instance"
	KindDBCluster  Kind = "rds-cluster"
	KindTable      Kind = "dynamodb-table"
	KindFileSystem Kind = "efs-file-system"
)

// Store is one resource that stores data.
type Store struct {
	Kind    Kind
	ID      string
	ARN     string
	Account string
	Region  string
	Tags    map[string]string
	// Created is when the resource was created; zero when unknown.
	Created time.Time
	// AttachedTo are the instances an EBS volume is attached to.
	AttachedTo []string
	// PITR says whether a DynamoDB table has point-in-time recovery; nil
	// when it was not looked at (only production tables are).
	PITR *bool
}

// name is the resource's Name tag, if it has one other than its id.
func (s Store) name() string {
	if n := s.Tags["Name"]; n != s.ID {
		return n
	}
	return ""
}

// storeObserver lists the data stores of one account and region. It makes
// read-only calls only.
type storeObserver struct {
	c       Clients
	account string
	region  string
}

// observe lists every data store. Each kind is listed on its own: one
// failing is returned as an error naming it while the others' stores are
// still returned.
func (ob storeObserver) observe(ctx context.Context) ([]Store, error) {
	var out []Store
	var errs []error
	for _, list := range []func(context.Context) ([]Store, error){
		ob.instances, ob.volumes, ob.dbInstances, ob.dbClusters, ob.tables, ob.fileSystems,
	} {
		ss, err := list(ctx)
		out = append(out, ss...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

func (ob storeObserver) store(kind Kind, id, arn string, tags map[string]string, created *time.Time) Store {
	return Store{Kind: kind, ID: id, ARN: arn, Account: ob.account, Region: ob.region, Tags: tags, Created: aws.ToTime(created)}
}

func (ob storeObserver) ec2ARN(typ, id string) string {
	return fmt.Sprintf("arn:%s:ec2:%s:%s:%s/%s", partition(ob.region), ob.region, ob.account, typ, id)
}

func (ob storeObserver) instances(ctx context.Context) ([]Store, error) {
	in := &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"}},
	}}
	var out []Store
	p := ec2.NewDescribeInstancesPaginator(ob.c.EC2, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe ec2 instances: %w", err)
		}
		for _, r := range page.Reservations {
			for _, i := range r.Instances {
				id := aws.ToString(i.InstanceId)
				out = append(out, ob.store(KindInstance, id, ob.ec2ARN("instance", id), ec2Tags(i.Tags), i.LaunchTime))
			}
		}
	}
	return out, nil
}

func (ob storeObserver) volumes(ctx context.Context) ([]Store, error) {
	var out []Store
	p := ec2.NewDescribeVolumesPaginator(ob.c.EC2, &ec2.DescribeVolumesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe ebs volumes: %w", err)
		}
		for _, v := range page.Volumes {
			if v.State == ec2types.VolumeStateDeleting || v.State == ec2types.VolumeStateDeleted {
				continue
			}
			id := aws.ToString(v.VolumeId)
			s := ob.store(KindVolume, id, ob.ec2ARN("volume", id), ec2Tags(v.Tags), v.CreateTime)
			for _, a := range v.Attachments {
				if inst := aws.ToString(a.InstanceId); inst != "" {
					s.AttachedTo = append(s.AttachedTo, inst)
				}
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// dbInstances lists DB instances that are not members of a cluster (a
// member is backed up with its cluster).
func (ob storeObserver) dbInstances(ctx context.Context) ([]Store, error) {
	var out []Store
	p := rds.NewDescribeDBInstancesPaginator(ob.c.RDS, &rds.DescribeDBInstancesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe db instances: %w", err)
		}
		for _, db := range page.DBInstances {
			if aws.ToString(db.DBClusterIdentifier) != "" {
				continue
			}
			out = append(out, ob.store(KindDBInstance, aws.ToString(db.DBInstanceIdentifier), aws.ToString(db.DBInstanceArn), rdsTags(db.TagList), db.InstanceCreateTime))
		}
	}
	return out, nil
}

func (ob storeObserver) dbClusters(ctx context.Context) ([]Store, error) {
	var out []Store
	p := rds.NewDescribeDBClustersPaginator(ob.c.RDS, &rds.DescribeDBClustersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe db clusters: %w", err)
		}
		for _, c := range page.DBClusters {
			out = append(out, ob.store(KindDBCluster, aws.ToString(c.DBClusterIdentifier), aws.ToString(c.DBClusterArn), rdsTags(c.TagList), c.ClusterCreateTime))
		}
	}
	return out, nil
}

func (ob storeObserver) tables(ctx context.Context) ([]Store, error) {
	var out []Store
	p := dynamodb.NewListTablesPaginator(ob.c.DynamoDB, &dynamodb.ListTablesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("list dynamodb tables: %w", err)
		}
		for _, name := range page.TableNames {
			s, err := ob.table(ctx, name)
			if err != nil {
				return out, err
			}
			if s != nil {
				out = append(out, *s)
			}
		}
	}
	return out, nil
}

// table describes one table and reads its tags; nil when it is being
// deleted.
func (ob storeObserver) table(ctx context.Context, name string) (*Store, error) {
	d, err := ob.c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("describe dynamodb table %s: %w", name, err)
	}
	t := d.Table
	if t == nil || t.TableStatus == dbtypes.TableStatusDeleting {
		return nil, nil
	}
	arn := aws.ToString(t.TableArn)
	tags := map[string]string{}
	in := &dynamodb.ListTagsOfResourceInput{ResourceArn: aws.String(arn)}
	for {
		page, err := ob.c.DynamoDB.ListTagsOfResource(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list tags of dynamodb table %s: %w", name, err)
		}
		for _, tg := range page.Tags {
			tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	s := ob.store(KindTable, name, arn, tags, t.CreationDateTime)
	return &s, nil
}

// pitr reads whether a table has point-in-time recovery.
func (ob storeObserver) pitr(ctx context.Context, table string) (bool, error) {
	out, err := ob.c.DynamoDB.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(table)})
	if err != nil {
		return false, fmt.Errorf("describe continuous backups of dynamodb table %s: %w", table, err)
	}
	d := out.ContinuousBackupsDescription
	return d != nil && d.PointInTimeRecoveryDescription != nil &&
		d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus == dbtypes.PointInTimeRecoveryStatusEnabled, nil
}

func (ob storeObserver) fileSystems(ctx context.Context) ([]Store, error) {
	var out []Store
	p := efs.NewDescribeFileSystemsPaginator(ob.c.EFS, &efs.DescribeFileSystemsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe efs file systems: %w", err)
		}
		for _, fs := range page.FileSystems {
			if fs.LifeCycleState == efstypes.LifeCycleStateDeleting || fs.LifeCycleState == efstypes.LifeCycleStateDeleted {
				continue
			}
			tags := map[string]string{}
			for _, tg := range fs.Tags {
				tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
			out = append(out, ob.store(KindFileSystem, aws.ToString(fs.FileSystemId), aws.ToString(fs.FileSystemArn), tags, fs.CreationTime))
		}
	}
	return out, nil
}

func ec2Tags(list []ec2types.Tag) map[string]string {
	tags := make(map[string]string, len(list))
	for _, t := range list {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags
}

func rdsTags(list []rdstypes.Tag) map[string]string {
	tags := make(map[string]string, len(list))
	for _, t := range list {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags
}
