package shutdown

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// oneServiceECS has one cluster with one tagged service.
type oneServiceECS struct {
	fakeECS
	strategy ecstypes.SchedulingStrategy
}

func (oneServiceECS) ListClusters(context.Context, *ecs.ListClustersInput, ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	return &ecs.ListClustersOutput{ClusterArns: []string{"arn:aws:ecs:eu-west-2:111111111111:cluster/apps"}}, nil
}

func (oneServiceECS) ListServices(context.Context, *ecs.ListServicesInput, ...func(*ecs.Options)) (*ecs.ListServicesOutput, error) {
	return &ecs.ListServicesOutput{ServiceArns: []string{"arn:aws:ecs:eu-west-2:111111111111:service/apps/web"}}, nil
}

func (f oneServiceECS) DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return &ecs.DescribeServicesOutput{Services: []ecstypes.Service{{
		ServiceName: aws.String("web"), ServiceArn: aws.String("arn:aws:ecs:eu-west-2:111111111111:service/apps/web"),
		ClusterArn: aws.String("arn:aws:ecs:eu-west-2:111111111111:cluster/apps"), Status: aws.String("ACTIVE"),
		DesiredCount: 3, RunningCount: 3, SchedulingStrategy: f.strategy,
		Tags: []ecstypes.Tag{{Key: aws.String("OOOShutdown"), Value: aws.String("true")}, {Key: aws.String("Environment"), Value: aws.String("dev")}},
	}}}, nil
}

type failingAppScaling struct{ fakeAppScaling }

func (failingAppScaling) DescribeScalableTargets(context.Context, *applicationautoscaling.DescribeScalableTargetsInput, ...func(*applicationautoscaling.Options)) (*applicationautoscaling.DescribeScalableTargetsOutput, error) {
	return nil, errors.New("ThrottlingException: Rate exceeded")
}

// A service whose scalable target cannot be read is not acted on, so a
// stop never saves a min and max it does not know; a DAEMON service is
// never scaled.
func TestECSServicesNotActedOnBlind(t *testing.T) {
	ob := observer{c: Clients{ECS: oneServiceECS{}, AppScaling: failingAppScaling{}}, keys: DefaultTagKeys()}
	rs, err := ob.services(context.Background())
	if err == nil || len(rs) != 1 || !strings.Contains(rs[0].Unsupported, "Application Auto Scaling target could not be read") {
		t.Fatalf("scalable targets unreadable: %v, %+v", err, rs)
	}
	p := testPlanner(t)
	if d := p.Decide(rs[0].Observation, mustTime(t, "2026-03-03T19:05:00Z")); d.Action != ActionReport || d.Cause != CauseUnsupported {
		t.Errorf("decided %s (%d), want a report", d.Action, d.Cause)
	}

	ob.c = Clients{ECS: oneServiceECS{strategy: ecstypes.SchedulingStrategyDaemon}, AppScaling: fakeAppScaling{}}
	rs, err = ob.services(context.Background())
	if err != nil || len(rs) != 1 || !strings.Contains(rs[0].Unsupported, "DAEMON") {
		t.Errorf("daemon service: %v, %+v", err, rs)
	}
}
