package audit

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// A restarted daemon (or a new leader) with the state store compares the
// next assessment with the last one made before the restart, says what
// changed rather than "First assessment", and serves the last report at
// /report before its first run. Without the store it starts afresh.
func TestStateCarriesTheLatestReportAcrossARestart(t *testing.T) {
	store := state.NewTolerant(state.NewMemory(), nil)
	h := newHarness(t, DefaultConfig())
	h.svc.deps.State = store
	f := h.fakes[testAccount]
	seedEstate(f)
	h.run(t, 4, reconcile.Apply)

	restarted := newHarness(t, DefaultConfig())
	restarted.fakes[testAccount] = f
	restarted.svc.deps.State = store
	if rep := restarted.svc.Latest(); rep == nil || len(rep.Applications) == 0 {
		t.Fatalf("before its first run the restarted service serves %v, want the saved report", rep)
	}
	f.buckets[1].blocked = true
	restarted.run(t, 5, reconcile.Apply)
	msgs := restarted.rec.Messages()
	if len(msgs) != 1 || strings.Contains(msgs[0].Text, "First assessment") || !strings.Contains(msgs[0].Title, "1 fixed") {
		t.Fatalf("after a restart with state: %+v", msgs)
	}

	fresh := newHarness(t, DefaultConfig())
	fresh.fakes[testAccount] = f
	fresh.run(t, 6, reconcile.Apply)
	if m := fresh.rec.Messages(); len(m) != 1 || !strings.Contains(m[0].Text, "First assessment") {
		t.Errorf("without state: %+v", m)
	}
}

func TestSavedReportRoundTrips(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	seedEstate(h.fakes[testAccount])
	rep, _ := h.svc.Assess(context.Background(), time.Date(2026, 5, 4, 6, 0, 0, 0, time.UTC))
	saved, err := packReport(rep)
	if err != nil {
		t.Fatal(err)
	}
	back, err := saved.unpack()
	if err != nil || len(back.Applications) != len(rep.Applications) || !back.GeneratedAt.Equal(rep.GeneratedAt) {
		t.Fatalf("round trip: %v, %d applications", err, len(back.Applications))
	}
	if _, err := (savedReport{Gzip: []byte("not gzip")}).unpack(); err == nil {
		t.Error("garbage unpacked")
	}
}
