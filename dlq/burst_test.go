package dlq

import (
	"errors"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func TestIsDue(t *testing.T) {
	day := 24 * time.Hour
	sent := t0.Add(-3 * day)
	cases := []struct {
		name      string
		when      string
		sent      time.Time
		retention time.Duration
		margin    time.Duration
		now       time.Time
		want      bool
	}{
		{"before the margin", ArchiveOnExpiry, sent, 4 * day, day, t0.Add(-time.Second), false},
		{"at the deadline", ArchiveOnExpiry, sent, 4 * day, day, t0, true},
		{"after", ArchiveOnExpiry, sent, 4 * day, day, t0.Add(time.Hour), true},
		{"no margin", ArchiveOnExpiry, sent, 4 * day, 0, t0, false},
		{"arrival mode", ArchiveOnArrival, t0, 14 * day, day, t0, true},
		{"no SentTimestamp", ArchiveOnExpiry, time.Time{}, 4 * day, day, t0, true},
		{"unknown retention", ArchiveOnExpiry, t0, 0, day, t0, true},
		{"retention shorter than the margin", ArchiveOnExpiry, t0, time.Hour, day, t0, true},
	}
	for _, c := range cases {
		if got := isDue(c.when, c.sent, c.retention, c.margin, c.now); got != c.want {
			t.Errorf("%s: isDue = %v, want %v", c.name, got, c.want)
		}
	}
	if got := dueCutoff(4*day, day, t0); !got.Equal(sent) {
		t.Errorf("dueCutoff = %s, want %s", got, sent)
	}
}

// step is one observation of a queue in a burst test.
type step struct {
	at      time.Duration // after t0
	total   int64
	deleted int64 // opsd deleted after observing
	arrive  int64 // want arrivals
	alert   bool  // want an alert
}

func runSteps(t *testing.T, gap time.Duration, steps []step) {
	t.Helper()
	var m memory
	for i, s := range steps {
		now := t0.Add(s.at)
		n, _, m2 := m.arrivals(s.total, now)
		alert, m3 := m2.burst(n, now, gap)
		m = m3.deleted(s.deleted, now)
		if n != s.arrive || alert != s.alert {
			t.Errorf("step %d (at %s, total %d): arrivals %d alert %v, want %d %v", i, s.at, s.total, n, alert, s.arrive, s.alert)
		}
	}
}

func TestBurstsAreToldOnce(t *testing.T) {
	m := time.Minute
	cases := map[string][]step{
		"empty queue stays quiet":         {{0, 0, 0, 0, false}, {m, 0, 0, 0, false}},
		"first look at a non-empty queue": {{0, 5, 0, 5, true}, {m, 5, 0, 0, false}},
		"arrival into an empty queue, then more within the gap": {
			{0, 0, 0, 0, false}, {m, 2, 0, 2, true}, {2 * m, 3, 0, 1, false}, {30 * m, 10, 0, 7, false},
		},
		"a trickle that never stops is one burst": {
			{0, 0, 0, 0, false}, {m, 1, 0, 1, true}, {30 * m, 2, 0, 1, false}, {60 * m, 3, 0, 1, false}, {90 * m, 4, 0, 1, false},
		},
		"arrivals after a quiet gap are a new burst": {
			{0, 0, 0, 0, false}, {m, 1, 0, 1, true}, {m + time.Hour, 2, 0, 1, true},
		},
		"people drain the queue, new arrivals are told at once": {
			{0, 0, 0, 0, false}, {m, 3, 0, 3, true}, {2 * m, 0, 0, 0, false}, {3 * m, 1, 0, 1, true},
		},
		"opsd archives and deletes: no new alert while counts lag": {
			{0, 0, 0, 0, false}, {m, 4, 4, 4, true}, {2 * m, 4, 0, 0, false}, {3 * m, 0, 0, 0, false}, {4 * m, 0, 0, 0, false},
		},
		"opsd empties the queue, later arrivals within the gap are not re-told": {
			{0, 0, 0, 0, false}, {m, 4, 4, 4, true}, {2 * m, 0, 0, 0, false}, {5 * m, 2, 0, 2, false},
		},
		"arrivals hidden by lagging counts are found once the lag has passed": {
			{0, 10, 0, 10, true}, {2 * time.Hour, 10, 10, 0, false}, {2*time.Hour + m, 10, 0, 0, false}, {2*time.Hour + 4*m, 10, 0, 10, true},
		},
		"growth beyond what opsd deleted is arrivals at once": {
			{0, 10, 0, 10, true}, {2 * time.Hour, 10, 10, 0, false}, {2*time.Hour + m, 13, 0, 3, true},
		},
		"counts going down by themselves are not arrivals": {
			{0, 10, 0, 10, true}, {m, 7, 0, 0, false}, {2 * m, 7, 0, 0, false},
		},
	}
	for name, steps := range cases {
		t.Run(name, func(t *testing.T) { runSteps(t, time.Hour, steps) })
	}
}

func TestRemind(t *testing.T) {
	day := 24 * time.Hour
	q := Queue{Name: "q"}
	var m memory
	m.NonEmptySince = t0
	// CloudWatch: oldest message 23h old: not yet.
	remind, _, m := m.remind(q, 3, 23*time.Hour, true, t0, day)
	if remind {
		t.Fatal("reminded before remind_after")
	}
	remind, since, m := m.remind(q, 3, 25*time.Hour, true, t0.Add(2*time.Hour), day)
	if !remind || !since.Equal(t0.Add(-23*time.Hour)) {
		t.Fatalf("remind = %v since %s", remind, since)
	}
	// Not again within a day.
	if remind, _, _ := m.remind(q, 3, 30*time.Hour, true, t0.Add(7*time.Hour), day); remind {
		t.Error("reminded twice within remind_after")
	}
	// Again a day later.
	remind, _, m = m.remind(q, 3, 49*time.Hour, true, t0.Add(26*time.Hour), day)
	if !remind {
		t.Error("no second reminder a day later")
	}
	// Emptied: the clock resets.
	if remind, _, m2 := m.remind(q, 0, 0, false, t0.Add(60*time.Hour), day); remind || !m2.NonEmptySince.IsZero() {
		t.Error("a reminder for an empty queue")
	}
	// Off.
	if remind, _, _ := (memory{NonEmptySince: t0}).remind(q, 3, 100*time.Hour, true, t0, 0); remind {
		t.Error("reminded with remind_after 0")
	}
}

func TestReviewTagSilencesReminders(t *testing.T) {
	day := 24 * time.Hour
	reviewed := t0.Add(-2 * time.Hour)
	q := Queue{Name: "q", ReviewedAt: reviewed}
	// Everything arrived before the review: reviewed.
	m := memory{NonEmptySince: t0.Add(-3 * day), NewestArrival: t0.Add(-3 * time.Hour)}
	if remind, since, _ := m.remind(q, 3, 3*day, true, t0.Add(2*day), day); remind || !since.IsZero() {
		t.Errorf("remind = %v since %s after a review covering every message", remind, since)
	}
	// Something arrived after the review: unreviewed since the review.
	m.NewestArrival = t0.Add(-time.Hour)
	remind, since, _ := m.remind(q, 3, 3*day, true, t0.Add(day), day)
	if !remind || !since.Equal(reviewed) {
		t.Errorf("remind = %v since %s, want true since the review %s", remind, since, reviewed)
	}
	// Newest arrival unknown (after a restart): counts from the review.
	m.NewestArrival = time.Time{}
	if remind, since, _ := m.remind(q, 3, 3*day, true, t0.Add(time.Hour), day); remind || !since.Equal(reviewed) {
		t.Errorf("remind = %v since %s, want false since the review", remind, since)
	}
}

func TestScanDue(t *testing.T) {
	h := time.Hour
	cases := []struct {
		name    string
		m       memory
		visible int64
		when    string
		want    bool
	}{
		{"empty", memory{}, 0, ArchiveOnArrival, false},
		{"arrival mode", memory{LastScan: t0}, 1, ArchiveOnArrival, true},
		{"never scanned", memory{}, 1, ArchiveOnExpiry, true},
		{"scanned recently", memory{LastScan: t0.Add(-10 * time.Minute)}, 5, ArchiveOnExpiry, false},
		{"interval passed", memory{LastScan: t0.Add(-h)}, 5, ArchiveOnExpiry, true},
		{"more may be due", memory{LastScan: t0.Add(-time.Minute), MoreDue: true}, 5, ArchiveOnExpiry, true},
		{"arrivals since", memory{LastScan: t0.Add(-time.Minute), ArrivedSinceScan: true}, 5, ArchiveOnExpiry, true},
	}
	for _, c := range cases {
		if got := c.m.scanDue(c.visible, c.when, h, t0); got != c.want {
			t.Errorf("%s: scanDue = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestScannedRemembersWhetherMoreMayBeDue(t *testing.T) {
	for _, c := range []struct {
		o        archiveOutcome
		inFlight int64
		want     bool
	}{
		{archiveOutcome{Complete: true, Due: 5}, 0, false},
		{archiveOutcome{Complete: false, Due: 5}, 0, true},
		{archiveOutcome{Complete: false, Due: 0}, 0, false},
		// Messages in flight when the scan began (held by a process that
		// died, say) were not seen: they may be due when they come back.
		{archiveOutcome{Complete: true, Due: 5}, 30, true},
		{archiveOutcome{Complete: true, Due: 0}, 1, true},
		// A due message whose PUT or delete failed is still in the queue,
		// near its expiry: the next run tries it again rather than after
		// a scan interval.
		{archiveOutcome{Complete: true, Due: 5, Archived: 4, Deleted: 4, Kept: 1}, 0, true},
		// The first receive failed: the scan saw nothing, so it cannot
		// know that nothing is due.
		{archiveOutcome{Complete: false, Errors: []error{errors.New("receive from queue q: reset")}}, 0, true},
	} {
		m := memory{ArrivedSinceScan: true}.scanned(c.o, c.inFlight, t0)
		if m.MoreDue != c.want || m.ArrivedSinceScan || !m.LastScan.Equal(t0) {
			t.Errorf("scanned(%+v) = %+v", c.o, m)
		}
	}
}

func TestHumanAge(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 45 * time.Second: "45s", 90 * time.Second: "1m 30s", 2*time.Hour + 5*time.Minute + 9*time.Second: "2h 5m",
		3*24*time.Hour + 4*time.Hour: "3d 4h", 24 * time.Hour: "1d", -time.Second: "0s", time.Hour + 30*time.Second: "1h",
	} {
		if got := humanAge(d); got != want {
			t.Errorf("humanAge(%s) = %q, want %q", d, got, want)
		}
	}
}
