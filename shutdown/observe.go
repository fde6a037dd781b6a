package shutdown

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opsd-dev/opsd/accounts"
)

// asgNameTag is the tag EC2 Auto Scaling puts on the instances of a group.
const asgNameTag = "aws:autoscaling:groupName"

// observer lists the resources of one account and region. It makes
// read-only calls only.
type observer struct {
	c      Clients
	keys   TagKeys
	target accounts.Target
	// stores knows which instance types have instance store volumes;
	// nil reads none (every instance is taken to have none).
	stores *instanceStores
	// stopInstanceStore is shutdown.stop_instance_store.
	stopInstanceStore bool
}

// observe lists the EC2 instances, Auto Scaling groups, DB instances and DB
// clusters of the target. Each kind is listed on its own: one failing
// (access denied, say) is returned as an error naming it while the others'
// resources are still returned. When a list finds the region unreachable
// (its calls time out or go unanswered), the kinds after it are not
// listed: each would wait out the same timeout to the same end.
func (ob observer) observe(ctx context.Context) ([]*resource, error) {
	var out []*resource
	var errs []error
	for _, list := range []func(context.Context) ([]*resource, error){
		ob.instances, ob.groups, ob.databases, ob.clusters, ob.services,
	} {
		rs, err := list(ctx)
		out = append(out, rs...)
		if err != nil {
			errs = append(errs, err)
			if unreachable(err) {
				break
			}
		}
	}
	return out, errors.Join(errs...)
}

// selectorKeys are the tag keys that bring a resource into view: every
// shutdown tag and opsd's own marker (so what opsd stopped is still seen
// after its shutdown tags were removed).
func (ob observer) selectorKeys() []string {
	k := ob.keys
	var out []string
	for _, key := range []string{k.OOO, k.OutOfHours, k.Weekend, k.Schedule, k.LastAction} {
		if key != "" && !slices.Contains(out, key) {
			out = append(out, key)
		}
	}
	return out
}

// kept reports whether a tag is one opsd reads, and so is kept on the
// resource: a configured tag key, the Name tag, the Auto Scaling group
// tag, or a key that differs from a shutdown key only in case (reported
// as a problem, see [ProblemKeyCase]). A resource's other tags are never
// read; keeping them would hold every tag of every instance in memory.
func (ob observer) kept(key string) bool {
	k := &ob.keys
	switch key {
	case k.Environment, k.OOO, k.OutOfHours, k.Weekend, k.Schedule, k.LastAction, k.LastActionAt,
		k.LastError, k.ASGCapacity, k.PatchingHold, k.PatchingStopped, k.SkipUntil, k.OffUntil, k.Application, k.TeamEmail, nameTag, asgNameTag:
		return true
	}
	for _, want := range [...]string{k.OOO, k.OutOfHours, k.Weekend, k.Schedule} {
		if strings.EqualFold(key, want) {
			return true
		}
	}
	return false
}

// keep adds the tag to tags when opsd reads it (see [observer.kept]).
func (ob observer) keep(tags map[string]string, key, value *string) {
	if k := aws.ToString(key); ob.kept(k) {
		tags[k] = aws.ToString(value)
	}
}

func (ob observer) newResource(kind Kind, id string, state State, tags map[string]string) *resource {
	return &resource{Observation: Observation{
		Kind: kind, ID: id, Account: ob.target.Account, Region: ob.target.Region, State: state, Tags: tags,
	}}
}

// instances lists the EC2 instances carrying a shutdown or marker tag that
// are not terminated. Members of an Auto Scaling group are skipped: the
// group is scaled instead, or it would replace them.
func (ob observer) instances(ctx context.Context) ([]*resource, error) {
	in := &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag-key"), Values: ob.selectorKeys()},
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"}},
	}}
	var out []*resource
	types := map[string]ec2types.InstanceType{}
	p := ec2.NewDescribeInstancesPaginator(ob.c.EC2, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe ec2 instances: %w", err)
		}
		for _, res := range page.Reservations {
			for _, inst := range res.Instances {
				r := ob.instance(inst)
				types[r.ID] = inst.InstanceType
				out = append(out, r)
			}
		}
	}
	ob.guardInstanceStore(ctx, out, types)
	return out, nil
}

