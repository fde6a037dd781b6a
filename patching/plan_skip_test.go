package patching

import (
	"strings"
	"testing"
	"time"
)

// A skip-until tag keeps an instance out of its window until its time:
// no install, no start for patching; once passed, the tag is removed and
// the instance patched from the next reconcile; a value that cannot be
// read is reported and nothing is done.
func TestPlanInstallSkipUntil(t *testing.T) {
	p := wakePlanner(t)
	now := sundayWindow.Add(10 * time.Minute) // Sun 29 Nov 01:10 GMT, in the default window
	o := newObs(
		inst("i-skip", stateRunning, "TOPATCH", "opsd:patching:skip-until=2026-11-29T03:00:00Z"),
		inst("i-clock", stateStopped, "TOPATCH", "opsd:patching:skip-until=09:00"),
		inst("i-over", stateRunning, "TOPATCH", "opsd:patching:skip-until=01:00"),
		inst("i-bad", stateRunning, "TOPATCH", "opsd:patching:skip-until=next week"),
		inst("i-plain", stateRunning, "TOPATCH"),
	).managed(online("Ubuntu"), "i-skip", "i-clock", "i-over", "i-bad", "i-plain")
	pl := p.Plan(o.o, now)

	if it := one(t, pl, "i-skip", PurposeInstall, VerbNone); it.Reason != "skipped until Sun 29 Nov 03:00 GMT by tag opsd:patching:skip-until" {
		t.Errorf("skip: %q", it.Reason)
	}
	// A clock time is written back as the time it stands for.
	if it := one(t, pl, "i-clock", PurposeInstall, VerbAnchorSkip); !strings.Contains(it.Reason, "skipped until Sun 29 Nov 09:00 GMT") ||
		it.Change.Set["opsd:patching:skip-until"] != "2026-11-29T09:00:00Z" {
		t.Errorf("clock time: %q %+v", it.Reason, it.Change)
	}
	over := one(t, pl, "i-over", PurposeInstall, VerbClearSkip)
	if !strings.Contains(over.Reason, "passed at Sun 29 Nov 01:00 GMT: removed") || len(over.Change.Remove) != 1 || over.Change.Remove[0] != "opsd:patching:skip-until" {
		t.Errorf("passed: %+v", over)
	}
	if it := one(t, pl, "i-bad", PurposeInstall, VerbReport); !strings.Contains(it.Reason, `tag opsd:patching:skip-until="next week" is not an RFC 3339 time`) {
		t.Errorf("malformed: %q", it.Reason)
	}
	if len(pl.Sends) != 1 || strings.Join(pl.Sends[0].InstanceIDs, ",") != "i-plain" {
		t.Fatalf("sends %+v, want only i-plain", pl.Sends)
	}
	for _, it := range pl.Items {
		if it.Verb == VerbWake {
			t.Errorf("%s started for patching despite its skip-until", it.Instance.ID)
		}
	}

	// The next reconcile, the tag gone: i-over is patched.
	delete(o.o.Instances[2].Tags, "opsd:patching:skip-until")
	pl = p.Plan(o.o, now.Add(5*time.Minute))
	if got := verbs(pl, "i-over", PurposeInstall); got != "install" {
		t.Errorf("after the tag was removed: %q, want install", got)
	}
}
