package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/opsd-dev/opsd/reconcile"
)

// sampleActions are actions with cells of different widths, non-ASCII
// text, an empty cell, an error and characters JSON escapes.
func sampleActions() []reconcile.Action {
	return []reconcile.Action{
		{Service: "shutdown", Account: "111111111111", Region: "eu-west-2", Resource: "i-0abc", Action: "stop", Reason: "off period default (Tue 19:00 → Wed 07:00 Europe/London)", Status: reconcile.Done,
			Details: map[string]string{"kind": "ec2", "name": "<web> & \"api\""}},
		{Service: "shutdown", Account: "111111111111", Region: "us-east-1", Resource: "db-é-long-name", Action: "report", Reason: "tag OOOShutdown=\"yes\" is neither true nor false", Status: reconcile.Reported},
		{Service: "dlq", Account: "", Region: "eu-west-1", Resource: "q", Action: "archive", Reason: "", Status: reconcile.Failed, Error: "access denied"},
	}
}

// tabwriterTable is the table as text/tabwriter lays it out, all held.
func tabwriterTable(actions []reconcile.Action, header bool) string {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	if header {
		fmt.Fprintln(tw, "SERVICE\tACCOUNT\tREGION\tRESOURCE\tACTION\tSTATUS\tREASON")
	}
	for _, a := range actions {
		reason := a.Reason
		if a.Error != "" {
			reason += " — error: " + a.Error
		}
		resource := a.Resource
		if n := a.Details["name"]; n != "" {
			resource += " (" + n + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Service, a.Account, a.Region, resource, a.Action, a.Status, reason)
	}
	_ = tw.Flush()
	return b.String()
}

func TestPlanTableIsTabwriterLayout(t *testing.T) {
	multiline := append(sampleActions(), reconcile.Action{Service: "shutdown", Account: "2", Region: "r", Resource: "i-9", Action: "start", Status: reconcile.Failed,
		Reason: "on period", Error: "start failed:\n\tcause one\n\tcause two"})
	for name, actions := range map[string][]reconcile.Action{"plain": sampleActions(), "control characters": multiline} {
		for _, header := range []bool{true, false} {
			var got bytes.Buffer
			writeActions(&got, actions, header)
			if want := tabwriterTable(actions, header); got.String() != want {
				t.Errorf("%s, header %v: table\n%s\nwant\n%s", name, header, got.String(), want)
			}
		}
	}
	var named bytes.Buffer
	writeActions(&named, sampleActions()[:1], false)
	if !strings.Contains(named.String(), `i-0abc (<web> & "api")`) {
		t.Errorf("an instance's Name is not beside its id: %q", named.String())
	}
	var got bytes.Buffer
	writeActions(&got, nil, true)
	if got.String() != "  (nothing to do)\n" {
		t.Errorf("no actions: %q", got.String())
	}
}

func TestPlanJSONIsEncoderOutput(t *testing.T) {
	for _, actions := range [][]reconcile.Action{sampleActions(), sampleActions()[:1], nil} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		all := actions
		if all == nil {
			all = []reconcile.Action{}
		}
		if err := enc.Encode(all); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeJSON(&got, actions); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d actions: JSON\n%s\nwant\n%s", len(actions), got.String(), want.String())
		}
		var back []reconcile.Action
		if err := json.Unmarshal(got.Bytes(), &back); err != nil || len(back) != len(actions) {
			t.Errorf("%d actions: read back %d, %v", len(actions), len(back), err)
		}
		if len(actions) > 0 && !strings.Contains(got.String(), `"service": "shutdown"`) {
			t.Errorf("no service field:\n%s", got.String())
		}
	}
}
