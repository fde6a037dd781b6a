package shutdown

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// fakeECS is an account and region without ECS clusters: the unit tests
// of the other kinds see ECS listed and find nothing. ECS services are
// tested against moto (integration_ecs_test.go).
type fakeECS struct{}

var errNoECS = errors.New("fakeECS has no services")

func (fakeECS) ListClusters(context.Context, *ecs.ListClustersInput, ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	return &ecs.ListClustersOutput{}, nil
}

func (fakeECS) ListServices(context.Context, *ecs.ListServicesInput, ...func(*ecs.Options)) (*ecs.ListServicesOutput, error) {
	return nil, errNoECS
}

func (fakeECS) DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return nil, errNoECS
}

func (fakeECS) UpdateService(context.Context, *ecs.UpdateServiceInput, ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	return nil, errNoECS
}

func (fakeECS) TagResource(context.Context, *ecs.TagResourceInput, ...func(*ecs.Options)) (*ecs.TagResourceOutput, error) {
	return nil, errNoECS
}

func (fakeECS) UntagResource(context.Context, *ecs.UntagResourceInput, ...func(*ecs.Options)) (*ecs.UntagResourceOutput, error) {
	return nil, errNoECS
}

// fakeAppScaling has no scalable targets.
type fakeAppScaling struct{}

func (fakeAppScaling) DescribeScalableTargets(context.Context, *applicationautoscaling.DescribeScalableTargetsInput, ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalableTargetsOutput, error) {
	return &applicationautoscaling.DescribeScalableTargetsOutput{}, nil
}

func (fakeAppScaling) RegisterScalableTarget(context.Context, *applicationautoscaling.RegisterScalableTargetInput, ...func(*applicationautoscaling.Options)) (*applicationautoscaling.RegisterScalableTargetOutput, error) {
	return nil, errNoECS
}

var (
	_ ECSAPI        = fakeECS{}
	_ AppScalingAPI = fakeAppScaling{}
)
