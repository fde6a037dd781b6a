package shutdown

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// The notice before the evening stop: each owner is told once, in one
// message, which of their resources stop and the tag that keeps one up;
// a resource kept up past the stop by a skip-until tag is not in it; a
// restart with the state store tells nothing again; the next evening's
// stop is told again.
func TestNoticeBeforeTheEveningStop(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NoticeBefore = 30 * time.Minute
	h := newHarness(t, cfg)
	store := state.NewTolerant(state.NewMemory(), nil)
	h.svc.deps.State = store
	owned := func(team string) map[string]string {
		tags := maps.Clone(dev())
		tags["TeamEmail"] = team
		return tags
	}
	f := h.f()
	f.ec2.add("i-a1", "running", owned("a@example.com"))
	f.ec2.add("i-a2", "running", owned("a@example.com"))
	f.ec2.add("i-b1", "running", owned("b@example.com"))
	kept := owned("b@example.com")
	kept["opsd:shutdown:skip-until"] = "22:00"
	f.ec2.add("i-kept", "running", kept)
	f.ec2.add("i-none", "running", dev())

	// A second replica that last led before the notices were sent.
	other := newHarness(t, cfg)
	other.fakes[acct] = f
	other.svc.deps.State = store
	other.run(t, "2026-11-24T17:55:00Z", reconcile.Apply)

	h.run(t, "2026-11-24T18:00:00Z", reconcile.Apply) // an hour before: too early
	if n := len(h.rec.Messages()); n != 0 {
		t.Fatalf("an hour before the stop: %d messages", n)
	}
	h.run(t, "2026-11-24T18:35:00Z", reconcile.Apply)
	msgs := h.rec.Messages()
	if len(msgs) != 3 {
		t.Fatalf("25 minutes before the stop: %d messages, want one per owner (a, b, no owner): %+v", len(msgs), msgs)
	}
	titles := map[string]string{}
	for _, m := range msgs {
		titles[m.Title] = m.Text
		var rows []string
		for _, r := range m.Table.Rows {
			rows = append(rows, r[0])
		}
		if strings.Contains(m.Title, "b@example.com") && strings.Join(rows, ",") != "i-b1" {
			t.Errorf("b's notice lists %v; i-kept is kept up past the stop", rows)
		}
		if strings.Contains(m.Title, "a@example.com") && (m.Labels.TeamEmail != "a@example.com" || m.Labels.Account != acct) {
			t.Errorf("a's notice is not labelled for routing to a: %+v", m.Labels)
		}
		if len(m.Buttons) != len(m.Table.Rows) {
			t.Errorf("%s: %d buttons for %d resources", m.Title, len(m.Buttons), len(m.Table.Rows))
		}
		for _, b := range m.Buttons {
			ref, err := ParseKeepUpRef(b.Value)
			if err != nil || b.ActionID != KeepUpAction || !ref.Until.Equal(at(t, "2026-11-24T22:00:00Z")) || !strings.HasPrefix(b.Text, "Keep "+ref.ID+" up until 22:00") {
				t.Errorf("button %+v: %+v, %v", b, ref, err)
			}
		}
	}
	for _, want := range []string{
		"Shutdown notice for a@example.com: 2 resources will stop at Tue 19:00 GMT",
		"Shutdown notice for b@example.com: 1 resource will stop at Tue 19:00 GMT",
		"Shutdown notice for resources with no owner tag: 1 resource will stop at Tue 19:00 GMT",
	} {
		text, ok := titles[want]
		if !ok {
			t.Errorf("no notice %q in %v", want, titles)
			continue
		}
		if !strings.Contains(text, "`opsd:shutdown:skip-until=HH:MM`") || !strings.Contains(text, "Key=opsd:shutdown:skip-until,Value=22:00") {
			t.Errorf("%s: the text does not say how to keep one up: %s", want, text)
		}
	}

	h.run(t, "2026-11-24T18:40:00Z", reconcile.Apply)
	restarted := newHarness(t, cfg)
	restarted.fakes[acct] = f
	restarted.svc.deps.State = store
	restarted.run(t, "2026-11-24T18:45:00Z", reconcile.Apply)
	if n := len(h.rec.Messages()) + len(restarted.rec.Messages()); n != 3 {
		t.Errorf("after a later run and a restart: %d messages in all, want the 3 notices only", n)
	}
	// The other replica leads again: it reads what was sent since it last
	// did, and sends nothing twice.
	other.run(t, "2026-11-24T18:50:00Z", reconcile.Apply)
	if n := len(other.rec.Messages()); n != 0 {
		t.Errorf("the other replica, leading again, sent %d notices already sent", n)
	}

	// The next evening, the same resources (started again in the
	// morning) are told again.
	restarted.run(t, "2026-11-25T18:40:00Z", reconcile.Apply)
	if n := len(restarted.rec.Messages()); n != 3 {
		t.Errorf("the next evening: %d notices, want 3", n)
	}
}

func TestNoticeBeforeIsValidated(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NoticeBefore = 13 * time.Hour
	errs := cfg.Validate("shutdown")
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "shutdown.notice_before: must be 0 (no notice) to 12h, got 13h0m0s") {
		t.Errorf("Validate = %v", errs)
	}
}

// A one-sided period whose on time ends in time left as it is (no stop)
// sends no notice of a stop.
func TestNoNoticeWhereNoStopFollows(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NoticeBefore = 30 * time.Minute
	cfg.Schedules["mornings"] = Schedule{Timezone: "Europe/London", Periods: []Period{{Days: []string{"mon-fri"}, On: "07:00"}}}
	h := newHarness(t, cfg)
	tags := maps.Clone(dev())
	tags["opsd:schedule"] = "mornings"
	h.f().ec2.add("i-1", "running", tags)
	// Tuesday 23:45: the on time ends at midnight, in time left as it is.
	h.run(t, "2026-11-24T23:45:00Z", reconcile.Apply)
	for _, m := range h.rec.Messages() {
		if strings.Contains(m.Text, "i-1") || strings.Contains(m.Title, "will stop") {
			t.Errorf("a notice of a stop that does not come: %+v", m)
		}
	}
}
