package savings

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/smithy-go"

	"github.com/opsd-dev/opsd/shutdown"
)

// Sizer looks up what a resource runs when it is on, with read-only calls
// in its account and region.
type Sizer struct {
	Clients Clients
	// CapacityTag is the tag in which shutdown saves a stopped group's or
	// service's capacity (shutdown.tags.asg_capacity).
	CapacityTag string
}

// notFound is the reason a resource that is gone is not priced.
const notFound = "no longer found: not priced"

// Size returns r's size. A resource that no longer exists, or one opsd
// cannot price, has a Size with a note and no error; an error is a call
// that failed.
func (s Sizer) Size(ctx context.Context, r Resource) (Size, error) {
	switch shutdown.Kind(r.Kind) {
	case shutdown.KindEC2:
		return s.ec2(ctx, r)
	case shutdown.KindASG:
		return s.group(ctx, r)
	case shutdown.KindRDSInstance:
		return s.dbInstance(ctx, r)
	case shutdown.KindRDSCluster:
		return s.dbCluster(ctx, r)
	case shutdown.KindECSService:
		return s.service(ctx, r)
	}
	return unpriced("kind %q is not priced", r.Kind), nil
}

func (s Sizer) ec2(ctx context.Context, r Resource) (Size, error) {
	out, err := s.Clients.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{r.ID}})
	if isCode(err, "InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed") {
		return unpriced(notFound), nil
	}
	if err != nil {
		return Size{}, fmt.Errorf("describe instance %s: %w", r.ID, err)
	}
	var insts []ec2types.Instance
	for _, res := range out.Reservations {
		insts = append(insts, res.Instances...)
	}
	if len(insts) == 0 || insts[0].State != nil && insts[0].State.Name == ec2types.InstanceStateNameTerminated {
		return unpriced(notFound), nil
	}
	os, t := platform(insts[0].Platform), string(insts[0].InstanceType)
	return Size{Parts: []Part{{Count: 1, What: t + " " + os, Query: EC2Query(r.Region, t, os)}}}, nil
}

// platform is the Price List's operating system: Linux unless EC2 says
// Windows.
func platform(p ec2types.PlatformValues) string {
	if p == ec2types.PlatformValuesWindows {
		return "Windows"
	}
	return "Linux"
}

func (s Sizer) group(ctx context.Context, r Resource) (Size, error) {
	out, err := s.Clients.AutoScaling.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{r.ID}})
	if err != nil {
		return Size{}, fmt.Errorf("describe auto scaling group %s: %w", r.ID, err)
	}
	if len(out.AutoScalingGroups) == 0 {
		return unpriced(notFound), nil
	}
	g := out.AutoScalingGroups[0]
	count := aws.ToInt32(g.DesiredCapacity)
	if count == 0 {
		for _, t := range g.Tags {
			if aws.ToString(t.Key) == s.CapacityTag {
				if c, err := shutdown.ParseCapacity(aws.ToString(t.Value)); err == nil {
					count = c.Desired
				}
			}
		}
	}
	if count == 0 {
		return unpriced("no desired capacity to price (none now, none saved in tag %s)", s.CapacityTag), nil
	}
	t := ""
	for _, inst := range g.Instances {
		if t = aws.ToString(inst.InstanceType); t != "" {
			break
		}
	}
	if t == "" {
		if t, err = s.groupType(ctx, g); err != nil {
			return Size{}, err
		}
	}
	if t == "" {
		return unpriced("its instance type is not known from its instances, launch template or launch configuration"), nil
	}
	return Size{Parts: []Part{{Count: float64(count), What: t + " Linux", Query: EC2Query(r.Region, t, "Linux")}}}, nil
}

// groupType is the instance type a group launches, from its launch
// template (or its mixed instances policy's, or first override) or launch
// configuration.
func (s Sizer) groupType(ctx context.Context, g asgtypes.AutoScalingGroup) (string, error) {
	lt := g.LaunchTemplate
	if p := g.MixedInstancesPolicy; p != nil && p.LaunchTemplate != nil {
		for _, o := range p.LaunchTemplate.Overrides {
			if t := aws.ToString(o.InstanceType); t != "" {
				return t, nil
			}
		}
		lt = p.LaunchTemplate.LaunchTemplateSpecification
	}
	if lt != nil {
		in := &ec2.DescribeLaunchTemplateVersionsInput{Versions: []string{"$Default"}}
		if v := aws.ToString(lt.Version); v != "" {
			in.Versions = []string{v}
		}
		if id := aws.ToString(lt.LaunchTemplateId); id != "" {
			in.LaunchTemplateId = lt.LaunchTemplateId
		} else {
			in.LaunchTemplateName = lt.LaunchTemplateName
		}
		out, err := s.Clients.EC2.DescribeLaunchTemplateVersions(ctx, in)
		if err != nil {
			return "", fmt.Errorf("describe launch template of group %s: %w", aws.ToString(g.AutoScalingGroupName), err)
		}
		for _, v := range out.LaunchTemplateVersions {
			if v.LaunchTemplateData != nil && v.LaunchTemplateData.InstanceType != "" {
				return string(v.LaunchTemplateData.InstanceType), nil
			}
		}
		return "", nil
	}
	if name := aws.ToString(g.LaunchConfigurationName); name != "" {
		out, err := s.Clients.AutoScaling.DescribeLaunchConfigurations(ctx, &autoscaling.DescribeLaunchConfigurationsInput{LaunchConfigurationNames: []string{name}})
		if err != nil {
			return "", fmt.Errorf("describe launch configuration %s: %w", name, err)
		}
		if len(out.LaunchConfigurations) > 0 {
			return aws.ToString(out.LaunchConfigurations[0].InstanceType), nil
		}
	}
	return "", nil
}

