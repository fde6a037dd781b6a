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
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// record writes the outcome of each task on its resource, after the
// actions: on a success opsd's marker tags (what it did and when, with the
// reconcile's clock) and the removal of the last-error tag (and, for a
// group opsd started or found started, of the saved capacity); on a
// failure the last-error tag, best effort.
//
// The marker is written only after the action succeeded: written before,
// a failed stop would look like one opsd made and someone undid. (Before a
// stop opsd writes LastStopping, which says only that it meant to stop.)
// A stop whose marker cannot be written is a failure, told to people; the
// LastStopping marker still lets the next run record it.
func (a *actor) record(ctx context.Context, tasks []*task) {
	type batch struct {
		kind Kind
		rec  LastAction
	}
	order, batches := groupSucceeded(tasks, func(t *task) (batch, bool) {
		rec := t.d.RecordAfter()
		return batch{t.r.Kind, rec}, rec != ""
	})
	for _, b := range order {
		ts := batches[b]
		errs := a.setTags(ctx, b.kind, resourcesOf(ts), a.planner.MarkerTags(b.rec, a.now))
		for _, t := range ts {
			if err := errs[t.r.ID]; err != nil {
				t.err = a.recordFailed(t, err)
			}
		}
	}
	a.clearStale(ctx, tasks)
	for _, t := range tasks {
		if t.err == nil {
			continue
		}
		v := tagValue(t.err.Error())
		if old, ok := t.r.Tags[a.keys.LastError]; ok && old == v {
			continue
		}
		if err := a.setTags(ctx, t.r.Kind, []*resource{t.r}, map[string]string{a.keys.LastError: v})[t.r.ID]; err != nil {
			a.log.WarnContext(ctx, "write last-error tag", "resource", t.r.ID, "kind", t.r.Kind, "error", err)
		}
	}
}

func (a *actor) recordFailed(t *task, err error) *failure {
	detail := apiErrorText(err)
	var msg string
	switch t.d.Action {
	case ActionStop:
		msg = fmt.Sprintf("stopped, but recording it in tag %s failed: %s; the next run records it", a.keys.LastAction, detail)
	case ActionStart:
		msg = fmt.Sprintf("started, but recording it in tag %s failed: %s", a.keys.LastAction, detail)
	default:
		msg = fmt.Sprintf("recording the override in tag %s failed: %s", a.keys.LastAction, detail)
	}
	return &failure{msg: msg, err: err}
}

// clearStale removes, from each resource whose action succeeded, the
// last-error tag, an override tag whose time has passed and, from a group
// started or found started, its saved capacity. Best effort: a stale
// last-error tag misleads no decision, and an expired override left in
// place is expired again, and removed, next run.
func (a *actor) clearStale(ctx context.Context, tasks []*task) {
	type batch struct {
		kind Kind
		keys string
	}
	order, batches := groupSucceeded(tasks, func(t *task) (batch, bool) {
		var keys []string
		if _, ok := t.r.Tags[a.keys.LastError]; ok {
			keys = append(keys, a.keys.LastError)
		}
		if rec := t.d.RecordAfter(); rec != "" && rec != LastStop {
			if _, ok := t.r.Tags[a.keys.ASGCapacity]; ok && (t.r.Kind == KindASG || t.r.Kind == KindECSService) {
				keys = append(keys, a.keys.ASGCapacity)
			}
		}
		if t.d.ClearOverride {
			keys = append(keys, t.d.Override.Key)
		}
		return batch{t.r.Kind, strings.Join(keys, "\x00")}, len(keys) > 0
	})
	for _, b := range order {
		ts := batches[b]
		for id, err := range a.removeTags(ctx, b.kind, resourcesOf(ts), strings.Split(b.keys, "\x00")) {
			a.log.WarnContext(ctx, "remove stale tags", "resource", id, "kind", b.kind, "error", err)
		}
	}
}

// groupSucceeded groups the tasks that acted and succeeded by the key
// keyOf gives them (skipping those it declines), keeping first-seen order
// so tagging calls are batched and deterministic.
func groupSucceeded[K comparable](tasks []*task, keyOf func(*task) (K, bool)) ([]K, map[K][]*task) {
	var order []K
	groups := map[K][]*task{}
	for _, t := range tasks {
		if !t.acts() || t.err != nil {
			continue
		}
		k, ok := keyOf(t)
		if !ok {
			continue
		}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], t)
	}
	return order, groups
}

