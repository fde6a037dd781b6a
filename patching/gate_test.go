package patching

import (
	"strings"
	"testing"
	"time"
)

func TestJudge(t *testing.T) {
	m := func(ids ...string) []string {
		var out []string
		for _, id := range ids {
			out = append(out, acct+"/"+region+"/"+id)
		}
		return out
	}
	tests := []struct {
		name    string
		ev      RingEvidence
		rate    float64
		passed  bool
		why     string
		failing int
	}{
		{"no instances", RingEvidence{}, 0, true, "", 0},
		{"all patched", RingEvidence{Members: m("i-1", "i-2")}, 0, true, "", 0},
		{"at the threshold", RingEvidence{Members: m("i-1", "i-2", "i-3", "i-4", "i-5", "i-6", "i-7", "i-8", "i-9", "i-10"), Failed: m("i-1")}, 0.1, true, "", 0},
		{"over the threshold", RingEvidence{Members: m("i-1", "i-2"), Failed: m("i-2")}, 0.1, false, "failure rate 1/2 (50%) is over 10%", 1},
		{"zero tolerance", RingEvidence{Members: m("i-1", "i-2"), Failed: m("i-2")}, 0, false, "is over 0%", 1},
		{"status check", RingEvidence{Members: m("i-1"), Impaired: map[string]string{m("i-1")[0]: "instance status check impaired"}}, 0.5, false, "i-1 fails its status checks (instance status check impaired)", 1},
		{"alarm", RingEvidence{Members: m("i-1", "i-2"), Alarms: map[string][]string{m("i-2")[0]: {"opsd-ec2-cpu-i-2", "app-latency"}}}, 0.5, false, "i-2 has alarms in ALARM since the install: app-latency, opsd-ec2-cpu-i-2", 1},
		{"all reasons", RingEvidence{Members: m("i-1", "i-2"), Failed: m("i-1"), Alarms: map[string][]string{m("i-2")[0]: {"a"}}}, 0, false, "failure rate", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			passed, why, failing := judge(tt.ev, tt.rate)
			if passed != tt.passed || len(failing) != tt.failing || tt.why != "" && !strings.Contains(strings.Join(why, "; "), tt.why) {
				t.Errorf("judge = %v %q %v", passed, why, failing)
			}
		})
	}
}

func TestToAlarm(t *testing.T) {
	for _, tt := range []struct {
		data, summary string
		want          bool
	}{
		{`{"version":"1.0","oldState":{"stateValue":"OK"},"newState":{"stateValue":"ALARM"}}`, "", true},
		{`{"newState":{"stateValue":"OK"}}`, "Alarm updated from ALARM to OK", false},
		{"", "Alarm updated from OK to ALARM", true},
		{"", "Alarm updated from ALARM to INSUFFICIENT_DATA", false},
	} {
		if got := toAlarm(tt.data, tt.summary); got != tt.want {
			t.Errorf("toAlarm(%q, %q) = %v", tt.data, tt.summary, got)
		}
	}
}

// The planner's rings: which ring an instance is in, what gate it waits
// for and when it would be patched, across a cycle.
func TestPlanRingsGates(t *testing.T) {
	p := testPlanner(t, ringsConfig)
	cycle := sundayWindow
	stgOpen := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	passed := &Rollout{Gates: map[string]*GateRecord{gateKey("staging", cycle): {Ring: "staging", After: "development", Cycle: cycle, Passed: true}},
		Lists: map[string]*PatchList{cycleKey(cycle): {Cycle: cycle, URLs: map[Platform]string{PlatformUbuntu: "s3://b/u.yaml"}, Patches: map[Platform][]string{PlatformUbuntu: {"openssl"}}}}}
	halted := &Rollout{Gates: map[string]*GateRecord{gateKey("staging", cycle): {Ring: "staging", After: "development", Cycle: cycle, Why: []string{"failure rate 1/2 (50%) is over 10%"}}}}
	noList := &Rollout{Gates: passed.Gates}
	tests := []struct {
		name    string
		id, env string
		ro      *Rollout
		now     time.Time
		verb    Verb
		gate    string
		patchAt string
		list    string
	}{
		{"development in its window", "i-dev", "development", nil, sundayWindow.Add(time.Minute), VerbInstall, "first ring", "2026-11-29T01:01:00Z", ""},
		{"not in a ring: its own window", "i-pre", "pre-prod", nil, sundayWindow.Add(time.Minute), VerbInstall, "", "", ""},
		{"staging before its window", "i-stg", "staging", nil, sundayWindow.Add(time.Hour), VerbNone, "waits for the gate after ring development's window", "2026-12-01T01:00:00Z", ""},
		{"staging open, not judged", "i-stg", "stg", nil, stgOpen.Add(time.Minute), VerbNone, "waits for the gate on ring development to be judged", "", ""},
		{"staging halted", "i-stg", "staging", halted, stgOpen.Add(time.Minute), VerbNone, "halted: ring development failed", "", ""},
		{"staging passed, no list yet", "i-stg", "staging", noList, stgOpen.Add(time.Minute), VerbNone, "waits for the patch list", "", ""},
		{"staging passed", "i-stg", "staging", passed, stgOpen.Add(time.Minute), VerbInstall, "installs the 1 patches ring development had installed", "2026-12-01T01:01:00Z", "s3://b/u.yaml"},
		{"production behind a halt", "i-prd", "prod", halted, stgOpen.Add(time.Minute), VerbNone, "rollout halted before ring staging", "", ""},
		{"production after staging passed", "i-prd", "production", passed, stgOpen.Add(time.Minute), VerbNone, "waits for the gate after ring staging's window", "2026-12-03T01:00:00Z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newObs(inst(tt.id, stateRunning, "TOPATCH", "Environment="+tt.env)).managed(online("Ubuntu"), tt.id)
			b.o.Rollout = tt.ro
			pl := p.Plan(b.o, tt.now)
			it := one(t, pl, tt.id, PurposeInstall, tt.verb)
			if tt.gate != "" && !strings.Contains(it.Gate, tt.gate) {
				t.Errorf("gate %q, want %q (reason %q)", it.Gate, tt.gate, it.Reason)
			}
			if tt.patchAt != "" && it.PatchAt.UTC().Format(time.RFC3339) != tt.patchAt {
				t.Errorf("patch at %s, want %s", it.PatchAt.UTC().Format(time.RFC3339), tt.patchAt)
			}
			if tt.verb == VerbInstall {
				if s := pl.Sends[it.Send]; s.OverrideList != tt.list {
					t.Errorf("override list %q, want %q", s.OverrideList, tt.list)
				}
			}
			a := it.action(0, nil, nil, time.UTC)
			if it.Ring != "" && (a.Details["ring"] != it.Ring || a.Details["gate"] == "") {
				t.Errorf("details %v", a.Details)
			}
		})
	}
}

func TestOverrideListYAML(t *testing.T) {
	got := string(overrideListYAML(map[string]string{"KB5034439": "2024-01 Security Update for Windows Server 2022 (KB5034439)", "KB1": "it's\n  odd"}))
	want := "patches:\n  - id: 'KB1'\n    title: 'it''s odd'\n  - id: 'KB5034439'\n    title: '2024-01 Security Update for Windows Server 2022 (KB5034439)'\n"
	if got != want {
		t.Errorf("got\n%s", got)
	}
}
