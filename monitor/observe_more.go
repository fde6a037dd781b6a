package monitor

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Batch sizes of the ECS describe calls.
const (
	ecsClusterBatch = 100
	ecsServiceBatch = 10
)

// groups lists every Auto Scaling group with its tags.
func (ob observer) groups(ctx context.Context) ([]*Resource, error) {
	var out []*Resource
	p := autoscaling.NewDescribeAutoScalingGroupsPaginator(ob.c.AutoScaling, &autoscaling.DescribeAutoScalingGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe auto scaling groups: %w", err)
		}
		for _, g := range page.AutoScalingGroups {
			name := aws.ToString(g.AutoScalingGroupName)
			tags := map[string]string{}
			for _, t := range g.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			enabled := slices.ContainsFunc(g.EnabledMetrics, func(m astypes.EnabledMetric) bool {
				return aws.ToString(m.Metric) == "GroupInServiceInstances"
			}) && slices.ContainsFunc(g.EnabledMetrics, func(m astypes.EnabledMetric) bool {
				return aws.ToString(m.Metric) == "GroupDesiredCapacity"
			})
			out = append(out, &Resource{
				Kind: KindASG, ID: name, Ref: cmpOr(aws.ToString(g.AutoScalingGroupARN), ob.arnFor("autoscaling", "autoScalingGroup:*:autoScalingGroupName/"+name)),
				Tags: tags, GroupMetrics: enabled,
			})
		}
	}
	return out, nil
}

// functions lists every Lambda function with its tags (ListFunctions
// returns none).
func (ob observer) functions(ctx context.Context) ([]*Resource, error) {
	var out []*Resource
	p := lambda.NewListFunctionsPaginator(ob.c.Lambda, &lambda.ListFunctionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("list lambda functions: %w", err)
		}
		for _, f := range page.Functions {
			arn := aws.ToString(f.FunctionArn)
			res, err := ob.c.Lambda.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String(arn)})
			if err != nil {
				return out, fmt.Errorf("list tags of lambda function %s: %w", aws.ToString(f.FunctionName), err)
			}
			tags := res.Tags
			if tags == nil {
				tags = map[string]string{}
			}
			out = append(out, &Resource{Kind: KindLambda, ID: aws.ToString(f.FunctionName), Ref: arn, Tags: tags, TimeoutSeconds: aws.ToInt32(f.Timeout)})
		}
	}
	return out, nil
}

// services lists every ECS service of every cluster, with its tags and
// whether its cluster has Container Insights.
func (ob observer) services(ctx context.Context) ([]*Resource, error) {
	var arns []string
	p := ecs.NewListClustersPaginator(ob.c.ECS, &ecs.ListClustersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list ecs clusters: %w", err)
		}
		arns = append(arns, page.ClusterArns...)
	}
	var out []*Resource
	for from := 0; from < len(arns); from += ecsClusterBatch {
		batch := arns[from:min(from+ecsClusterBatch, len(arns))]
		res, err := ob.c.ECS.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: batch, Include: []ecstypes.ClusterField{ecstypes.ClusterFieldSettings}})
		if err != nil {
			return out, fmt.Errorf("describe ecs clusters: %w", err)
		}
		for _, c := range res.Clusters {
			rs, err := ob.clusterServices(ctx, c)
			out = append(out, rs...)
			if err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// clusterServices lists the services of cluster c.
func (ob observer) clusterServices(ctx context.Context, c ecstypes.Cluster) ([]*Resource, error) {
	cluster := aws.ToString(c.ClusterName)
	insights := slices.ContainsFunc(c.Settings, func(s ecstypes.ClusterSetting) bool {
		v := aws.ToString(s.Value)
		return s.Name == ecstypes.ClusterSettingNameContainerInsights && (v == "enabled" || v == "enhanced")
	})
	var arns []string
	p := ecs.NewListServicesPaginator(ob.c.ECS, &ecs.ListServicesInput{Cluster: c.ClusterArn})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list ecs services of cluster %s: %w", cluster, err)
		}
		arns = append(arns, page.ServiceArns...)
	}
	var out []*Resource
	for from := 0; from < len(arns); from += ecsServiceBatch {
		batch := arns[from:min(from+ecsServiceBatch, len(arns))]
		res, err := ob.c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: c.ClusterArn, Services: batch, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if err != nil {
			return out, fmt.Errorf("describe ecs services of cluster %s: %w", cluster, err)
		}
		for _, s := range res.Services {
			name := aws.ToString(s.ServiceName)
			tags := map[string]string{}
			for _, t := range s.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			out = append(out, &Resource{
				Kind: KindECS, ID: cluster + "/" + name, Ref: aws.ToString(s.ServiceArn), Tags: tags,
				Cluster: cluster, Service: name, ContainerInsights: insights,
			})
		}
	}
	return out, nil
}

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}