func (ob observer) instance(inst ec2types.Instance) *resource {
	tags := map[string]string{}
	for _, t := range inst.Tags {
		ob.keep(tags, t.Key, t.Value)
	}
	var name ec2types.InstanceStateName
	if inst.State != nil {
		name = inst.State.Name
	}
	r := ob.newResource(KindEC2, aws.ToString(inst.InstanceId), instanceState(name), tags)
	r.StartedAt = aws.ToTime(inst.LaunchTime)
	if group, ok := tags[asgNameTag]; ok {
		r.Skip = fmt.Sprintf("member of Auto Scaling group %s: the group is scaled to zero instead", group)
	}
	if inst.RootDeviceType == ec2types.DeviceTypeInstanceStore {
		r.Unsupported = "its root device is an instance store volume: such an instance can be terminated, never stopped"
	}
	if inst.HibernationOptions != nil {
		r.Hibernation = aws.ToBool(inst.HibernationOptions.Configured)
	}
	if sr := inst.StateReason; sr != nil {
		r.StateReason = aws.ToString(sr.Code)
		if m := aws.ToString(sr.Message); m != "" && m != r.StateReason {
			r.StateReason += ": " + m
		}
	}
	return r
}

func instanceState(s ec2types.InstanceStateName) State {
	switch s {
	case ec2types.InstanceStateNameRunning:
		return StateRunning
	case ec2types.InstanceStateNameStopped:
		return StateStopped
	case ec2types.InstanceStateNamePending:
		return StatePending
	case ec2types.InstanceStateNameStopping:
		return StateStopping
	}
	return StateOther
}

// groups lists the Auto Scaling groups carrying a shutdown or marker tag.
// A group is running while its desired capacity is above zero, stopping
// at zero while instances remain, and stopped at zero with none.
func (ob observer) groups(ctx context.Context) ([]*resource, error) {
	in := &autoscaling.DescribeAutoScalingGroupsInput{Filters: []asgtypes.Filter{
		{Name: aws.String("tag-key"), Values: ob.selectorKeys()},
	}}
	var out []*resource
	p := autoscaling.NewDescribeAutoScalingGroupsPaginator(ob.c.AutoScaling, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe auto scaling groups: %w", err)
		}
		for _, g := range page.AutoScalingGroups {
			out = append(out, ob.group(g))
		}
	}
	return out, nil
}

func (ob observer) group(g asgtypes.AutoScalingGroup) *resource {
	tags := map[string]string{}
	for _, t := range g.Tags {
		ob.keep(tags, t.Key, t.Value)
	}
	c := Capacity{Min: aws.ToInt32(g.MinSize), Max: aws.ToInt32(g.MaxSize), Desired: aws.ToInt32(g.DesiredCapacity)}
	state := StateRunning
	switch {
	case g.Status != nil: // "Delete in progress"
		state = StateOther
	case c.Desired == 0 && len(g.Instances) > 0:
		state = StateStopping
	case c.Desired == 0:
		state = StateStopped
	}
	r := ob.newResource(KindASG, aws.ToString(g.AutoScalingGroupName), state, tags)
	r.Capacity = c
	return r
}

// databases lists every DB instance (RDS cannot filter by tag; the planner
// passes over untagged ones). Members of a DB cluster are skipped: the
// cluster is stopped instead. Read replicas, and instances that have them,
// cannot be stopped.
func (ob observer) databases(ctx context.Context) ([]*resource, error) {
	var out []*resource
	p := rds.NewDescribeDBInstancesPaginator(ob.c.RDS, &rds.DescribeDBInstancesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe db instances: %w", err)
		}
		for _, db := range page.DBInstances {
			out = append(out, ob.database(db))
		}
	}
	return out, nil
}

