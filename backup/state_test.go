package backup

import (
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// With a state store, a restart (or a new leader) sends nothing already
// told: the second run after it sends no message at all, and a finding
// that is new after the restart is told as new, alone.
func TestServiceStateCarriesWhatWasToldAcrossARestart(t *testing.T) {
	h := newHarness(t, oneProdPolicy())
	h.state = state.NewTolerant(state.NewMemory(), nil)
	h.restart(t)
	seedStores(h.f())
	h.run(testNow, reconcile.Apply)
	if len(h.rec.Messages()) == 0 {
		t.Fatal("the first run told nothing")
	}
	n := len(h.rec.Messages())
	h.restart(t)
	h.run(testNow.Add(time.Hour), reconcile.Apply)
	if msgs := h.messagesSince(n); len(msgs) != 0 {
		t.Fatalf("after a restart with state, %d messages repeated; first %q", len(msgs), msgs[0].Title)
	}
	h.f().addVolume("vol-new", map[string]string{"BackupPolicy": "Gold"})
	h.restart(t)
	h.run(testNow.Add(2*time.Hour), reconcile.Apply)
	msgs := h.messagesSince(n)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Title, "(1 new)") {
		var titles []string
		for _, m := range msgs {
			titles = append(titles, m.Title)
		}
		t.Errorf("after a new finding and a restart: %q", titles)
	}
}
