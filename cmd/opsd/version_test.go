package main

import (
	"regexp"
	"runtime/debug"
	"testing"
)

func TestResolveBuild(t *testing.T) {
	vcs := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/opsd-dev/opsd", Version: "v0.0.0-20261203140311-ed7982dc6c63+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "ed7982dc6c633eb63f37941263517618f5eebf43"},
			{Key: "vcs.time", Value: "2026-12-03T23:30:00-02:00"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	installed := &debug.BuildInfo{Main: debug.Module{Path: "github.com/opsd-dev/opsd", Version: "v0.2.0"}}
	aboveTag := &debug.BuildInfo{
		Main:     debug.Module{Path: "github.com/opsd-dev/opsd", Version: "v0.2.1-0.20261203140311-ed7982dc6c63"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "ed7982dc6c633eb63f37941263517618f5eebf43"}},
	}
	devel := &debug.BuildInfo{Main: debug.Module{Path: "github.com/opsd-dev/opsd", Version: "(devel)"}}
	for _, tc := range []struct {
		name                  string
		version, commit, date string
		info                  *debug.BuildInfo
		want                  string
	}{
		{"ldflags", "v0.2.0", "abc1234", "2026-12-03", vcs, "opsd v0.2.0 (commit abc1234, built 2026-12-03)"},
		{"ldflags between releases", "v0.2.0-dev+abc1234", "abc1234", "2026-12-03", vcs, "opsd v0.2.0-dev+abc1234 (commit abc1234, built 2026-12-03)"},
		{"vcs stamping, no tag below", "dev", "", "", vcs, "opsd dev (commit ed7982d-dirty, built 2026-12-04)"},
		{"vcs stamping above a tag", "dev", "", "", aboveTag, "opsd v0.2.1-0.20261203140311-ed7982dc6c63 (commit ed7982d, built unknown)"},
		{"go install @v0.2.0", "dev", "", "", installed, "opsd v0.2.0 (commit unknown, built unknown)"},
		{"empty injected version", "", "abc1234", "2026-12-03", devel, "opsd dev (commit abc1234, built 2026-12-03)"},
		{"nothing known", "dev", "", "", nil, "opsd dev (commit unknown, built unknown)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolveBuild(tc.version, tc.commit, tc.date, tc.info).String(); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestVersionOutput(t *testing.T) {
	code, out, _ := opsd(t, "version")
	if code != 0 || !regexp.MustCompile(`^opsd \S+ \(commit \S+, built \S+\)\n$`).MatchString(out) {
		t.Errorf("version: exit %d, %q; want opsd VERSION (commit C, built DATE)", code, out)
	}
}