func (ob observer) database(db rdstypes.DBInstance) *resource {
	r := ob.newResource(KindRDSInstance, aws.ToString(db.DBInstanceIdentifier), dbState(aws.ToString(db.DBInstanceStatus)), ob.dbTags(db.TagList))
	r.ARN = aws.ToString(db.DBInstanceArn)
	switch {
	case aws.ToString(db.DBClusterIdentifier) != "":
		r.Skip = fmt.Sprintf("member of DB cluster %s: the cluster is stopped instead", aws.ToString(db.DBClusterIdentifier))
	case aws.ToString(db.ReadReplicaSourceDBInstanceIdentifier) != "":
		r.Unsupported = fmt.Sprintf("it is a read replica of %s", aws.ToString(db.ReadReplicaSourceDBInstanceIdentifier))
	case aws.ToString(db.ReadReplicaSourceDBClusterIdentifier) != "":
		r.Unsupported = fmt.Sprintf("it is a read replica of DB cluster %s", aws.ToString(db.ReadReplicaSourceDBClusterIdentifier))
	case len(db.ReadReplicaDBInstanceIdentifiers) > 0 || len(db.ReadReplicaDBClusterIdentifiers) > 0:
		r.Unsupported = "it has read replicas"
	case aws.ToBool(db.MultiAZ) && hasPrefixFold(aws.ToString(db.Engine), "sqlserver"):
		r.Unsupported = "SQL Server in a Multi-AZ configuration cannot be stopped"
	}
	return r
}

// clusters lists every DB cluster (Aurora). Aurora Serverless v1, replica
// clusters and members of a global database cannot be stopped.
func (ob observer) clusters(ctx context.Context) ([]*resource, error) {
	var out []*resource
	p := rds.NewDescribeDBClustersPaginator(ob.c.RDS, &rds.DescribeDBClustersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe db clusters: %w", err)
		}
		for _, c := range page.DBClusters {
			out = append(out, ob.cluster(c))
		}
	}
	return out, nil
}

func (ob observer) cluster(c rdstypes.DBCluster) *resource {
	r := ob.newResource(KindRDSCluster, aws.ToString(c.DBClusterIdentifier), dbState(aws.ToString(c.Status)), ob.dbTags(c.TagList))
	r.ARN = aws.ToString(c.DBClusterArn)
	switch {
	case aws.ToString(c.EngineMode) == "serverless":
		r.Unsupported = "Aurora Serverless v1 clusters cannot be stopped"
	case aws.ToString(c.ReplicationSourceIdentifier) != "":
		r.Unsupported = fmt.Sprintf("it is a replica of %s", aws.ToString(c.ReplicationSourceIdentifier))
	case aws.ToString(c.GlobalClusterIdentifier) != "":
		r.Unsupported = fmt.Sprintf("it is part of global database %s", aws.ToString(c.GlobalClusterIdentifier))
	}
	return r
}

// dbState maps an RDS instance or cluster status.
func dbState(status string) State {
	switch status {
	case "available":
		return StateRunning
	case "stopped":
		return StateStopped
	case "starting":
		return StatePending
	case "stopping":
		return StateStopping
	}
	return StateOther
}

// dbTags are the tags opsd reads of an RDS instance or cluster.
func (ob observer) dbTags(list []rdstypes.Tag) map[string]string {
	tags := map[string]string{}
	for _, t := range list {
		ob.keep(tags, t.Key, t.Value)
	}
	return tags
}

// rdsTags are all of an RDS resource's tags.
func rdsTags(list []rdstypes.Tag) map[string]string {
	tags := make(map[string]string, len(list))
	for _, t := range list {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return tags
}

func hasPrefixFold(s, prefix string) bool {
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}
