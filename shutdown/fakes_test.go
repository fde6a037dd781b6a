package shutdown

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"
)

// Hand-written fakes of the narrow interfaces: in-memory state, one page
// of pageSize items per call (so the SDK paginators page), every call
// recorded, failures injected per call.

const pageSize = 2

// calls records the operations a fake was asked for, in order.
type calls struct {
	mu  sync.Mutex
	ops []string
}

func (c *calls) add(op string, detail ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(detail) > 0 {
		op += " " + strings.Join(detail, ",")
	}
	c.ops = append(c.ops, op)
}

func (c *calls) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.ops)
}

func (c *calls) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = nil
}

// mutating returns the calls that are not Describe calls.
func (c *calls) mutating() []string {
	var out []string
	for _, op := range c.all() {
		if !strings.HasPrefix(op, "Describe") {
			out = append(out, op)
		}
	}
	return out
}

func apiError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

// page returns the items of one page and the next token.
func page[T any](items []T, token *string) ([]T, *string) {
	from := 0
	if token != nil {
		from, _ = strconv.Atoi(*token)
	}
	to := min(from+pageSize, len(items))
	var next *string
	if to < len(items) {
		next = aws.String(strconv.Itoa(to))
	}
	return items[from:to], next
}

// fakeEC2 holds instances.
type fakeEC2 struct {
	calls
	mu        sync.Mutex
	instances []*ec2types.Instance
	// describeErr fails DescribeInstances.
	describeErr error
	// stopErr, when set, may fail a StopInstances call.
	stopErr func(ids []string, hibernate bool) error
	// startErr, when set, may fail a StartInstances call.
	startErr func(ids []string) error
	// tagErr, when set, may fail a CreateTags call.
	tagErr func(ids []string, tags []ec2types.Tag) error
	// instanceStore are the instance types with instance store volumes.
	instanceStore []ec2types.InstanceType
	// typesErr fails DescribeInstanceTypes.
	typesErr error
	// impaired are the instances failing their status checks.
	impaired []string
}

func (f *fakeEC2) add(id, state string, tags map[string]string) *ec2types.Instance {
	inst := &ec2types.Instance{
		InstanceId: aws.String(id),
		State:      &ec2types.InstanceState{Name: ec2types.InstanceStateName(state)},
		LaunchTime: aws.Time(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)),
	}
	for _, k := range sortedKeys(tags) {
		inst.Tags = append(inst.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	f.mu.Lock()
	f.instances = append(f.instances, inst)
	f.mu.Unlock()
	return inst
}

func (f *fakeEC2) find(id string) *ec2types.Instance {
	for _, inst := range f.instances {
		if aws.ToString(inst.InstanceId) == id {
			return inst
		}
	}
	return nil
}

// state returns an instance's state.
func (f *fakeEC2) state(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return string(f.find(id).State.Name)
}

// tags returns an instance's tags.
func (f *fakeEC2) tags(id string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for _, t := range f.find(id).Tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

func (f *fakeEC2) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	f.calls.add("DescribeInstances")
	if f.describeErr != nil {
		return nil, f.describeErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var keys, states []string
	for _, flt := range in.Filters {
		switch aws.ToString(flt.Name) {
		case "tag-key":
			keys = flt.Values
		case "instance-state-name":
			states = flt.Values
		}
	}
	var match []ec2types.Instance
	for _, inst := range f.instances {
		if states != nil && !slices.Contains(states, string(inst.State.Name)) {
			continue
		}
		if keys != nil && !slices.ContainsFunc(inst.Tags, func(t ec2types.Tag) bool { return slices.Contains(keys, aws.ToString(t.Key)) }) {
			continue
		}
		match = append(match, *inst)
	}
	items, next := page(match, in.NextToken)
	return &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: items}}, NextToken: next}, nil
}

