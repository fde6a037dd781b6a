package shutdown

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// API maxima: DescribeServices takes 10 services, DescribeScalableTargets
// 50 resource ids.
const (
	ecsDescribeBatch   = 10
	scalingTargetBatch = 50
)

// ecsDimension is the scalable dimension of an ECS service's task count.
const ecsDimension = astypes.ScalableDimensionECSServiceDesiredCount

// services lists the ECS services, in every cluster, that carry a
// shutdown or marker tag (ECS cannot filter by tag: every service is
// described, with its tags, ten at a time). A service is running while its
// desired count is above zero, stopping at zero while tasks still run,
// and stopped at zero with none. Where Application Auto Scaling scales its
// task count, the scalable target's min and max go with it.
//
// A service whose scalable target could not be read is not acted on this
// run (it is reported): stopping it without knowing its min and max would
// save the wrong ones, and the morning would put them over the real ones.
func (ob observer) services(ctx context.Context) ([]*resource, error) {
	out, err := ob.listServices(ctx)
	if terr := ob.scalableTargets(ctx, out); terr != nil {
		for _, r := range out {
			r.Unsupported = "its Application Auto Scaling target could not be read (" + terr.Error() + "): not scaled this run"
		}
		err = errors.Join(err, terr)
	}
	return out, err
}

func (ob observer) listServices(ctx context.Context) ([]*resource, error) {
	var out []*resource
	clusters := ecs.NewListClustersPaginator(ob.c.ECS, &ecs.ListClustersInput{})
	for clusters.HasMorePages() {
		page, err := clusters.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("list ecs clusters: %w", err)
		}
		for _, arn := range page.ClusterArns {
			rs, err := ob.clusterServices(ctx, arn)
			out = append(out, rs...)
			if err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

func (ob observer) clusterServices(ctx context.Context, clusterARN string) ([]*resource, error) {
	var arns []string
	p := ecs.NewListServicesPaginator(ob.c.ECS, &ecs.ListServicesInput{Cluster: aws.String(clusterARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list ecs services of cluster %s: %w", clusterName(clusterARN), err)
		}
		arns = append(arns, page.ServiceArns...)
	}
	var out []*resource
	selectors := ob.selectorKeys()
	for batch := range slices.Chunk(arns, ecsDescribeBatch) {
		page, err := ob.c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{
			Cluster: aws.String(clusterARN), Services: batch, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags},
		})
		if err != nil {
			return out, fmt.Errorf("describe ecs services of cluster %s: %w", clusterName(clusterARN), err)
		}
		for _, s := range page.Services {
			if r := ob.service(s, selectors); r != nil {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// service is the resource for an ECS service, or nil when none of its
// tags brings it into view.
func (ob observer) service(s ecstypes.Service, selectors []string) *resource {
	tags := map[string]string{}
	selected := false
	for _, t := range s.Tags {
		ob.keep(tags, t.Key, t.Value)
		selected = selected || slices.Contains(selectors, aws.ToString(t.Key))
	}
	if !selected {
		return nil
	}
	desired := s.DesiredCount
	state := StateRunning
	switch {
	case aws.ToString(s.Status) != "ACTIVE": // DRAINING, INACTIVE
		state = StateOther
	case desired == 0 && s.RunningCount > 0:
		state = StateStopping
	case desired == 0:
		state = StateStopped
	}
	cluster := clusterName(aws.ToString(s.ClusterArn))
	name := aws.ToString(s.ServiceName)
	r := ob.newResource(KindECSService, cluster+"/"+name, state, tags)
	r.ARN, r.Cluster, r.Service = aws.ToString(s.ServiceArn), cluster, name
	r.Capacity = Capacity{Min: desired, Max: desired, Desired: desired}
	if s.SchedulingStrategy == ecstypes.SchedulingStrategyDaemon {
		r.Unsupported = "a DAEMON service runs one task per container instance: its count cannot be set"
	}
	return r
}

// scalableTargets fills in, for the services Application Auto Scaling
// scales, the scalable target's min and max.
func (ob observer) scalableTargets(ctx context.Context, rs []*resource) error {
	byID := map[string]*resource{}
	var ids []string
	for _, r := range rs {
		id := r.scalingID()
		byID[id] = r
		ids = append(ids, id)
	}
	for batch := range slices.Chunk(ids, scalingTargetBatch) {
		p := applicationautoscaling.NewDescribeScalableTargetsPaginator(ob.c.AppScaling, &applicationautoscaling.DescribeScalableTargetsInput{
			ServiceNamespace: astypes.ServiceNamespaceEcs, ResourceIds: batch, ScalableDimension: ecsDimension,
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("describe ecs scalable targets: %w", err)
			}
			for _, t := range page.ScalableTargets {
				if r := byID[aws.ToString(t.ResourceId)]; r != nil {
					r.Scaled = true
					r.Capacity.Min, r.Capacity.Max = aws.ToInt32(t.MinCapacity), aws.ToInt32(t.MaxCapacity)
				}
			}
		}
	}
	return nil
}

// scalingID is an ECS service's Application Auto Scaling resource id,
// "service/<cluster>/<service>".
func (r *resource) scalingID() string { return "service/" + r.Cluster + "/" + r.Service }

// clusterName is the name in an ECS cluster ARN
// (arn:aws:ecs:region:account:cluster/name).
func clusterName(arn string) string {
	if _, name, ok := strings.Cut(arn, ":cluster/"); ok {
		return name
	}
	return arn
}