func resourcesOf(ts []*task) []*resource {
	out := make([]*resource, len(ts))
	for i, t := range ts {
		out[i] = t.r
	}
	return out
}

func idsOf(rs []*resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// setTags writes tags on resources, all of kind k, and returns the error
// of each resource that failed. EC2 instances are tagged in batches.
func (a *actor) setTags(ctx context.Context, k Kind, rs []*resource, tags map[string]string) map[string]error {
	keys := sortedKeys(tags)
	switch k {
	case KindEC2:
		list := make([]ec2types.Tag, 0, len(keys))
		for _, key := range keys {
			list = append(list, ec2types.Tag{Key: aws.String(key), Value: aws.String(tags[key])})
		}
		return isolate(ctx, idsOf(rs), ec2Batch, func(ctx context.Context, ids []string) error {
			_, err := a.c.EC2.CreateTags(ctx, &ec2.CreateTagsInput{Resources: ids, Tags: list})
			return err
		})
	case KindASG:
		return each(rs, func(r *resource) error { return a.setGroupTags(ctx, r.ID, tags) })
	case KindECSService:
		return each(rs, func(r *resource) error { return a.setServiceTags(ctx, r, tags) })
	default:
		list := make([]rdstypes.Tag, 0, len(keys))
		for _, key := range keys {
			list = append(list, rdstypes.Tag{Key: aws.String(key), Value: aws.String(tags[key])})
		}
		return each(rs, func(r *resource) error {
			if r.ARN == "" {
				return errors.New("no ARN to tag")
			}
			_, err := a.c.RDS.AddTagsToResource(ctx, &rds.AddTagsToResourceInput{ResourceName: aws.String(r.ARN), Tags: list})
			return err
		})
	}
}

// removeTags removes the tag keys from resources, all of kind k, and
// returns the error of each resource that failed.
func (a *actor) removeTags(ctx context.Context, k Kind, rs []*resource, keys []string) map[string]error {
	switch k {
	case KindEC2:
		list := make([]ec2types.Tag, 0, len(keys))
		for _, key := range keys {
			list = append(list, ec2types.Tag{Key: aws.String(key)})
		}
		return isolate(ctx, idsOf(rs), ec2Batch, func(ctx context.Context, ids []string) error {
			_, err := a.c.EC2.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: ids, Tags: list})
			return err
		})
	case KindECSService:
		return each(rs, func(r *resource) error {
			_, err := a.c.ECS.UntagResource(ctx, &ecs.UntagResourceInput{ResourceArn: aws.String(r.ARN), TagKeys: keys})
			return err
		})
	case KindASG:
		return each(rs, func(r *resource) error {
			list := make([]asgtypes.Tag, 0, len(keys))
			for _, key := range keys {
				list = append(list, asgtypes.Tag{Key: aws.String(key), ResourceId: aws.String(r.ID), ResourceType: aws.String("auto-scaling-group")})
			}
			_, err := a.c.AutoScaling.DeleteTags(ctx, &autoscaling.DeleteTagsInput{Tags: list})
			return err
		})
	default:
		return each(rs, func(r *resource) error {
			if r.ARN == "" {
				return errors.New("no ARN to untag")
			}
			_, err := a.c.RDS.RemoveTagsFromResource(ctx, &rds.RemoveTagsFromResourceInput{ResourceName: aws.String(r.ARN), TagKeys: keys})
			return err
		})
	}
}

// setGroupTags writes tags on an Auto Scaling group, not propagated to the
// instances it launches.
func (a *actor) setGroupTags(ctx context.Context, name string, tags map[string]string) error {
	list := make([]asgtypes.Tag, 0, len(tags))
	for _, key := range sortedKeys(tags) {
		list = append(list, asgtypes.Tag{
			Key: aws.String(key), Value: aws.String(tags[key]),
			ResourceId: aws.String(name), ResourceType: aws.String("auto-scaling-group"),
			PropagateAtLaunch: aws.Bool(false),
		})
	}
	_, err := a.c.AutoScaling.CreateOrUpdateTags(ctx, &autoscaling.CreateOrUpdateTagsInput{Tags: list})
	return err
}

// each calls fn for every resource and returns the errors by id.
func each(rs []*resource, fn func(r *resource) error) map[string]error {
	errs := map[string]error{}
	for _, r := range rs {
		if err := fn(r); err != nil {
			errs[r.ID] = err
		}
	}
	return errs
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
