package monitor

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/reconcile"
)

func TestCoveragePerApplication(t *testing.T) {
	cfg := installConfig()
	cfg.Scope.Kinds = []string{"ec2", "asg"}
	prod := func(app string) map[string]string {
		return map[string]string{"Environment": "production", "Application": app}
	}
	full := ec2Resource("i-full", false, prod("orders"))
	bare := ec2Resource("i-bare", false, prod("orders"))
	bare.State = "running"
	member := ec2Resource("i-member", false, prod("shop"))
	member.Group = "shop-asg"
	dev := ec2Resource("i-dev", false, map[string]string{"Environment": "development", "Application": "orders"})
	obs := observation(full, bare, member, dev)
	obs.ParametersListed, obs.ManagedListed, obs.CommandsListed = true, true, true
	obs.Managed = map[string]string{"i-bare": "Online"}
	obs.Metrics = []Metric{
		metric("CWAgent", linuxMemory, "InstanceId", "i-full"), metric("CWAgent", linuxDisk, "InstanceId", "i-full", "path", "/", "fstype", "xfs"),
		metric("CWAgent", linuxMemory, "InstanceId", "i-member", "AutoScalingGroupName", "shop-asg"),
	}
	pl, changes := NewPlanner(cfg).plan(obs)
	// Every create went through, so i-full has all it should.
	for _, c := range changes {
		c.done = c.acts()
	}
	cov := measureCoverage(testAccount, testRegion, obs, pl.expectations(), pl.agent, changes, "Application")
	if len(cov) != 2 {
		t.Fatalf("coverage = %+v", cov)
	}
	orders, shop := cov[0], cov[1]
	if orders.Application != "orders" || orders.Instances != 2 || orders.AgentReporting != 1 || orders.FullyAlarmed != 1 {
		t.Errorf("orders = %s", orders)
	}
	if len(orders.Gaps) != 1 || orders.Gaps[0].Instance != "i-bare" || !slices.Equal(orders.Gaps[0].Missing, []string{MetricDisk, MetricMemory}) ||
		!strings.Contains(orders.Gaps[0].String(), "install sent") {
		t.Errorf("orders gaps = %+v", orders.Gaps)
	}
	// A group's member needs no per-instance alarm: it is covered.
	if shop.Instances != 1 || shop.AgentReporting != 1 || shop.FullyAlarmed != 1 || len(shop.Gaps) != 0 {
		t.Errorf("shop = %s %+v", shop, shop.Gaps)
	}
	for _, c := range changes {
		if c.Object == ObjectAlarm && strings.Contains(c.Name, "i-member") {
			t.Errorf("member gets %s", c.Name)
		}
	}
}

func TestCoverageRowsInTheResultRoundTrip(t *testing.T) {
	h := newHarness(t, serviceConfig())
	h.f().addInstance("i-web", prod())
	res := h.run(reconcile.Apply)
	var rows []reconcile.Action
	for _, a := range res.Actions {
		if _, ok := CoverageOfAction(a); ok {
			rows = append(rows, a)
		}
	}
	if len(rows) != 1 {
		t.Fatalf("coverage rows = %+v, want one", rows)
	}
	row := rows[0]
	if row.Action != "none" || row.Status != reconcile.Planned || row.Resource != "coverage:(none)" || row.Account != testAccount || row.Region != testRegion {
		t.Errorf("row = %+v, want none planned on coverage:(none) in %s/%s", row, testAccount, testRegion)
	}
	got, _ := CoverageOfAction(row)
	want := h.svc.Coverage()
	if len(want) != 1 || !reflect.DeepEqual(got, want[0]) {
		t.Errorf("row carries %+v\nwant %+v", got, want)
	}
	if len(got.Gaps) != 1 || got.Gaps[0].Instance != "i-web" || !slices.Contains(got.Gaps[0].Missing, MetricMemory) {
		t.Errorf("gaps = %+v, want i-web short of memory", got.Gaps)
	}
	if _, ok := CoverageOfAction(reconcile.Action{Service: ServiceName, Resource: "coverage:x", Details: map[string]string{"kind": "coverage", "instances": "many"}}); ok {
		t.Error("a row with a malformed count was read as coverage")
	}
}
