package shutdown

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// ECS services against moto: a tagged service is scaled to zero tasks at
// night with its count saved in a tag, and restored in the morning; one
// behind Application Auto Scaling has its scalable target's min and max
// set to zero and restored; production and untagged services are left
// alone.
func TestMotoECSServicesOffAtNight(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	cfg := srv.Config("eu-west-2")
	w := testWeek(t)
	ctx := context.Background()
	ecsc := ecs.NewFromConfig(cfg)
	scaling := applicationautoscaling.NewFromConfig(cfg)

	if _, err := ecsc.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("apps")}); err != nil {
		t.Fatal(err)
	}
	td, err := ecsc.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx"), Memory: aws.Int32(128)}}})
	if err != nil {
		t.Fatal(err)
	}
	service := func(name string, desired int32, tags map[string]string) {
		t.Helper()
		var list []ecstypes.Tag
		for _, k := range sortedKeys(tags) {
			list = append(list, ecstypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
		}
		if _, err := ecsc.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("apps"), ServiceName: aws.String(name),
			TaskDefinition: td.TaskDefinition.TaskDefinitionArn, DesiredCount: aws.Int32(desired), Tags: list}); err != nil {
			t.Fatalf("create service %s: %v", name, err)
		}
	}
	service("dev-web", 3, map[string]string{"Environment": "development", "OOOShutdown": "true"})
	service("stg-api", 2, map[string]string{"Environment": "staging", "OOOShutdown": "true"})
	service("prod-web", 4, map[string]string{"Environment": "production", "OOOShutdown": "true"})
	service("plain", 1, map[string]string{"Environment": "development"})
	if _, err := scaling.RegisterScalableTarget(ctx, &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace: astypes.ServiceNamespaceEcs, ResourceId: aws.String("service/apps/stg-api"), ScalableDimension: ecsDimension,
		MinCapacity: aws.Int32(2), MaxCapacity: aws.Int32(6),
	}); err != nil {
		t.Fatal(err)
	}

	type look struct {
		desired int32
		tags    map[string]string
	}
	lookAt := func() map[string]look {
		t.Helper()
		out, err := ecsc.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("apps"),
			Services: []string{"dev-web", "stg-api", "prod-web", "plain"}, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]look{}
		for _, s := range out.Services {
			tags := map[string]string{}
			for _, tg := range s.Tags {
				tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
			got[aws.ToString(s.ServiceName)] = look{s.DesiredCount, tags}
		}
		return got
	}
	target := func() (int32, int32) {
		t.Helper()
		out, err := scaling.DescribeScalableTargets(ctx, &applicationautoscaling.DescribeScalableTargetsInput{
			ServiceNamespace: astypes.ServiceNamespaceEcs, ResourceIds: []string{"service/apps/stg-api"}})
		if err != nil || len(out.ScalableTargets) != 1 {
			t.Fatalf("describe scalable target: %v", err)
		}
		return aws.ToInt32(out.ScalableTargets[0].MinCapacity), aws.ToInt32(out.ScalableTargets[0].MaxCapacity)
	}

	svc := newMotoService(t, cfg, &notify.Recorder{})
	res := reconcileAt(t, svc, w.tuesdayEvening, reconcile.Apply)
	got := lookAt()
	if g := got["dev-web"]; g.desired != 0 || g.tags["opsd:shutdown:asg-capacity"] != "min=3,max=3,desired=3" || g.tags["opsd:shutdown:last-action"] != "stop" {
		t.Errorf("dev-web after the evening: %+v", g)
	}
	if g := got["stg-api"]; g.desired != 0 || g.tags["opsd:shutdown:asg-capacity"] != "min=2,max=6,desired=2" {
		t.Errorf("stg-api after the evening: %+v", g)
	}
	if lo, hi := target(); lo != 0 || hi != 0 {
		t.Errorf("stg-api's scalable target after the evening: min %d max %d, want 0 0", lo, hi)
	}
	if got["prod-web"].desired != 4 || got["plain"].desired != 1 {
		t.Errorf("prod-web %d, plain %d: both must be left alone", got["prod-web"].desired, got["plain"].desired)
	}
	if a := findAction(res, "apps/prod-web"); a == nil || a.Status != reconcile.Reported {
		t.Errorf("prod-web: %+v, want reported", a)
	}

	reconcileAt(t, svc, w.wednesdayMorning, reconcile.Apply)
	got = lookAt()
	if g := got["dev-web"]; g.desired != 3 || g.tags["opsd:shutdown:last-action"] != "start" {
		t.Errorf("dev-web after the morning: %+v", g)
	}
	if _, saved := got["dev-web"].tags["opsd:shutdown:asg-capacity"]; saved {
		t.Errorf("dev-web keeps its saved count after the start: %v", got["dev-web"].tags)
	}
	if got["stg-api"].desired != 2 {
		t.Errorf("stg-api after the morning: %+v", got["stg-api"])
	}
	if lo, hi := target(); lo != 2 || hi != 6 {
		t.Errorf("stg-api's scalable target after the morning: min %d max %d, want 2 6", lo, hi)
	}
}
