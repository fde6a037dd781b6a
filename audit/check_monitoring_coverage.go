package audit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/monitor"
)

// KindMonitoredInstances is one application's EC2 instances in the
// monitor service's scope, judged together.
const KindMonitoredInstances Kind = "monitored-instances"

// SourceMonitorCoverage is the monitor service's planner, run read-only:
// which instances are in its scope, whose CloudWatch agent reports, and
// which alarms each should have and has.
const SourceMonitorCoverage Source = "monitor-coverage"

// MonitorCoverage is the monitor service's coverage of one account and
// region.
type MonitorCoverage struct {
	// On says the monitor service is on, and its coverage was measured.
	On bool
	// Applications are the coverage of each application's instances;
	// none when it could not be measured.
	Applications []monitor.Coverage
}

// MonitorCoverageFunc measures one account and region's monitoring
// coverage read-only (see [monitor.Service.CoverageOf]).
type MonitorCoverageFunc func(ctx context.Context) ([]monitor.Coverage, error)

// checkMonitoringCoverage: every EC2 instance in the monitor service's
// scope has the CloudWatch agent reporting (memory and disk exist only
// through it) and every alarm monitor would give it. The rules are
// monitor's own: the check runs monitor's planner read-only, so it
// expects exactly what monitor provisions, no more.
func checkMonitoringCoverage() Check {
	return Check{
		ID:       "monitoring.coverage",
		Pillar:   PillarMonitoring,
		Severity: Warning,
		Title:    "Instances in monitoring's scope have the CloudWatch agent reporting and every alarm",
		Kinds:    []Kind{KindMonitoredInstances},
		Evaluate: func(r *Rules, inv *Inventory) []Finding {
			var out []Finding
			for _, c := range inv.MonitorCoverage.Applications {
				out = append(out, judgeCoverage(r, inv, c))
			}
			return out
		},
	}
}

// judgeCoverage judges one application's instances in one account and
// region: a failure names each instance short of the agent or an alarm,
// what it lacks and why.
func judgeCoverage(r *Rules, inv *Inventory, c monitor.Coverage) Finding {
	app := c.Application
	res := Resource{Kind: KindMonitoredInstances, ID: app, Name: "EC2 instances of " + app, Tags: map[string]string{r.Keys.Application: app}}
	if app == monitor.NoApplication {
		res = Resource{Kind: KindMonitoredInstances, ID: Untagged, Name: "EC2 instances without " + r.Keys.Application, Tags: map[string]string{}}
	}
	if len(c.Gaps) == 0 {
		return r.pass(inv, res, "%s in scope: the agent reports and every alarm exists on each", instances(c.Instances))
	}
	gaps := make([]string, 0, len(c.Gaps))
	for _, g := range c.Gaps {
		gaps = append(gaps, g.String())
	}
	return r.fail(inv, res, "%d of %s in scope short of monitoring (agent reporting on %d, every alarm on %d): %s",
		len(c.Gaps), instances(c.Instances), c.AgentReporting, c.FullyAlarmed, strings.Join(gaps, "; "))
}

func instances(n int) string {
	if n == 1 {
		return "1 instance"
	}
	return fmt.Sprintf("%d instances", n)
}

// collectMonitorCoverage measures the target's coverage with the monitor
// planner it was given; without one (the monitor service is off) there
// is nothing to judge, and when part of it cannot be read, nothing is.
func collectMonitorCoverage(ctx context.Context, c Clients, inv *Inventory) error {
	if c.MonitorCoverage == nil {
		return nil
	}
	inv.MonitorCoverage.On = true
	cov, err := c.MonitorCoverage(ctx)
	if err != nil {
		// Coverage measured on part of what monitor reads would blame
		// instances for what could not be read: none is judged.
		return fmt.Errorf("measure monitoring coverage: %w", err)
	}
	inv.MonitorCoverage.Applications = cov
	return nil
}

// monitorCoverage is the read-only monitor planner for target t as of
// now, or nil when the monitor service is off.
func (s *Service) monitorCoverage(t accounts.Target, now time.Time) MonitorCoverageFunc {
	if s.cfg.Monitor == nil {
		return nil
	}
	return func(ctx context.Context) ([]monitor.Coverage, error) {
		svc, err := monitor.New(*s.cfg.Monitor, monitor.Deps{Location: s.deps.Location, Logger: s.log})
		if err != nil {
			return nil, fmt.Errorf("build the monitor planner: %w", err)
		}
		return svc.CoverageOf(ctx, t, now)
	}
}
