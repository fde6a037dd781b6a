package webpage

import (
	"cmp"
	"slices"

	"github.com/opsd-dev/opsd/monitor"
	"github.com/opsd-dev/opsd/reconcile"
)

// coverageRow is how far monitoring reaches over one application's EC2
// instances in one account and region, from the monitor service's last
// run: the row it adds per account, region and application (action
// none, see [monitor.CoverageOfAction]).
type coverageRow struct {
	Account, Region, Application string
	// Instances are those in scope; AgentReporting those whose CloudWatch
	// agent reports; FullyAlarmed those with every alarm they should have.
	Instances, AgentReporting, FullyAlarmed int
	// Gaps are the instances short of either, one line each: the instance,
	// what it lacks and why.
	Gaps []string
	// Complete is whether every instance in scope has both.
	Complete bool
}

// coverageRows are the coverage rows of res, the monitor service's last
// result, by application, account and region.
func coverageRows(res reconcile.Result) []coverageRow {
	var out []coverageRow
	for _, a := range res.Actions {
		c, ok := monitor.CoverageOfAction(a)
		if !ok {
			continue
		}
		r := coverageRow{Account: c.Account, Region: c.Region, Application: c.Application,
			Instances: c.Instances, AgentReporting: c.AgentReporting, FullyAlarmed: c.FullyAlarmed,
			Complete: c.AgentReporting == c.Instances && c.FullyAlarmed == c.Instances}
		for _, g := range c.Gaps {
			r.Gaps = append(r.Gaps, g.String())
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b coverageRow) int {
		return cmp.Or(cmp.Compare(a.Application, b.Application), cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region))
	})
	return out
}

// coverageTemplate is the page's "Monitoring coverage" section.
const coverageTemplate = `{{with .Coverage}}<h2 id="monitoring-coverage">Monitoring coverage</h2>
<p class="muted">What monitor's last run measured, per account and application: the EC2 instances in its scope, how many have the CloudWatch agent reporting and every alarm they should have, and why the others do not.</p>
<table id="monitoring-coverage-table"><tr><th>Application</th><th>Account</th><th>Region</th><th>Instances in scope</th><th>Agent reporting</th><th>Every alarm</th><th>Short of it</th></tr>
{{range .}}<tr><td>{{.Application}}</td><td>{{.Account}}</td><td>{{.Region}}</td><td>{{.Instances}}</td>
<td class="{{if eq .AgentReporting .Instances}}ok{{else}}failed{{end}}">{{.AgentReporting}}</td><td class="{{if eq .FullyAlarmed .Instances}}ok{{else}}failed{{end}}">{{.FullyAlarmed}}</td>
<td>{{range .Gaps}}{{.}}<br>{{else}}<span class="ok">nothing</span>{{end}}</td></tr>
{{end}}</table>{{end}}
`
