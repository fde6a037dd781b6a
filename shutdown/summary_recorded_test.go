package shutdown

import (
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/reconcile"
)

// A leader killed after its StopInstances took effect and before it wrote
// its markers leaves the instances stopped with opsd's "stopping" marker.
// Its successor records those stops: they are stops opsd made and nobody
// was told of, so its summary counts and lists them.
func TestStopsRecordedAfterAKillAreTold(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	f := h.f()
	ids := []string{"i-1", "i-2", "i-3"}
	for _, id := range ids[:2] {
		f.ec2.add(id, "stopped", withTags(dev(), "opsd:shutdown:last-action", "stopping", "opsd:shutdown:last-action-at", evening))
	}
	f.ec2.add("i-3", "running", dev())

	res := h.run(t, "2026-11-24T19:10:00Z", reconcile.Apply)
	if a := byResource(res)["i-1"]; a.Action != "mark" || a.Status != reconcile.Done {
		t.Fatalf("i-1: %+v", a)
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1: %+v", len(msgs), msgs)
	}
	m := msgs[0]
	if !strings.HasPrefix(m.Title, "Overnight shutdown: stopped 3, started 0, 0 failed") {
		t.Errorf("title %q: the two stops recorded now are not counted", m.Title)
	}
	if !strings.Contains(m.Text, "recorded now") || !strings.Contains(m.Text, "`i-1`") || !strings.Contains(m.Text, "`i-2`") || strings.Contains(m.Text, "`i-3`") {
		t.Errorf("text does not list the stops recorded now (and only them):\n%s", m.Text)
	}
	if len(m.Table.Rows) != 1 || m.Table.Rows[0][2] != "3" {
		t.Errorf("table %v", m.Table.Rows)
	}
}