func (f *fakeEC2) DescribeInstanceTypes(_ context.Context, in *ec2.DescribeInstanceTypesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstanceTypesOutput, error) {
	f.calls.add("DescribeInstanceTypes", instanceTypeNames(in.InstanceTypes)...)
	if f.typesErr != nil {
		return nil, f.typesErr
	}
	out := &ec2.DescribeInstanceTypesOutput{}
	for _, t := range in.InstanceTypes {
		out.InstanceTypes = append(out.InstanceTypes, ec2types.InstanceTypeInfo{InstanceType: t, InstanceStorageSupported: aws.Bool(slices.Contains(f.instanceStore, t))})
	}
	return out, nil
}

// DescribeInstanceStatus says every running instance passes both status
// checks, but those in impaired.
func (f *fakeEC2) DescribeInstanceStatus(_ context.Context, in *ec2.DescribeInstanceStatusInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstanceStatusOutput, error) {
	f.calls.add("DescribeInstanceStatus", in.InstanceIds...)
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &ec2.DescribeInstanceStatusOutput{}
	for _, id := range in.InstanceIds {
		inst := f.find(id)
		if inst == nil || inst.State.Name != ec2types.InstanceStateNameRunning {
			continue
		}
		st := ec2types.SummaryStatusOk
		if slices.Contains(f.impaired, id) {
			st = ec2types.SummaryStatusImpaired
		}
		out.InstanceStatuses = append(out.InstanceStatuses, ec2types.InstanceStatus{InstanceId: aws.String(id),
			InstanceStatus: &ec2types.InstanceStatusSummary{Status: st}, SystemStatus: &ec2types.InstanceStatusSummary{Status: ec2types.SummaryStatusOk}})
	}
	return out, nil
}

func instanceTypeNames(ts []ec2types.InstanceType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

func (f *fakeEC2) setState(ids []string, state ec2types.InstanceStateName) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		if f.find(id) == nil {
			return apiError("InvalidInstanceID.NotFound", "The instance ID '"+id+"' does not exist")
		}
	}
	for _, id := range ids {
		f.find(id).State.Name = state
	}
	return nil
}

func (f *fakeEC2) StopInstances(_ context.Context, in *ec2.StopInstancesInput, _ ...func(*ec2.Options)) (*ec2.StopInstancesOutput, error) {
	hibernate := aws.ToBool(in.Hibernate)
	op := "StopInstances"
	if hibernate {
		op += "(hibernate)"
	}
	f.calls.add(op, in.InstanceIds...)
	if f.stopErr != nil {
		if err := f.stopErr(in.InstanceIds, hibernate); err != nil {
			return nil, err
		}
	}
	return &ec2.StopInstancesOutput{}, f.setState(in.InstanceIds, ec2types.InstanceStateNameStopped)
}

func (f *fakeEC2) StartInstances(_ context.Context, in *ec2.StartInstancesInput, _ ...func(*ec2.Options)) (*ec2.StartInstancesOutput, error) {
	f.calls.add("StartInstances", in.InstanceIds...)
	if f.startErr != nil {
		if err := f.startErr(in.InstanceIds); err != nil {
			return nil, err
		}
	}
	return &ec2.StartInstancesOutput{}, f.setState(in.InstanceIds, ec2types.InstanceStateNameRunning)
}

