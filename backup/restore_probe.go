package backup

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// prober checks that a restored copy works, by resource type. Its calls
// are read-only.
type prober struct{ c Clients }

// probeName is what a probe of resourceType checks, for plans and
// messages.
func probeName(resourceType string) string {
	switch resourceType {
	case "RDS":
		return "DB instance available"
	case "Aurora":
		return "DB cluster available"
	case "DynamoDB":
		return "table ACTIVE with items if the source has them"
	case "EBS":
		return "volume available"
	case "EC2":
		return "instance running and passing its status checks"
	case "EFS":
		return "file system mount targets available"
	}
	return ""
}

// probe checks the copy created (an ARN) of source, of resourceType: ok
// and why; err when it could not be checked at all.
func (p prober) probe(ctx context.Context, resourceType, created, source string) (ok bool, why string, err error) {
	id := arnResourceID(created)
	switch resourceType {
	case "RDS":
		out, err := p.c.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
		if err != nil {
			return false, "", fmt.Errorf("describe restored db instance %s: %w", id, err)
		}
		if len(out.DBInstances) == 0 {
			return false, "restored DB instance " + id + " not found", nil
		}
		st := aws.ToString(out.DBInstances[0].DBInstanceStatus)
		return st == "available", "DB instance " + id + " is " + st, nil
	case "Aurora":
		out, err := p.c.RDS.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(id)})
		if err != nil {
			return false, "", fmt.Errorf("describe restored db cluster %s: %w", id, err)
		}
		if len(out.DBClusters) == 0 {
			return false, "restored DB cluster " + id + " not found", nil
		}
		st := aws.ToString(out.DBClusters[0].Status)
		return st == "available", "DB cluster " + id + " is " + st, nil
	case "DynamoDB":
		return p.table(ctx, id, arnResourceID(source))
	case "EBS":
		out, err := p.c.EC2.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{id}})
		if err != nil {
			return false, "", fmt.Errorf("describe restored volume %s: %w", id, err)
		}
		if len(out.Volumes) == 0 {
			return false, "restored volume " + id + " not found", nil
		}
		st := string(out.Volumes[0].State)
		return st == "available", "volume " + id + " is " + st, nil
	case "EC2":
		out, err := p.c.InstanceStatus.DescribeInstanceStatus(ctx, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{id}, IncludeAllInstances: aws.Bool(true)})
		if err != nil {
			return false, "", fmt.Errorf("describe status of restored instance %s: %w", id, err)
		}
		if len(out.InstanceStatuses) == 0 {
			return false, "restored instance " + id + " not found", nil
		}
		s := out.InstanceStatuses[0]
		state, inst, sys := "", "", ""
		if s.InstanceState != nil {
			state = string(s.InstanceState.Name)
		}
		if s.InstanceStatus != nil {
			inst = string(s.InstanceStatus.Status)
		}
		if s.SystemStatus != nil {
			sys = string(s.SystemStatus.Status)
		}
		return state == "running" && inst == "ok" && sys == "ok",
			fmt.Sprintf("instance %s is %s, instance status %s, system status %s", id, state, orNone(inst), orNone(sys)), nil
	case "EFS":
		out, err := p.c.MountTargets.DescribeMountTargets(ctx, &efs.DescribeMountTargetsInput{FileSystemId: aws.String(id)})
		if err != nil {
			return false, "", fmt.Errorf("describe mount targets of restored file system %s: %w", id, err)
		}
		if len(out.MountTargets) == 0 {
			return false, "restored file system " + id + " has no mount target", nil
		}
		for _, m := range out.MountTargets {
			if st := string(m.LifeCycleState); st != "available" {
				return false, "mount target " + aws.ToString(m.MountTargetId) + " of " + id + " is " + st, nil
			}
		}
		return true, fmt.Sprintf("file system %s has %d mount target(s) available", id, len(out.MountTargets)), nil
	}
	return false, "", fmt.Errorf("probe restored %s: no probe for resource type %q", created, resourceType)
}

// table probes a restored DynamoDB table: ACTIVE, and holding items when
// the source holds any (DynamoDB updates ItemCount about every six hours,
// so only "none at all" is judged).
func (p prober) table(ctx context.Context, name, source string) (bool, string, error) {
	out, err := p.c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return false, "", fmt.Errorf("describe restored table %s: %w", name, err)
	}
	t := out.Table
	if t == nil {
		return false, "restored table " + name + " not found", nil
	}
	if st := string(t.TableStatus); st != "ACTIVE" {
		return false, "table " + name + " is " + st, nil
	}
	n := aws.ToInt64(t.ItemCount)
	if source != "" {
		src, err := p.c.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(source)})
		if err == nil && src.Table != nil {
			if m := aws.ToInt64(src.Table.ItemCount); m > 0 && n == 0 {
				return false, fmt.Sprintf("table %s is ACTIVE but empty; its source %s has %d item(s)", name, source, m), nil
			}
		}
	}
	return true, fmt.Sprintf("table %s is ACTIVE with %d item(s)", name, n), nil
}

// arnResourceID is the last part of an ARN's resource: "db:orders" →
// "orders", "table/t" → "t", "volume/vol-1" → "vol-1".
func arnResourceID(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return arn
	}
	res := parts[5]
	if i := strings.LastIndexAny(res, "/:"); i >= 0 {
		return res[i+1:]
	}
	return res
}
