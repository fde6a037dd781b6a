package webpage

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/monitor"
	"github.com/opsd-dev/opsd/reconcile"
)

// coverageRowOf is the row monitor adds for one application's coverage
// (see monitor.CoverageOfAction).
func coverageRowOf(t *testing.T, account, app string, in, agent, alarmed int, gaps ...monitor.CoverageGap) reconcile.Action {
	t.Helper()
	b, err := json.Marshal(gaps)
	if err != nil {
		t.Fatal(err)
	}
	return reconcile.Action{Service: "monitor", Account: account, Region: "eu-west-2", Resource: "coverage:" + app, Action: "none",
		Status: reconcile.Planned, Reason: app + ": coverage", Details: map[string]string{"kind": "coverage", "application": app,
			"instances": strconv.Itoa(in), "agent_reporting": strconv.Itoa(agent), "fully_alarmed": strconv.Itoa(alarmed), "gaps": string(b)}}
}

func TestPageShowsMonitoringCoveragePerApplication(t *testing.T) {
	latest := &Latest{}
	latest.Observe(context.Background(), t0, reconcile.Result{Service: "monitor", Actions: []reconcile.Action{
		coverageRowOf(t, "111111111111", "payments", 3, 2, 1,
			monitor.CoverageGap{Instance: "i-0abc", Name: "web", Missing: []string{"disk", "memory"}, Why: []string{"agent: configured; waiting for agent metrics"}}),
		coverageRowOf(t, "222222222222", "orders", 2, 2, 2),
		{Service: "monitor", Account: "111111111111", Region: "eu-west-2", Resource: "opsd-ec2-i-0abc-cpu", Action: "create-alarm", Status: reconcile.Done, Reason: "missing"},
	}})
	_, body := get(t, Handler(Source{Latest: latest}), "/")
	i := strings.Index(body, `id="monitoring-coverage-table"`)
	if i < 0 {
		t.Fatalf("no monitoring coverage table:\n%s", body)
	}
	table := body[i:]
	table = table[:strings.Index(table, "</table>")]
	for _, want := range []string{
		"<td>orders</td><td>222222222222</td><td>eu-west-2</td><td>2</td>",
		"<td>payments</td><td>111111111111</td><td>eu-west-2</td><td>3</td>",
		`<td class="failed">2</td><td class="failed">1</td>`,
		"i-0abc (web): disk, memory — agent: configured; waiting for agent metrics",
		`<span class="ok">nothing</span>`,
	} {
		if !strings.Contains(table, want) {
			t.Errorf("coverage table lacks %q:\n%s", want, table)
		}
	}
	if strings.Index(table, "orders") > strings.Index(table, "payments") {
		t.Errorf("applications not in order:\n%s", table)
	}
	if strings.Contains(table, "opsd-ec2-i-0abc-cpu") {
		t.Errorf("an alarm change is in the coverage table:\n%s", table)
	}
	if strings.Contains(body[strings.Index(body, `id="findings"`):i], "coverage:payments") {
		t.Error("a coverage row is listed among the findings")
	}
}

func TestPageWithoutMonitorHasNoCoverageSection(t *testing.T) {
	src, _ := testSource(t)
	if _, body := get(t, Handler(src), "/"); strings.Contains(body, "Monitoring coverage") {
		t.Error("coverage section without a monitor result")
	}
}
