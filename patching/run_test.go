package patching

import (
	"strings"
	"testing"
	"time"
)

func TestRunCommentRoundTrip(t *testing.T) {
	start := time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
	long := strings.Repeat("w", maxWindowName)
	tests := []struct {
		run   Run
		first bool
		want  string
	}{
		{Run{Op: OpScan, Start: time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)}, false, "opsd scan 2026-11-24T02:00Z"},
		{Run{Op: OpInstall, Window: "default", Start: start}, false, "opsd install default 2026-11-29T01:00Z"},
		{Run{Op: OpInstall, Window: "default", Start: start}, true, "opsd install default 2026-11-29T01:00Z first"},
		{Run{Op: OpInstall, Window: long, Start: start}, true, "opsd install " + long + " 2026-11-29T01:00Z first"},
	}
	for _, tt := range tests {
		c := tt.run.Comment(tt.first)
		if c != tt.want {
			t.Errorf("Comment = %q, want %q", c, tt.want)
		}
		if len(c) > 100 {
			t.Errorf("comment %q is %d characters; SSM takes 100", c, len(c))
		}
		run, first, ok := parseComment(c)
		if !ok || first != tt.first || !sameRun(run, tt.run) {
			t.Errorf("parseComment(%q) = %+v %v %v", c, run, first, ok)
		}
	}
}

func TestRunStartInOtherZoneIsWrittenInUTC(t *testing.T) {
	r := Run{Op: OpScan, Start: time.Date(2026, 7, 1, 2, 0, 0, 0, london(t))}
	if got := r.Comment(false); got != "opsd scan 2026-07-01T01:00Z" {
		t.Errorf("Comment = %q", got)
	}
}

func TestParseCommentRejectsOthers(t *testing.T) {
	for _, c := range []string{
		"", "patch run", "opsd", "opsd scan", "opsd scan yesterday", "opsd install default",
		"opsd install default 2026-11-29T01:00Z second", "opsd scan 2026-11-24T02:00Z first",
		"Opsd scan 2026-11-24T02:00Z", "opsd reboot 2026-11-24T02:00Z",
	} {
		if r, _, ok := parseComment(c); ok {
			t.Errorf("parseComment(%q) = %+v, want not ours", c, r)
		}
	}
}

func TestWakeRoundTrip(t *testing.T) {
	w := wake{Run: Run{Op: OpInstall, Window: "nightly", Start: time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)}, Phase: phaseStarted, At: time.Date(2026, 11, 29, 0, 40, 0, 0, time.UTC)}
	s := w.String()
	if s != "nightly 2026-11-29T01:00Z started 2026-11-29T00:40:00Z" {
		t.Errorf("String = %q", s)
	}
	if len(s) > 256 {
		t.Errorf("tag value %d characters; AWS takes 256", len(s))
	}
	got, ok := parseWake(s)
	if !ok || !sameRun(got.Run, w.Run) || got.Phase != w.Phase || !got.At.Equal(w.At) {
		t.Errorf("parseWake = %+v %v", got, ok)
	}
	w.Phase, w.Why = phaseGaveUp, "it did not show   Online in SSM within 15m0s"
	got, ok = parseWake(w.String())
	if !ok || got.Why != "it did not show Online in SSM within 15m0s" || got.Phase != phaseGaveUp {
		t.Errorf("gave up: %q → %+v", w.String(), got)
	}
	for _, bad := range []string{"", "nightly", "nightly 2026-11-29T01:00Z slept 2026-11-29T00:40:00Z", "nightly tomorrow started 2026-11-29T00:40:00Z"} {
		if _, ok := parseWake(bad); ok {
			t.Errorf("parseWake(%q) ok", bad)
		}
	}
}

func TestMarks(t *testing.T) {
	scan := Run{Op: OpScan, Start: time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)}
	inst := Run{Op: OpInstall, Window: "default", Start: time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)}
	for _, tt := range []struct{ got, want string }{
		{scan.doneMark(), "2026-11-24T02:00Z"},
		{scan.skipMark(), "2026-11-24T02:00Z not-scanned"},
		{inst.doneMark(), "default 2026-11-29T01:00Z"},
		{inst.skipMark(), "default 2026-11-29T01:00Z not-patched"},
	} {
		if tt.got != tt.want {
			t.Errorf("mark = %q, want %q", tt.got, tt.want)
		}
	}
}
