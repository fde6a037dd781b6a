package monitor

import (
	"strings"
	"testing"
	"time"
)

// A mute-until tag keeps a resource's alarms, with their actions off,
// until its time; once passed the actions come back; a malformed value is
// reported and mutes nothing.
func TestMuteUntil(t *testing.T) {
	cfg := testConfig()
	now := time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)
	planAt := func(at time.Time, tags map[string]string, existing ...Alarm) []*Change {
		obs := observation(ec2Resource("i-web", false, tags))
		obs.Now, obs.Location = at, time.UTC
		obs.Alarms = existing
		return NewPlanner(cfg).Plan(obs)
	}
	muted := map[string]string{"Environment": "production", "opsd:monitor:mute-until": "2026-11-24T22:00:00Z"}

	var cpu *Change
	for _, c := range planAt(now, muted) {
		if c.Name == "opsd-ec2-i-web-cpu" {
			cpu = c
		}
	}
	if cpu == nil || cpu.Op != OpCreate || cpu.alarm.ActionsEnabled || cpu.alarm.Muted != "muted until Tue 24 Nov 22:00 UTC by tag opsd:monitor:mute-until" {
		t.Fatalf("muted create: %+v", cpu)
	}
	// The alarm as created, muted: at 22:05 its actions come back.
	have := *cpu.alarm
	have.Tags = managedTags("i-web")
	var update *Change
	for _, c := range planAt(now.Add(4*time.Hour+5*time.Minute), muted, have) {
		if c.Name == "opsd-ec2-i-web-cpu" {
			update = c
		}
	}
	if update == nil || update.Op != OpUpdate || !update.alarm.ActionsEnabled || update.Reason != "actions enabled (no mute-until tag holds)" {
		t.Fatalf("after the mute: %+v", update)
	}
	// Unmuted and muted again.
	have.ActionsEnabled = true
	for _, c := range planAt(now, muted, have) {
		if c.Name == "opsd-ec2-i-web-cpu" && (c.Op != OpUpdate || !strings.HasPrefix(c.Reason, "muted until Tue 24 Nov 22:00 UTC by tag opsd:monitor:mute-until: actions disabled")) {
			t.Errorf("muting an existing alarm: %s %q", c.Op, c.Reason)
		}
	}

	bad := map[string]string{"Environment": "production", "opsd:monitor:mute-until": "soon"}
	changes := planAt(now, bad)
	if r := reports(changes); !strings.Contains(strings.Join(r, "\n"), `tag opsd:monitor:mute-until="soon" is not an RFC 3339 time`) {
		t.Errorf("malformed mute not reported: %v", r)
	}
	clock := map[string]string{"Environment": "production", "opsd:monitor:mute-until": "07:00"}
	if r := reports(planAt(now, clock)); !strings.Contains(strings.Join(r, "\n"), `tag opsd:monitor:mute-until="07:00" is a clock time; monitor takes an RFC 3339 time`) {
		t.Errorf("a clock-time mute not refused: %v", r)
	}
	for _, c := range changes {
		if c.alarm != nil && !c.alarm.ActionsEnabled {
			t.Errorf("%s muted by a malformed tag", c.Name)
		}
		if strings.Contains(c.Reason, "names no alarm") {
			t.Errorf("the mute tag was read as a threshold override: %s", c.Reason)
		}
	}
}
