package shutdown

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// scaleService stops or starts an ECS service, as [actor.scaleGroup] does
// a group.
//
// Stopping saves the desired count (and, where Application Auto Scaling
// scales the service, its scalable target's min and max) in the
// asg_capacity tag with the LastStopping marker, then sets the scalable
// target's min and max to zero, so that no scaling policy starts tasks in
// the night, and the desired count to zero. The tag is written first: a
// service is never scaled to zero without its count saved on it.
//
// Starting restores the scalable target's min and max, then the desired
// count; the tag is removed once opsd has recorded the start.
func (a *actor) scaleService(ctx context.Context, t *task) {
	r := t.r
	switch t.d.Action {
	case ActionStop:
		saved := r.Capacity
		// A stop tried again after one that got half way (the scalable
		// target already at zero) keeps the count saved then.
		if prev, err := ParseCapacity(r.Tags[a.keys.ASGCapacity]); err == nil && (r.Tags[a.keys.LastAction] == string(LastStopping) || (r.Scaled && saved.Max == 0)) {
			saved = prev
		}
		tags := a.planner.MarkerTags(LastStopping, a.now)
		tags[a.keys.ASGCapacity] = saved.String()
		if err := a.setServiceTags(ctx, r, tags); err != nil {
			t.err = failed(ActionStop, KindECSService, "save the desired count in tag "+a.keys.ASGCapacity, err)
			return
		}
		if r.Scaled {
			if err := a.registerTarget(ctx, r, 0, 0); err != nil {
				t.err = failed(ActionStop, KindECSService, "", err)
				return
			}
		}
		if err := a.setDesired(ctx, r, 0); err != nil {
			t.err = failed(ActionStop, KindECSService, "", err)
			return
		}
		t.note("scaled to zero tasks from " + saved.String())
	case ActionStart:
		raw, ok := r.Tags[a.keys.ASGCapacity]
		if !ok {
			t.err = failed(ActionStart, KindECSService, "", fmt.Errorf("no desired count saved in tag %s: set the service's desired count by hand", a.keys.ASGCapacity))
			return
		}
		c, err := ParseCapacity(raw)
		if err != nil {
			t.err = failed(ActionStart, KindECSService, "", fmt.Errorf("tag %s: %w: set the service's desired count by hand", a.keys.ASGCapacity, err))
			return
		}
		if c.Desired == 0 && c.Max == 0 {
			t.err = failed(ActionStart, KindECSService, "", errors.New("the saved desired count is zero: set it by hand"))
			return
		}
		if r.Scaled {
			if err := a.registerTarget(ctx, r, c.Min, c.Max); err != nil {
				t.err = failed(ActionStart, KindECSService, "", err)
				return
			}
		}
		if err := a.setDesired(ctx, r, c.Desired); err != nil {
			t.err = failed(ActionStart, KindECSService, "", err)
			return
		}
		t.note("restored " + c.String())
	}
}

func (a *actor) setDesired(ctx context.Context, r *resource, n int32) error {
	_, err := a.c.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{
		Cluster: aws.String(r.Cluster), Service: aws.String(r.Service), DesiredCount: aws.Int32(n),
	})
	if err != nil {
		return fmt.Errorf("set the desired count of ecs service %s to %d: %w", r.ID, n, err)
	}
	return nil
}

func (a *actor) registerTarget(ctx context.Context, r *resource, lo, hi int32) error {
	_, err := a.c.AppScaling.RegisterScalableTarget(ctx, &applicationautoscaling.RegisterScalableTargetInput{
		ServiceNamespace: astypes.ServiceNamespaceEcs, ResourceId: aws.String(r.scalingID()), ScalableDimension: ecsDimension,
		MinCapacity: aws.Int32(lo), MaxCapacity: aws.Int32(hi),
	})
	if err != nil {
		return fmt.Errorf("set the scalable target of ecs service %s to min %d, max %d: %w", r.ID, lo, hi, err)
	}
	return nil
}

// setServiceTags writes tags on an ECS service.
func (a *actor) setServiceTags(ctx context.Context, r *resource, tags map[string]string) error {
	if r.ARN == "" {
		return errors.New("no ARN to tag")
	}
	list := make([]ecstypes.Tag, 0, len(tags))
	for _, key := range sortedKeys(tags) {
		list = append(list, ecstypes.Tag{Key: aws.String(key), Value: aws.String(tags[key])})
	}
	_, err := a.c.ECS.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(r.ARN), Tags: list})
	return err
}
