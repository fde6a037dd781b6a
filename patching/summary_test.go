package patching

import (
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/notify"
)

func TestScanReportSaysNothingWhenAllIsWell(t *testing.T) {
	p := testPlanner(t, nil)
	run := scanRunAt(tuesdayScan)
	it := newItem(inst("i-1", stateRunning), PurposeScan, run, ptr(online("Ubuntu")), VerbResult, "scanned")
	it.Outcome = &Outcome{Command: "c-1", Status: "Success", State: &PatchState{}}
	if r, ok := p.scanReport(run, []*Item{it}); ok {
		t.Errorf("report for an up-to-date fleet: %+v", r)
	}
}

func TestReportPlainTextForSNS(t *testing.T) {
	p := testPlanner(t, nil)
	run := scanRunAt(tuesdayScan)
	missing := newItem(inst("i-1", stateRunning, "Name=web"), PurposeScan, run, ptr(online("Windows")), VerbResult, "")
	missing.Outcome = &Outcome{Command: "c-1", Status: "Success", State: &PatchState{SecurityNonCompliant: 4}, Important: 4}
	skipped := newItem(inst("i-2", stateStopped), PurposeScan, run, nil, VerbReport, "not scanned: stopped")
	r, ok := p.scanReport(run, []*Item{skipped, missing})
	if !ok {
		t.Fatal("no report")
	}
	text := r.plain()
	for _, want := range []string{"Patch scan Tue 24 Nov 02:00 GMT: 1 instance missing critical or important patches, 1 not scanned",
		"i-1 | web | 123456789012 | eu-west-2", "Not scanned", "i-2 (123456789012/eu-west-2): stopped"} {
		if !strings.Contains(text, want) {
			t.Errorf("plain text lacks %q:\n%s", want, text)
		}
	}
	if strings.ContainsAny(text, "`*") {
		t.Errorf("plain text keeps Slack markup:\n%s", text)
	}
	if m := r.message(); m.Kind != notify.KindPatching || m.Severity != notify.Warning || !strings.Contains(m.Text, "*Not scanned*") {
		t.Errorf("message %+v", m)
	}
}

func TestTailKeepsTheEnd(t *testing.T) {
	if got := tail("short", 10); got != "short" {
		t.Errorf("tail = %q", got)
	}
	if got := tail("0123456789", 4); got != "…6789" {
		t.Errorf("tail = %q", got)
	}
	if got := tail("ééééé", 3); got != "…é" {
		t.Errorf("tail cut a rune: %q", got)
	}
}