func (s Sizer) dbInstance(ctx context.Context, r Resource) (Size, error) {
	out, err := s.Clients.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(r.ID)})
	if isCode(err, "DBInstanceNotFound", "DBInstanceNotFoundFault") {
		return unpriced(notFound), nil
	}
	if err != nil {
		return Size{}, fmt.Errorf("describe db instance %s: %w", r.ID, err)
	}
	if len(out.DBInstances) == 0 {
		return unpriced(notFound), nil
	}
	db := out.DBInstances[0]
	class, engine := aws.ToString(db.DBInstanceClass), aws.ToString(db.Engine)
	multi := aws.ToBool(db.MultiAZ)
	what := class + " " + engine
	if multi {
		what += " Multi-AZ"
	}
	return Size{Parts: []Part{{Count: 1, What: what, Query: RDSQuery(r.Region, class, engine, aws.ToString(db.LicenseModel), multi, false)}}}, nil
}

// dbCluster sizes a cluster by its member instances, each priced by its
// own class: a cluster of three counts three times one.
func (s Sizer) dbCluster(ctx context.Context, r Resource) (Size, error) {
	out, err := s.Clients.RDS.DescribeDBClusters(ctx, &rds.DescribeDBClustersInput{DBClusterIdentifier: aws.String(r.ID)})
	if isCode(err, "DBClusterNotFoundFault", "DBClusterNotFound") {
		return unpriced(notFound), nil
	}
	if err != nil {
		return Size{}, fmt.Errorf("describe db cluster %s: %w", r.ID, err)
	}
	if len(out.DBClusters) == 0 {
		return unpriced(notFound), nil
	}
	byClass := map[string]int{}
	var order []string
	var engine string
	var notes []string
	for _, m := range out.DBClusters[0].DBClusterMembers {
		id := aws.ToString(m.DBInstanceIdentifier)
		dbs, err := s.Clients.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
		if err != nil {
			return Size{}, fmt.Errorf("describe db instance %s of cluster %s: %w", id, r.ID, err)
		}
		for _, db := range dbs.DBInstances {
			class := aws.ToString(db.DBInstanceClass)
			engine = aws.ToString(db.Engine)
			if class == "db.serverless" {
				notes = append(notes, id+" is Aurora Serverless (priced by ACU): not priced")
				continue
			}
			if byClass[class] == 0 {
				order = append(order, class)
			}
			byClass[class]++
		}
	}
	var size Size
	for _, class := range order {
		size.Parts = append(size.Parts, Part{Count: float64(byClass[class]), What: class + " " + engine, Query: RDSQuery(r.Region, class, engine, "", false, true)})
	}
	size.Note = strings.Join(notes, "; ")
	if len(size.Parts) == 0 && size.Note == "" {
		size.Note = "no member instances: not priced"
	}
	return size, nil
}

func (s Sizer) service(ctx context.Context, r Resource) (Size, error) {
	cluster, name, ok := strings.Cut(r.ID, "/")
	if !ok {
		return unpriced("%q is not cluster/service", r.ID), nil
	}
	out, err := s.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
	if isCode(err, "ClusterNotFoundException") {
		return unpriced(notFound), nil
	}
	if err != nil {
		return Size{}, fmt.Errorf("describe ecs service %s: %w", r.ID, err)
	}
	if len(out.Services) == 0 || aws.ToString(out.Services[0].Status) == "INACTIVE" {
		return unpriced(notFound), nil
	}
	svc := out.Services[0]
	if svc.LaunchType == ecstypes.LaunchTypeEc2 || svc.LaunchType == ecstypes.LaunchTypeExternal {
		return unpriced("runs on %s container instances, not Fargate: not priced", svc.LaunchType), nil
	}
	count := svc.DesiredCount
	if count == 0 {
		for _, t := range svc.Tags {
			if aws.ToString(t.Key) == s.CapacityTag {
				if c, err := shutdown.ParseCapacity(aws.ToString(t.Value)); err == nil {
					count = c.Desired
				}
			}
		}
	}
	if count == 0 {
		return unpriced("no desired count to price (none now, none saved in tag %s)", s.CapacityTag), nil
	}
	td, err := s.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: svc.TaskDefinition})
	if err != nil {
		return Size{}, fmt.Errorf("describe task definition of ecs service %s: %w", r.ID, err)
	}
	def := td.TaskDefinition
	if def == nil {
		return unpriced("its task definition is not known: not priced"), nil
	}
	cpu, cerr := strconv.ParseFloat(aws.ToString(def.Cpu), 64)
	mem, merr := strconv.ParseFloat(aws.ToString(def.Memory), 64)
	if cerr != nil || merr != nil || cpu <= 0 || mem <= 0 {
		return unpriced("its task definition sets no task cpu and memory: not priced"), nil
	}
	vcpu, gb := cpu/1024*float64(count), mem/1024*float64(count)
	return Size{Parts: []Part{
		{Count: vcpu, What: "Fargate vCPU", Query: FargateCPUQuery(r.Region)},
		{Count: gb, What: "Fargate GB", Query: FargateGBQuery(r.Region)},
	}}, nil
}

// isCode reports whether err is an AWS API error with one of codes.
func isCode(err error, codes ...string) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	for _, c := range codes {
		if api.ErrorCode() == c {
			return true
		}
	}
	return false
}
