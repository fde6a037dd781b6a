package monitor

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// The fakes of Auto Scaling, Lambda and ECS hold nothing: the service
// tests' estates have no groups, functions or services.
type (
	fakeAutoScaling fakeAWS
	fakeLambda      fakeAWS
	fakeECS         fakeAWS
)

func (c *fakeAutoScaling) DescribeAutoScalingGroups(context.Context, *autoscaling.DescribeAutoScalingGroupsInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	(*fakeAWS)(c).add("DescribeAutoScalingGroups")
	return &autoscaling.DescribeAutoScalingGroupsOutput{}, nil
}

func (c *fakeLambda) ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error) {
	(*fakeAWS)(c).add("ListFunctions")
	return &lambda.ListFunctionsOutput{}, nil
}

func (c *fakeLambda) ListTags(context.Context, *lambda.ListTagsInput, ...func(*lambda.Options)) (*lambda.ListTagsOutput, error) {
	(*fakeAWS)(c).add("ListTags")
	return &lambda.ListTagsOutput{}, nil
}

func (c *fakeECS) ListClusters(context.Context, *ecs.ListClustersInput, ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	(*fakeAWS)(c).add("ListClusters")
	return &ecs.ListClustersOutput{}, nil
}

func (c *fakeECS) DescribeClusters(context.Context, *ecs.DescribeClustersInput, ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error) {
	return &ecs.DescribeClustersOutput{}, nil
}

func (c *fakeECS) ListServices(context.Context, *ecs.ListServicesInput, ...func(*ecs.Options)) (*ecs.ListServicesOutput, error) {
	return &ecs.ListServicesOutput{}, nil
}

func (c *fakeECS) DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return &ecs.DescribeServicesOutput{}, nil
}
