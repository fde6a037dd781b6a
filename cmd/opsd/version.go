package main

import (
	"fmt"
	"runtime/debug"
	"strings"
	"time"
)

// version, commit and date are set at build time, as make build, make image
// and make release do with what scripts/version.sh says (the version from
// the VERSION file at the top of the repository):
//
//	-ldflags "-X main.version=v0.2.0 -X main.commit=abc1234 -X main.date=2026-12-03"
//
// Left unset, they are read from the build information the Go toolchain
// records (see [currentBuild]).
var (
	version = "dev"
	commit  = ""
	date    = ""
)

// build says which opsd this is.
type build struct {
	// Version is the version from VERSION: v0.2.0 from the release commit,
	// v0.2.0-dev+abc1234 from a commit between releases (scripts/version.sh).
	Version string
	// Commit is the abbreviated git commit the binary was built from.
	Commit string
	// Date is the day (UTC, YYYY-MM-DD) of that commit.
	Date string
}

// String is what opsd version prints: opsd v0.2.0 (commit abc1234, built 2026-12-03).
func (b build) String() string {
	return fmt.Sprintf("opsd %s (commit %s, built %s)", b.Version, b.Commit, b.Date)
}

// currentBuild is this binary's build, from the linker flags or else from
// the build information.
func currentBuild() build {
	info, _ := debug.ReadBuildInfo()
	return resolveBuild(version, commit, date, info)
}

// resolveBuild fills what the linker flags left unset from info: the
// module version (go install ...@v0.2.0, or the toolchain's pseudo-version
// from git above a release tag), vcs.revision (with -dirty when
// vcs.modified) and vcs.time. A v0.0.0- pseudo-version, which only says no
// tag is below the commit, is "dev": the VERSION file is not in the build
// information, so without the Makefile a build says dev and its commit.
// What neither gives is "dev" or "unknown".
func resolveBuild(version, commit, date string, info *debug.BuildInfo) build {
	b := build{Version: version, Commit: commit, Date: date}
	settings := map[string]string{}
	if info != nil {
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
	}
	if b.Version == "" || b.Version == "dev" {
		b.Version = "dev"
		if info != nil && info.Main.Version != "" && info.Main.Version != "(devel)" && !strings.HasPrefix(info.Main.Version, "v0.0.0-") {
			b.Version = info.Main.Version
		}
	}
	if b.Commit == "" {
		b.Commit = "unknown"
		if rev := settings["vcs.revision"]; rev != "" {
			b.Commit = rev[:min(7, len(rev))]
			if settings["vcs.modified"] == "true" {
				b.Commit += "-dirty"
			}
		}
	}
	if b.Date == "" {
		b.Date = "unknown"
		if t, err := time.Parse(time.RFC3339, settings["vcs.time"]); err == nil {
			b.Date = t.UTC().Format(time.DateOnly)
		}
	}
	b.Version = strings.TrimSpace(b.Version)
	return b
}
