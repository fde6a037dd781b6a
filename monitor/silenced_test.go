package monitor

import (
	"testing"
	"time"
)

// The shutdown service turns off the alarm actions of what it stops for
// the night and turns them back on in the morning: while the resource's
// shutdown marker says stop or stopping, their being off is not drift, and
// monitor does not turn them back on; once the marker says start, it does.
func TestAlarmActionsShutdownTurnedOffAreNotDrift(t *testing.T) {
	cfg := testConfig()
	now := time.Date(2026, 11, 24, 22, 0, 0, 0, time.UTC)
	plan := func(tags map[string]string, existing ...Alarm) *Change {
		obs := observation(ec2Resource("i-web", false, tags))
		obs.Now, obs.Location = now, time.UTC
		obs.Alarms = existing
		for _, c := range NewPlanner(cfg).Plan(obs) {
			if c.Name == "opsd-ec2-i-web-cpu" {
				return c
			}
		}
		return nil
	}
	base := map[string]string{"Environment": "production"}
	create := plan(base)
	if create == nil || create.Op != OpCreate {
		t.Fatalf("create: %+v", create)
	}
	quiet := *create.alarm
	quiet.Tags = managedTags("i-web")
	quiet.ActionsEnabled = false

	for _, marker := range []string{"stop", "stopping"} {
		tags := map[string]string{"Environment": "production", "opsd:shutdown:last-action": marker}
		if c := plan(tags, quiet); c != nil {
			t.Errorf("marker %s: %s %q, want no change to the alarm shutdown silenced", marker, c.Op, c.Reason)
		}
	}
	tags := map[string]string{"Environment": "production", "opsd:shutdown:last-action": "start"}
	if c := plan(tags, quiet); c == nil || c.Op != OpUpdate || !c.alarm.ActionsEnabled {
		t.Errorf("marker start: %+v, want the actions back on", c)
	}
}
