package patching

import (
	"strings"
	"testing"
	"time"
)

func TestTargeting(t *testing.T) {
	p := testPlanner(t, func(c *Config) {
		c.Windows["Nightly-EU"] = Window{Schedule: "0 23 * * *"}
	})
	tests := []struct {
		tags    []string
		scan    bool
		window  string // "" = none
		tagged  bool
		problem string
	}{
		{tags: nil},
		{tags: []string{"TOSCAN"}, scan: true},
		{tags: []string{"TOSCAN=true"}, scan: true},
		{tags: []string{"TOSCAN=yes"}, scan: true},
		{tags: []string{"TOSCAN=false"}},
		{tags: []string{"TOSCAN= FALSE "}},
		{tags: []string{"toscan=true", "topatch=true", "ToPatch"}},
		{tags: []string{"TOPATCH"}, window: "default", tagged: true},
		{tags: []string{"TOPATCH=true"}, window: "default", tagged: true},
		{tags: []string{"TOPATCH=True"}, window: "default", tagged: true},
		{tags: []string{"TOPATCH=false"}},
		{tags: []string{"TOPATCH=nightly-eu"}, window: "Nightly-EU", tagged: true},
		{tags: []string{"TOPATCH= Nightly-EU "}, window: "Nightly-EU", tagged: true},
		{tags: []string{"TOPATCH=nightly"}, tagged: true, problem: `TOPATCH="nightly" names no patch window (windows: Nightly-EU, default)`},
		{tags: []string{"TOPATCH=yes"}, tagged: true, problem: "names no patch window"},
		{tags: []string{"TOSCAN", "TOPATCH"}, scan: true, window: "default", tagged: true},
	}
	for _, tt := range tests {
		i := inst("i-1", stateRunning, tt.tags...)
		if got := p.wantsScan(i); got != tt.scan {
			t.Errorf("%v: wantsScan = %v", tt.tags, got)
		}
		w, tagged, problem := p.patchWindow(i)
		name := ""
		if w != nil {
			name = w.name
		}
		if name != tt.window || tagged != tt.tagged || (tt.problem == "") != (problem == "") || !strings.Contains(problem, tt.problem) {
			t.Errorf("%v: patchWindow = %q %v %q", tt.tags, name, tagged, problem)
		}
	}
}

func TestTagKeysAreConfigurable(t *testing.T) {
	p := testPlanner(t, func(c *Config) {
		c.Tags.Scan, c.Tags.Patch = "patching:scan", "patching:install"
	})
	if !p.wantsScan(inst("i-1", stateRunning, "patching:scan")) || p.wantsScan(inst("i-1", stateRunning, "TOSCAN")) {
		t.Error("scan key not honoured")
	}
	if _, tagged, _ := p.patchWindow(inst("i-1", stateRunning, "patching:install")); !tagged {
		t.Error("patch key not honoured")
	}
}

func TestWindowOccurrences(t *testing.T) {
	p := testPlanner(t, func(c *Config) {
		c.Windows["ny"] = Window{Schedule: "30 22 * * fri", Duration: 90 * time.Minute, Timezone: "America/New_York"}
	})
	def := p.window("default")
	tests := []struct {
		w          *window
		now        string
		start, end string
		live       bool
		next       string
	}{
		// Sunday 01:00–04:00 London, GMT in winter.
		{def, "2026-11-29T00:59:00Z", "2026-11-22T01:00:00Z", "2026-11-22T04:00:00Z", false, "2026-11-29T01:00:00Z"},
		{def, "2026-11-29T01:00:00Z", "2026-11-29T01:00:00Z", "2026-11-29T04:00:00Z", true, "2026-12-06T01:00:00Z"},
		{def, "2026-11-29T03:59:59Z", "2026-11-29T01:00:00Z", "2026-11-29T04:00:00Z", true, "2026-12-06T01:00:00Z"},
		{def, "2026-11-29T04:00:00Z", "2026-11-29T01:00:00Z", "2026-11-29T04:00:00Z", false, "2026-12-06T01:00:00Z"},
		// BST: 01:00 London is 00:00 UTC.
		{def, "2026-06-07T00:30:00Z", "2026-06-07T00:00:00Z", "2026-06-07T03:00:00Z", true, "2026-06-14T00:00:00Z"},
		// Its own timezone: Friday 22:30 New York (EST) is Saturday 03:30 UTC.
		{p.window("NY"), "2026-11-28T04:00:00Z", "2026-11-28T03:30:00Z", "2026-11-28T05:00:00Z", true, "2026-12-05T03:30:00Z"},
	}
	for _, tt := range tests {
		now := at(t, tt.now)
		occ, ok := tt.w.latest(now)
		if !ok || !occ.Start.Equal(at(t, tt.start)) || !occ.End.Equal(at(t, tt.end)) {
			t.Errorf("%s at %s: latest %+v", tt.w.name, tt.now, occ)
		}
		if live := now.Before(occ.End); live != tt.live {
			t.Errorf("%s at %s: live %v", tt.w.name, tt.now, live)
		}
		if next, _ := tt.w.next(now); !next.Start.Equal(at(t, tt.next)) {
			t.Errorf("%s at %s: next %s", tt.w.name, tt.now, next.Start)
		}
	}
}
