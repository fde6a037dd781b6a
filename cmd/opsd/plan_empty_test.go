package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/reconcile"
)

// An empty plan says why: no service enabled, or AWS could not be read;
// "(nothing to do)" only when that is the truth.
func TestEmptyPlanSaysWhy(t *testing.T) {
	mototest.SetCredentialsEnv(t)
	path := writeConfig(t, "aws: {regions: [eu-west-2]}\n")
	code, out, stderr := opsd(t, "plan", "--config", path)
	if code != 0 || !strings.Contains(out, "no service is enabled in "+path) {
		t.Errorf("no service: exit %d, out %q, stderr %q", code, out, stderr)
	}
	failed := []reconcile.Result{{Service: "shutdown", Errors: []error{errors.New("get caller identity: connection refused")}}, {Service: "dlq"}}
	if got := emptyPlan(failed, path); !strings.Contains(got, "nothing planned: shutdown could not read AWS") {
		t.Errorf("failed run: %q", got)
	}
	if got := emptyPlan([]reconcile.Result{{Service: "shutdown"}}, path); got != "  (nothing to do)" {
		t.Errorf("nothing to do: %q", got)
	}
}

// Rows that change nothing are not "planned".
func TestRowsThatChangeNothingAreUnchanged(t *testing.T) {
	actions := []reconcile.Action{
		{Action: "none", Status: reconcile.Planned},
		{Action: "wait", Status: reconcile.Planned},
		{Action: "stop", Status: reconcile.Planned},
		{Action: "report", Status: reconcile.Reported},
	}
	markUnchanged(actions)
	want := []reconcile.Status{Unchanged, Unchanged, reconcile.Planned, reconcile.Reported}
	for i, a := range actions {
		if a.Status != want[i] {
			t.Errorf("%s: status %s, want %s", a.Action, a.Status, want[i])
		}
	}
}
