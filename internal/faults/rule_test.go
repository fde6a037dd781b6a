package faults

import (
	"math/rand/v2"
	"testing"
)

// A rule matches on every field it sets, lets Skip calls through, then
// faults at most Times calls.
func TestRuleMatchSkipAndTimes(t *testing.T) {
	rs := &ruleState{Rule: Rule{Fault: Throttle, Operations: []string{"StopInstances"}, Service: "ec2",
		Account: "111111111111", Region: "eu-west-2", Skip: 1, Times: 2}}
	rnd := rand.New(rand.NewPCG(1, 2))
	match := Call{Service: "ec2", Operation: "StopInstances", Account: "111111111111", Region: "eu-west-2"}
	for _, other := range []Call{
		{Service: "ec2", Operation: "StartInstances", Account: "111111111111", Region: "eu-west-2"},
		{Service: "sts", Operation: "StopInstances", Account: "111111111111", Region: "eu-west-2"},
		{Service: "ec2", Operation: "StopInstances", Account: "222222222222", Region: "eu-west-2"},
		{Service: "ec2", Operation: "StopInstances", Account: "111111111111", Region: "eu-west-1"},
	} {
		if rs.fire(other, rnd) {
			t.Errorf("fired for %+v", other)
		}
	}
	var got []bool
	for range 5 {
		got = append(got, rs.fire(match, rnd))
	}
	want := []bool{false, true, true, false, false}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("fired %v, want %v (skip 1, then 2 times)", got, want)
		}
	}
}

// The fault names are what the figures print.
func TestFaultNames(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Faults() {
		name := f.String()
		if name == "fault(?)" || seen[name] {
			t.Errorf("fault %d has name %q", f, name)
		}
		seen[name] = true
	}
	if Fault(0).String() != "fault(?)" {
		t.Errorf("the zero fault is named %q", Fault(0))
	}
}

// An operation ending in "*" matches every operation it begins, so one
// rule covers S3's PUT of any key in a bucket.
func TestRuleOperationPrefix(t *testing.T) {
	r := Rule{Operations: []string{"PUT /archive/*", "DeleteMessageBatch"}}
	for op, want := range map[string]bool{
		"PUT /archive/dlq/1.json": true, "PUT /archive/": true, "DeleteMessageBatch": true,
		"GET /archive/dlq/1.json": false, "PUT /other/x": false, "DeleteMessage": false,
	} {
		if got := r.matches(Call{Operation: op}); got != want {
			t.Errorf("matches(%q) = %v, want %v", op, got, want)
		}
	}
}
