package shutdown

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
)

// scaleGroup stops or starts an Auto Scaling group.
//
// Stopping saves the group's min, max and desired capacity in the
// asg_capacity tag, with the LastStopping marker, and then sets all three
// to zero. Max goes to zero too, so that nothing (a scaling policy, a
// scheduled action, someone raising desired by mistake) can launch
// instances while the group is meant to be off; the tag holds everything
// needed to put it back. The tag is written first: a group is never scaled
// to zero without its capacity saved on it, so a restart of opsd loses
// nothing.
//
// Starting restores the saved capacity; the tag is removed once opsd has
// recorded the start (see [actor.record]).
func (a *actor) scaleGroup(ctx context.Context, t *task) {
	name := t.r.ID
	switch t.d.Action {
	case ActionStop:
		saved := t.r.Capacity
		tags := a.planner.MarkerTags(LastStopping, a.now)
		tags[a.keys.ASGCapacity] = saved.String()
		if err := a.setGroupTags(ctx, name, tags); err != nil {
			t.err = failed(ActionStop, KindASG, "save capacity in tag "+a.keys.ASGCapacity, err)
			return
		}
		if err := a.resize(ctx, name, Capacity{}); err != nil {
			t.err = failed(ActionStop, KindASG, "", err)
			return
		}
		t.note("scaled to zero from " + saved.String())
	case ActionStart:
		raw, ok := t.r.Tags[a.keys.ASGCapacity]
		if !ok {
			t.err = failed(ActionStart, KindASG, "", fmt.Errorf("no capacity saved in tag %s: set the group's min, max and desired capacity by hand", a.keys.ASGCapacity))
			return
		}
		c, err := ParseCapacity(raw)
		if err != nil {
			t.err = failed(ActionStart, KindASG, "", fmt.Errorf("tag %s: %w: set the group's min, max and desired capacity by hand", a.keys.ASGCapacity, err))
			return
		}
		if c.Desired == 0 && c.Max == 0 {
			t.err = failed(ActionStart, KindASG, "", errors.New("the saved capacity is zero: set the group's capacity by hand"))
			return
		}
		if err := a.resize(ctx, name, c); err != nil {
			t.err = failed(ActionStart, KindASG, "", err)
			return
		}
		t.note("restored " + c.String())
	}
}

func (a *actor) resize(ctx context.Context, name string, c Capacity) error {
	_, err := a.c.AutoScaling.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(name),
		MinSize:              aws.Int32(c.Min),
		MaxSize:              aws.Int32(c.Max),
		DesiredCapacity:      aws.Int32(c.Desired),
	})
	return err
}