func (f *fakeEC2) CreateTags(_ context.Context, in *ec2.CreateTagsInput, _ ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	f.calls.add("CreateTags", in.Resources...)
	if f.tagErr != nil {
		if err := f.tagErr(in.Resources, in.Tags); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range in.Resources {
		inst := f.find(id)
		for _, t := range in.Tags {
			inst.Tags = slices.DeleteFunc(inst.Tags, func(x ec2types.Tag) bool { return aws.ToString(x.Key) == aws.ToString(t.Key) })
			inst.Tags = append(inst.Tags, t)
		}
	}
	return &ec2.CreateTagsOutput{}, nil
}

func (f *fakeEC2) DeleteTags(_ context.Context, in *ec2.DeleteTagsInput, _ ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error) {
	f.calls.add("DeleteTags", in.Resources...)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range in.Resources {
		inst := f.find(id)
		for _, t := range in.Tags {
			inst.Tags = slices.DeleteFunc(inst.Tags, func(x ec2types.Tag) bool { return aws.ToString(x.Key) == aws.ToString(t.Key) })
		}
	}
	return &ec2.DeleteTagsOutput{}, nil
}

// fakeASG holds Auto Scaling groups.
type fakeASG struct {
	calls
	mu     sync.Mutex
	groups []*asgtypes.AutoScalingGroup
}

func (f *fakeASG) add(name string, c Capacity, tags map[string]string) {
	g := &asgtypes.AutoScalingGroup{
		AutoScalingGroupName: aws.String(name),
		MinSize:              aws.Int32(c.Min), MaxSize: aws.Int32(c.Max), DesiredCapacity: aws.Int32(c.Desired),
	}
	for _, k := range sortedKeys(tags) {
		g.Tags = append(g.Tags, asgtypes.TagDescription{Key: aws.String(k), Value: aws.String(tags[k]), ResourceId: aws.String(name)})
	}
	f.mu.Lock()
	f.groups = append(f.groups, g)
	f.mu.Unlock()
}

func (f *fakeASG) find(name string) *asgtypes.AutoScalingGroup {
	for _, g := range f.groups {
		if aws.ToString(g.AutoScalingGroupName) == name {
			return g
		}
	}
	return nil
}

func (f *fakeASG) capacity(name string) Capacity {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.find(name)
	return Capacity{Min: aws.ToInt32(g.MinSize), Max: aws.ToInt32(g.MaxSize), Desired: aws.ToInt32(g.DesiredCapacity)}
}

func (f *fakeASG) tags(name string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for _, t := range f.find(name).Tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

func (f *fakeASG) DescribeAutoScalingGroups(_ context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, _ ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	f.calls.add("DescribeAutoScalingGroups")
	f.mu.Lock()
	defer f.mu.Unlock()
	var all []asgtypes.AutoScalingGroup
	for _, g := range f.groups {
		all = append(all, *g)
	}
	items, next := page(all, in.NextToken)
	return &autoscaling.DescribeAutoScalingGroupsOutput{AutoScalingGroups: items, NextToken: next}, nil
}

func (f *fakeASG) UpdateAutoScalingGroup(_ context.Context, in *autoscaling.UpdateAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.UpdateAutoScalingGroupOutput, error) {
	name := aws.ToString(in.AutoScalingGroupName)
	f.calls.add("UpdateAutoScalingGroup", name, fmt.Sprintf("min=%d,max=%d,desired=%d", aws.ToInt32(in.MinSize), aws.ToInt32(in.MaxSize), aws.ToInt32(in.DesiredCapacity)))
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.find(name)
	g.MinSize, g.MaxSize, g.DesiredCapacity = in.MinSize, in.MaxSize, in.DesiredCapacity
	return &autoscaling.UpdateAutoScalingGroupOutput{}, nil
}

func (f *fakeASG) CreateOrUpdateTags(_ context.Context, in *autoscaling.CreateOrUpdateTagsInput, _ ...func(*autoscaling.Options)) (*autoscaling.CreateOrUpdateTagsOutput, error) {
	f.calls.add("CreateOrUpdateTags")
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range in.Tags {
		g := f.find(aws.ToString(t.ResourceId))
		g.Tags = slices.DeleteFunc(g.Tags, func(x asgtypes.TagDescription) bool { return aws.ToString(x.Key) == aws.ToString(t.Key) })
		g.Tags = append(g.Tags, asgtypes.TagDescription{Key: t.Key, Value: t.Value, ResourceId: t.ResourceId, PropagateAtLaunch: t.PropagateAtLaunch})
	}
	return &autoscaling.CreateOrUpdateTagsOutput{}, nil
}

func (f *fakeASG) DeleteTags(_ context.Context, in *autoscaling.DeleteTagsInput, _ ...func(*autoscaling.Options)) (*autoscaling.DeleteTagsOutput, error) {
	f.calls.add("DeleteTags")
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range in.Tags {
		g := f.find(aws.ToString(t.ResourceId))
		g.Tags = slices.DeleteFunc(g.Tags, func(x asgtypes.TagDescription) bool { return aws.ToString(x.Key) == aws.ToString(t.Key) })
	}
	return &autoscaling.DeleteTagsOutput{}, nil
}

// fakeRDS holds DB instances and clusters.
type fakeRDS struct {
	calls
	mu        sync.Mutex
	instances []*rdstypes.DBInstance
	clusters  []*rdstypes.DBCluster
	// tags by ARN.
	tagsByARN map[string]map[string]string
}

func (f *fakeRDS) addInstance(db rdstypes.DBInstance, tags map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	db.DBInstanceArn = aws.String("arn:aws:rds:eu-west-2:123456789012:db:" + aws.ToString(db.DBInstanceIdentifier))
	f.instances = append(f.instances, &db)
	f.setTagsLocked(aws.ToString(db.DBInstanceArn), tags)
}

func (f *fakeRDS) addCluster(c rdstypes.DBCluster, tags map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c.DBClusterArn = aws.String("arn:aws:rds:eu-west-2:123456789012:cluster:" + aws.ToString(c.DBClusterIdentifier))
	f.clusters = append(f.clusters, &c)
	f.setTagsLocked(aws.ToString(c.DBClusterArn), tags)
}

func (f *fakeRDS) setTagsLocked(arn string, tags map[string]string) {
	if f.tagsByARN == nil {
		f.tagsByARN = map[string]map[string]string{}
	}
	if f.tagsByARN[arn] == nil {
		f.tagsByARN[arn] = map[string]string{}
	}
	for k, v := range tags {
		f.tagsByARN[arn][k] = v
	}
}

func (f *fakeRDS) tagList(arn string) []rdstypes.Tag {
	var out []rdstypes.Tag
	for _, k := range sortedKeys(f.tagsByARN[arn]) {
		out = append(out, rdstypes.Tag{Key: aws.String(k), Value: aws.String(f.tagsByARN[arn][k])})
	}
	return out
}

func (f *fakeRDS) status(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, db := range f.instances {
		if aws.ToString(db.DBInstanceIdentifier) == id {
			return aws.ToString(db.DBInstanceStatus)
		}
	}
	for _, c := range f.clusters {
		if aws.ToString(c.DBClusterIdentifier) == id {
			return aws.ToString(c.Status)
		}
	}
	return ""
}

func (f *fakeRDS) tags(kind, id string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.tagsByARN["arn:aws:rds:eu-west-2:123456789012:"+kind+":"+id])
}

func (f *fakeRDS) DescribeDBInstances(_ context.Context, in *rds.DescribeDBInstancesInput, _ ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	f.calls.add("DescribeDBInstances")
	f.mu.Lock()
	defer f.mu.Unlock()
	var all []rdstypes.DBInstance
	for _, db := range f.instances {
		c := *db
		c.TagList = f.tagList(aws.ToString(db.DBInstanceArn))
		all = append(all, c)
	}
	items, next := page(all, in.Marker)
	return &rds.DescribeDBInstancesOutput{DBInstances: items, Marker: next}, nil
}

func (f *fakeRDS) DescribeDBClusters(_ context.Context, in *rds.DescribeDBClustersInput, _ ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	f.calls.add("DescribeDBClusters")
	f.mu.Lock()
	defer f.mu.Unlock()
	var all []rdstypes.DBCluster
	for _, c := range f.clusters {
		x := *c
		x.TagList = f.tagList(aws.ToString(c.DBClusterArn))
		all = append(all, x)
	}
	items, next := page(all, in.Marker)
	return &rds.DescribeDBClustersOutput{DBClusters: items, Marker: next}, nil
}

func (f *fakeRDS) setInstance(id, from, to string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, db := range f.instances {
		if aws.ToString(db.DBInstanceIdentifier) == id {
			if aws.ToString(db.DBInstanceStatus) != from {
				return apiError("InvalidDBInstanceState", "instance "+id+" is not "+from)
			}
			db.DBInstanceStatus = aws.String(to)
			return nil
		}
	}
	return apiError("DBInstanceNotFound", id)
}

func (f *fakeRDS) setCluster(id, from, to string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.clusters {
		if aws.ToString(c.DBClusterIdentifier) == id {
			if aws.ToString(c.Status) != from {
				return apiError("InvalidDBClusterStateFault", "cluster "+id+" is not "+from)
			}
			c.Status = aws.String(to)
			return nil
		}
	}
	return apiError("DBClusterNotFoundFault", id)
}

func (f *fakeRDS) StopDBInstance(_ context.Context, in *rds.StopDBInstanceInput, _ ...func(*rds.Options)) (*rds.StopDBInstanceOutput, error) {
	f.calls.add("StopDBInstance", aws.ToString(in.DBInstanceIdentifier))
	return &rds.StopDBInstanceOutput{}, f.setInstance(aws.ToString(in.DBInstanceIdentifier), "available", "stopped")
}

func (f *fakeRDS) StartDBInstance(_ context.Context, in *rds.StartDBInstanceInput, _ ...func(*rds.Options)) (*rds.StartDBInstanceOutput, error) {
	f.calls.add("StartDBInstance", aws.ToString(in.DBInstanceIdentifier))
	return &rds.StartDBInstanceOutput{}, f.setInstance(aws.ToString(in.DBInstanceIdentifier), "stopped", "available")
}

func (f *fakeRDS) StopDBCluster(_ context.Context, in *rds.StopDBClusterInput, _ ...func(*rds.Options)) (*rds.StopDBClusterOutput, error) {
	f.calls.add("StopDBCluster", aws.ToString(in.DBClusterIdentifier))
	return &rds.StopDBClusterOutput{}, f.setCluster(aws.ToString(in.DBClusterIdentifier), "available", "stopped")
}

func (f *fakeRDS) StartDBCluster(_ context.Context, in *rds.StartDBClusterInput, _ ...func(*rds.Options)) (*rds.StartDBClusterOutput, error) {
	f.calls.add("StartDBCluster", aws.ToString(in.DBClusterIdentifier))
	return &rds.StartDBClusterOutput{}, f.setCluster(aws.ToString(in.DBClusterIdentifier), "stopped", "available")
}

func (f *fakeRDS) AddTagsToResource(_ context.Context, in *rds.AddTagsToResourceInput, _ ...func(*rds.Options)) (*rds.AddTagsToResourceOutput, error) {
	f.calls.add("AddTagsToResource", aws.ToString(in.ResourceName))
	f.mu.Lock()
	defer f.mu.Unlock()
	tags := map[string]string{}
	for _, t := range in.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	f.setTagsLocked(aws.ToString(in.ResourceName), tags)
	return &rds.AddTagsToResourceOutput{}, nil
}

func (f *fakeRDS) RemoveTagsFromResource(_ context.Context, in *rds.RemoveTagsFromResourceInput, _ ...func(*rds.Options)) (*rds.RemoveTagsFromResourceOutput, error) {
	f.calls.add("RemoveTagsFromResource", aws.ToString(in.ResourceName))
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range in.TagKeys {
		delete(f.tagsByARN[aws.ToString(in.ResourceName)], k)
	}
	return &rds.RemoveTagsFromResourceOutput{}, nil
}

var (
	_ EC2API         = (*fakeEC2)(nil)
	_ AutoScalingAPI = (*fakeASG)(nil)
	_ RDSAPI         = (*fakeRDS)(nil)
)

// fakes are the fakes of one account and region.
type fakes struct {
	ec2 *fakeEC2
	asg *fakeASG
	rds *fakeRDS
	// cw, when set, is the CloudWatch the service silences alarms with.
	cw *fakeCloudWatch
}

func newFakes() *fakes {
	return &fakes{ec2: &fakeEC2{}, asg: &fakeASG{}, rds: &fakeRDS{}}
}

func (f *fakes) clients() Clients {
	c := Clients{EC2: f.ec2, AutoScaling: f.asg, RDS: f.rds, ECS: fakeECS{}, AppScaling: fakeAppScaling{}}
	if f.cw != nil {
		c.CloudWatch = f.cw
	}
	return c
}

// mutating returns every mutating call made to the fakes.
func (f *fakes) mutating() []string {
	var out []string
	out = append(out, f.ec2.mutating()...)
	out = append(out, f.asg.mutating()...)
	return append(out, f.rds.mutating()...)
}
