package audit

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/opsd-dev/opsd/monitor"
)

// monitoredClients are the SDK's clients with a monitor planner that
// measures payments' two instances fully covered: the monitor planner's
// own measuring is tested against moto in the monitor package and end to
// end in cmd/opsd.
func (w *world) monitoredClients(cfg aws.Config) Clients {
	c := NewClients(cfg)
	c.MonitorCoverage = func(context.Context) ([]monitor.Coverage, error) {
		return []monitor.Coverage{{Account: motoAccount, Region: testRegion, Application: "payments", Instances: 2, AgentReporting: 2, FullyAlarmed: 2}}, nil
	}
	return c
}
