package patching

import (
	"strings"
	"time"
)

// Operation is AWS-RunPatchBaseline's Operation parameter.
type Operation string

// The operations.
const (
	// OpScan looks for missing patches and reports them to Patch Manager.
	OpScan Operation = "Scan"
	// OpInstall installs missing patches.
	OpInstall Operation = "Install"
)

// Document is the SSM document every command runs.
const Document = "AWS-RunPatchBaseline"

// commentPrefix starts the comment of every command opsd sends.
const commentPrefix = "opsd"

// firstSuffix ends the comment of a first-wave install command.
const firstSuffix = "first"

// stampLayout is how a run's start is written in comments and tags: UTC,
// to the minute.
const stampLayout = "2006-01-02T15:04Z"

// Run is one occurrence of the scan schedule or of a patch window: the
// unit opsd sends commands for, follows and reports. Its key is written
// in the Comment of every SSM command sent for it, which is how a later
// reconcile, after a restart too, knows what was already sent.
type Run struct {
	// Op is what the run does.
	Op Operation
	// Window names the patch window of an install run; "" for a scan.
	Window string
	// Start is when the scan occurrence or the window starts, in UTC.
	Start time.Time
}

// IsZero reports whether r is no run.
func (r Run) IsZero() bool { return r.Op == "" }

// Label names the run without its operation: the start of a scan
// ("2026-11-24T02:00Z"), or the window and its start ("default
// 2026-11-29T01:00Z"). It is the value of the reported tags.
func (r Run) Label() string {
	stamp := r.Start.UTC().Format(stampLayout)
	if r.Op == OpScan {
		return stamp
	}
	return r.Window + " " + stamp
}

// String names the run for people and logs: "scan 2026-11-24T02:00Z",
// "install default 2026-11-29T01:00Z".
func (r Run) String() string {
	if r.IsZero() {
		return ""
	}
	return strings.ToLower(string(r.Op)) + " " + r.Label()
}

// Comment is the SSM command Comment of a command sent for the run, at
// most 100 characters with window names as [Config.Validate] allows
// them: "opsd scan 2026-11-24T02:00Z", "opsd install default
// 2026-11-29T01:00Z", with " first" for a first wave.
func (r Run) Comment(first bool) string {
	c := commentPrefix + " " + r.String()
	if first {
		c += " " + firstSuffix
	}
	return c
}

// parseComment reads a Comment that [Run.Comment] wrote, a hook's too
// ("opsd pre-install default 2026-11-29T01:00Z"); ok is false for any
// other comment.
func parseComment(s string) (r Run, first bool, ok bool) {
	f := strings.Fields(s)
	if len(f) < 3 || f[0] != commentPrefix {
		return Run{}, false, false
	}
	switch {
	case f[1] == "scan" && len(f) == 3:
		at, err := time.Parse(stampLayout, f[2])
		if err != nil {
			return Run{}, false, false
		}
		return Run{Op: OpScan, Start: at}, false, true
	case f[1] == "install" && (len(f) == 4 || len(f) == 5 && f[4] == firstSuffix):
		at, err := time.Parse(stampLayout, f[3])
		if err != nil {
			return Run{}, false, false
		}
		return Run{Op: OpInstall, Window: f[2], Start: at}, len(f) == 5, true
	case (f[1] == string(opPreInstall) || f[1] == string(opPostInstall)) && len(f) == 4:
		at, err := time.Parse(stampLayout, f[3])
		if err != nil {
			return Run{}, false, false
		}
		return Run{Op: Operation(f[1]), Window: f[2], Start: at}, false, true
	}
	return Run{}, false, false
}

// The suffixes of a reported tag's value when the instance was reported
// as left out of the run rather than with a result.
const (
	notScanned = "not-scanned"
	notPatched = "not-patched"
)

// doneMark is the reported tag's value once the instance's result in the
// run was reported.
func (r Run) doneMark() string { return r.Label() }

// skipMark is the reported tag's value once the instance was reported as
// left out of the run (not managed, stopped, ...).
func (r Run) skipMark() string {
	if r.Op == OpScan {
		return r.Label() + " " + notScanned
	}
	return r.Label() + " " + notPatched
}

// Wake phases, as written in the woken tag.
const (
	phaseStarted = "started"
	phaseGaveUp  = "gave-up"
)

// wake is opsd's record, in the woken tag, of an instance it started for
// a window occurrence.
type wake struct {
	Run   Run
	Phase string
	// At is when opsd started it (phaseStarted) or gave up on it.
	At time.Time
	// Why says why opsd gave up (phaseGaveUp), or is "".
	Why string
}

// maxWhy bounds the reason kept in the woken tag (tag values take 256
// characters).
const maxWhy = 160

// String is the tag value: "default 2026-11-29T01:00Z started
// 2026-11-29T00:40:00Z", and after a gave-up time, why.
func (w wake) String() string {
	s := w.Run.Label() + " " + w.Phase + " " + w.At.UTC().Format(time.RFC3339)
	if why := strings.Join(strings.Fields(w.Why), " "); why != "" {
		if len(why) > maxWhy {
			why = why[:maxWhy]
		}
		s += " " + why
	}
	return s
}

// parseWake reads a woken tag's value.
func parseWake(s string) (wake, bool) {
	f := strings.Fields(s)
	if len(f) < 4 || (f[2] != phaseStarted && f[2] != phaseGaveUp) {
		return wake{}, false
	}
	start, err := time.Parse(stampLayout, f[1])
	if err != nil {
		return wake{}, false
	}
	at, err := time.Parse(time.RFC3339, f[3])
	if err != nil {
		return wake{}, false
	}
	return wake{Run: Run{Op: OpInstall, Window: f[0], Start: start}, Phase: f[2], At: at, Why: strings.Join(f[4:], " ")}, true
}

// sameRun reports whether a and b are the same run; window names compare
// case-insensitively.
func sameRun(a, b Run) bool {
	return a.Op == b.Op && strings.EqualFold(a.Window, b.Window) && a.Start.Equal(b.Start)
}
