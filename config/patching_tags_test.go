package config

import (
	"strings"
	"testing"
)

// The tags the patching service writes and the shutdown service reads must
// agree: a mismatch would make shutdown stop what patching woke, or leave
// off in the morning what it stopped for the night.
func TestPatchingAndShutdownTagKeysMustAgree(t *testing.T) {
	for _, tc := range []struct{ yaml, path string }{
		{"patching: {tags: {hold_until: my:hold}}\n", "patching.tags.hold_until"},
		{"patching: {tags: {stopped_at: my:stopped}}\n", "patching.tags.stopped_at"},
	} {
		_, err := parse(t, "aws: {regions: [eu-west-2]}\n"+tc.yaml)
		got := strings.Join(problems(t, err), "\n")
		if !strings.Contains(got, tc.path+": ") || !strings.Contains(got, "differs from shutdown.tags.") {
			t.Errorf("%s: problems %q, want one at %s", tc.yaml, got, tc.path)
		}
	}
	if _, err := parse(t, "aws: {regions: [eu-west-2]}\npatching: {tags: {stopped_at: my:stopped}}\nshutdown: {tags: {patching_stopped: my:stopped}}\n"); err != nil {
		t.Errorf("agreeing keys refused: %v", err)
	}
}
