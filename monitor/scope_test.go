package monitor

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestJudge(t *testing.T) {
	def := testConfig()
	tagOnly := testConfig()
	tagOnly.Scope.By = []string{"tag"}
	envOnly := testConfig()
	envOnly.Scope.By = []string{"environment"}
	noSNS := testConfig()
	noSNS.Scope.Kinds = []string{"ec2"}
	tests := []struct {
		name     string
		cfg      Config
		kind     Kind
		tags     map[string]string
		watched  bool
		why      string
		shutdown bool
		problems int
	}{
		{"production", def, KindEC2, map[string]string{"Environment": "production"}, true, "environment production", false, 0},
		{"prod, any case", def, KindRDS, map[string]string{"Environment": "PROD"}, true, "environment PROD", false, 0},
		{"staging", def, KindEC2, map[string]string{"Environment": "staging"}, false, "environment staging is not watched and not opted in", false, 0},
		{"untagged", def, KindALB, map[string]string{}, false, "no Environment tag and not opted in", false, 0},
		{"opted in", def, KindEC2, map[string]string{"Environment": "dev", "opsd:monitor": "true", "OOOShutdown": "true"}, true, "opted in by tag opsd:monitor=true", true, 0},
		{"opted out in production", def, KindEC2, map[string]string{"Environment": "production", "opsd:monitor": "false"}, false, "opted out by tag opsd:monitor=false", false, 0},
		{"opted out of an every kind", def, KindSNS, map[string]string{"opsd:monitor": "False"}, false, "opted out by tag opsd:monitor=False", false, 0},
		{"every kind in staging", def, KindAPI, map[string]string{"Environment": "staging"}, true, "every REST API is watched", false, 0},
		{"malformed monitor tag", def, KindEC2, map[string]string{"Environment": "production", "opsd:monitor": "yes"}, true, "environment production", false, 1},
		{"by tag only ignores the environment", tagOnly, KindEC2, map[string]string{"Environment": "production"}, false, "environment production is not watched and not opted in", false, 0},
		{"by environment only ignores the opt-in", envOnly, KindEC2, map[string]string{"opsd:monitor": "true"}, false, "no Environment tag and not opted in", false, 0},
		{"kind not watched", noSNS, KindSNS, map[string]string{}, false, "sns resources are not watched (scope.kinds)", false, 0},
		{"shutdown tag set to false", def, KindEC2, map[string]string{"Environment": "production", "OOOShutdown": "false"}, true, "environment production", false, 0},
		{"out-of-hours tag present", def, KindEC2, map[string]string{"Environment": "production", "OutOfHoursShutdown": ""}, true, "environment production", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := judge(tt.cfg, &Resource{Kind: tt.kind, ID: "x", Tags: tt.tags}, time.Time{}, time.UTC)
			if st.watched != tt.watched || st.why != tt.why || st.shutdown != tt.shutdown || len(st.problems) != tt.problems {
				t.Errorf("judge = watched %v %q shutdown %v problems %v; want %v %q %v %d", st.watched, st.why, st.shutdown, st.problems, tt.watched, tt.why, tt.shutdown, tt.problems)
			}
		})
	}
}

func TestOverrideTags(t *testing.T) {
	tests := []struct {
		name       string
		kind       Kind
		tags       map[string]string
		thresholds map[string]float64
		off        []string
		problems   []string
	}{
		{"number", KindEC2, map[string]string{"opsd:monitor:cpu": "90"}, map[string]float64{"cpu": 90}, nil, nil},
		{"decimal with spaces", KindRDS, map[string]string{"opsd:monitor:memory": " 512.5 "}, map[string]float64{"memory": 512.5}, nil, nil},
		{"off", KindEC2, map[string]string{"opsd:monitor:diskio": "off", "opsd:monitor:status": "false"}, nil, []string{"diskio", "status"}, nil},
		{"not a number", KindEC2, map[string]string{"opsd:monitor:cpu": "ninety"}, nil, nil,
			[]string{`tag opsd:monitor:cpu="ninety" is not a valid threshold (%): not a number; the default is used`}},
		{"percent above 100", KindEC2, map[string]string{"opsd:monitor:memory": "120"}, nil, nil,
			[]string{`tag opsd:monitor:memory="120" is not a valid threshold (%): must be at most 100 (%); the default is used`}},
		{"negative count", KindDLQ, map[string]string{"opsd:monitor:messages": "-1"}, nil, nil,
			[]string{`tag opsd:monitor:messages="-1" is not a valid threshold (count): must be at least 0; the default is used`}},
		{"zero MiB", KindRDS, map[string]string{"opsd:monitor:memory": "0"}, nil, nil,
			[]string{`tag opsd:monitor:memory="0" is not a valid threshold (MiB): must be above 0 MiB; the default is used`}},
		{"metric of another kind", KindSNS, map[string]string{"opsd:monitor:cpu": "50"}, nil, nil,
			[]string{"tag opsd:monitor:cpu names no alarm of SNS topics (failed); ignored"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := judge(testConfig(), &Resource{Kind: tt.kind, ID: "x", Tags: tt.tags}, time.Time{}, time.UTC)
			if fmt.Sprint(st.thresholds) != fmt.Sprint(tt.thresholds) && !(len(st.thresholds) == 0 && len(tt.thresholds) == 0) {
				t.Errorf("thresholds = %v, want %v", st.thresholds, tt.thresholds)
			}
			var off []string
			for m := range st.off {
				off = append(off, m)
			}
			slices.Sort(off)
			if !slices.Equal(off, tt.off) {
				t.Errorf("off = %v, want %v", off, tt.off)
			}
			if !slices.Equal(st.problems, tt.problems) {
				t.Errorf("problems = %q, want %q", st.problems, tt.problems)
			}
		})
	}
}

func TestMalformedOverrideIsReportedAndNotApplied(t *testing.T) {
	r := ec2Resource("i-1", false, map[string]string{"Environment": "production", "opsd:monitor:cpu": "9O"})
	changes := NewPlanner(testConfig()).Plan(observation(r))
	var cpu *Alarm
	for _, c := range changes {
		if c.Name == "opsd-ec2-i-1-cpu" {
			cpu = c.alarm
		}
	}
	if cpu == nil || cpu.Threshold != 80 {
		t.Fatalf("cpu alarm = %+v, want the default threshold", cpu)
	}
	found := false
	for _, r := range reports(changes) {
		found = found || r == `i-1: tag opsd:monitor:cpu="9O" is not a valid threshold (%): not a number; the default is used`
	}
	if !found {
		t.Errorf("reports = %v", reports(changes))
	}
}
