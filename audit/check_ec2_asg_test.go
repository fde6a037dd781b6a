package audit

import (
	"errors"
	"testing"
)

func TestInstanceInGroup(t *testing.T) {
	app := prodTags("web")
	instances := []Instance{
		{Resource: res(KindEC2Instance, "i-tagged", app), Group: "web-asg"},
		{Resource: res(KindEC2Instance, "i-listed", app)},
		{Resource: res(KindEC2Instance, "i-solo", app)},
	}
	groups := []Group{{Resource: res(KindASG, "web-asg", app), Instances: []string{"i-listed"}}}
	runCheck(t, checkInstanceInGroup(), []checkCase{
		{name: "instances", inv: Inventory{Instances: instances, Groups: groups}, want: map[string]want{
			"i-tagged": {Pass, "in Auto Scaling group web-asg (aws:autoscaling:groupName tag)"},
			"i-listed": {Pass, "in Auto Scaling group web-asg"},
			"i-solo":   {Fail, "not in an Auto Scaling group"},
		}},
		{name: "groups unreadable", inv: Inventory{Instances: instances, Failed: map[Source]error{SourceAutoScaling: errors.New("denied")}}, want: map[string]want{
			"i-tagged": {Pass, "web-asg"},
			"i-listed": {Unknown, "could not be read (denied)"},
			"i-solo":   {Unknown, "could not be read (denied)"},
		}},
		{name: "development too", inv: Inventory{Instances: []Instance{{Resource: res(KindEC2Instance, "i-dev", devTags("web"))}}}, want: map[string]want{
			"i-dev": {Fail, "not in an Auto Scaling group"},
		}},
	})
}
