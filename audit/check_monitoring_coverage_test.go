package audit

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/monitor"
)

func TestMonitoringCoverage(t *testing.T) {
	runCheck(t, checkMonitoringCoverage(), []checkCase{
		{name: "applications", inv: Inventory{MonitorCoverage: MonitorCoverage{On: true, Applications: []monitor.Coverage{
			{Account: testAccount, Region: testRegion, Application: "orders", Instances: 2, AgentReporting: 2, FullyAlarmed: 2},
			{Account: testAccount, Region: testRegion, Application: "pay", Instances: 3, AgentReporting: 2, FullyAlarmed: 1, Gaps: []monitor.CoverageGap{
				{Instance: "i-new", Name: "web", Missing: []string{"disk", "memory"}, Why: []string{"agent: configured; waiting for agent metrics", "disk: configured; waiting for agent metrics", "memory: configured; waiting for agent metrics"}},
				{Instance: "i-old", Agent: true, Missing: []string{"cpu"}, Why: []string{"cpu: alarm opsd-ec2-i-old-cpu not created yet"}},
			}},
			{Account: testAccount, Region: testRegion, Application: monitor.NoApplication, Instances: 1, FullyAlarmed: 1, Gaps: []monitor.CoverageGap{
				{Instance: "i-bare", Why: []string{"agent: instance is not managed by SSM"}},
			}},
		}}}, want: map[string]want{
			"orders": {Pass, "2 instances in scope: the agent reports and every alarm exists on each"},
			"pay": {Fail, "2 of 3 instances in scope short of monitoring (agent reporting on 2, every alarm on 1): " +
				"i-new (web): disk, memory — agent: configured; waiting for agent metrics; disk: configured; waiting for agent metrics; memory: configured; waiting for agent metrics; " +
				"i-old: cpu — cpu: alarm opsd-ec2-i-old-cpu not created yet"},
			Untagged: {Fail, "1 of 1 instance in scope short of monitoring (agent reporting on 0, every alarm on 1): i-bare: no agent — agent: instance is not managed by SSM"},
		}},
		{name: "monitor off", inv: Inventory{}, want: map[string]want{}},
	})
}

func TestMonitoringCoverageFindingsBelongToTheirApplication(t *testing.T) {
	inv := &Inventory{Account: testAccount, Region: testRegion, MonitorCoverage: MonitorCoverage{On: true, Applications: []monitor.Coverage{
		{Application: "pay", Instances: 1, Gaps: []monitor.CoverageGap{{Instance: "i-1"}}},
		{Application: monitor.NoApplication, Instances: 1, Gaps: []monitor.CoverageGap{{Instance: "i-2"}}},
	}}}
	fs, _ := evaluate([]Check{checkMonitoringCoverage()}, defaultRules(), inv)
	if len(fs) != 2 || fs[0].Application != "pay" || fs[1].Application != Untagged || fs[0].Kind != KindMonitoredInstances {
		t.Errorf("findings = %+v, want pay's and the untagged instances'", fs)
	}
}

func TestMonitorCoverageCollector(t *testing.T) {
	var inv Inventory
	if err := collectMonitorCoverage(context.Background(), Clients{}, &inv); err != nil || inv.MonitorCoverage.On || inv.MonitorCoverage.Applications != nil {
		t.Errorf("monitor off: %v, %+v; want nothing", err, inv.MonitorCoverage)
	}
	denied := errors.New("AccessDenied: ssm:DescribeInstanceInformation")
	c := Clients{MonitorCoverage: func(context.Context) ([]monitor.Coverage, error) {
		return []monitor.Coverage{{Application: "pay", Instances: 1}}, denied
	}}
	err := collectMonitorCoverage(context.Background(), c, &inv)
	if !errors.Is(err, denied) || !strings.Contains(err.Error(), "measure monitoring coverage") {
		t.Errorf("error = %v, want it wrapped naming the action", err)
	}
	if !inv.MonitorCoverage.On || inv.MonitorCoverage.Applications != nil {
		t.Errorf("coverage kept from a partial read: %+v", inv.MonitorCoverage)
	}
	// What a failed read leaves is not judged: the check is not assessed.
	inv.Failed = map[Source]error{SourceMonitorCoverage: err}
	g := gaps([]Check{checkMonitoringCoverage()}, &inv)
	if len(g) != 1 || g[0].Source != SourceMonitorCoverage || len(g[0].Checks) != 1 || g[0].Checks[0] != "monitoring.coverage" {
		t.Errorf("gaps = %+v, want monitor-coverage leaving monitoring.coverage unassessed", g)
	}
}
