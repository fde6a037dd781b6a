package webpage

import (
	"sort"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
)

// restoreRow is what the restore tests of one backup policy's data
// stores of one application show, from the backup service's last run:
// the row it adds per policy and application (action none, details
// evidence=restore-test).
type restoreRow struct {
	Application, Environment, Policy, Account, Region string
	// LastValidated is when the last validated restore completed, as the
	// page shows times; "" when none did within the evidence window.
	LastValidated string
	// TimeToUsable and RecoveryPointAge are the latest completed
	// restore's, with the policy's RTO and RPO; "" when there is none.
	TimeToUsable, RTO, RecoveryPointAge, RPO string
	// Tests is how many restore tests the window holds; Proven whether
	// one of them shows the RTO.
	Tests  string
	Proven bool
}

// restoreRows are the restore test rows of res, the backup service's
// last result, by application, policy, account and region.
func restoreRows(res reconcile.Result, show func(time.Time) string) []restoreRow {
	var out []restoreRow
	for _, a := range res.Actions {
		d := a.Details
		if d["evidence"] != "restore-test" {
			continue
		}
		r := restoreRow{Application: d["application"], Environment: d["environment"], Policy: d["policy"], Account: a.Account, Region: a.Region,
			TimeToUsable: d["time_to_usable"], RTO: d["rto"], RecoveryPointAge: d["recovery_point_age"], RPO: d["rpo"], Tests: d["tests"], Proven: d["proven"] == "true"}
		if at, err := time.Parse(time.RFC3339, d["validated_at"]); err == nil {
			r.LastValidated = show(at)
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Application != b.Application {
			return a.Application < b.Application
		}
		if a.Policy != b.Policy {
			return a.Policy < b.Policy
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.Region < b.Region
	})
	return out
}

// restoreTemplate is the page's "Restore tests" section.
const restoreTemplate = `{{with .Restores}}<h2 id="restore-tests">Restore tests</h2>
<p class="muted">What backup's restore tests of the last 30 days show, per application: a validated restore inside the policy's RTO proves it.</p>
<table id="restore-tests-table"><tr><th>Application</th><th>Policy</th><th>Account</th><th>Region</th><th>Last validated restore</th><th>Time to usable (RTO)</th><th>Recovery point age (RPO)</th><th>Tests</th><th>RTO shown</th></tr>
{{range .}}<tr><td>{{with .Application}}{{.}}{{else}}<span class="muted">no application</span>{{end}}{{with .Environment}} <span class="muted">({{.}})</span>{{end}}</td><td>{{.Policy}}</td><td>{{.Account}}</td><td>{{.Region}}</td>
<td class="nw">{{with .LastValidated}}{{.}}{{else}}<span class="failed">none in 30 days</span>{{end}}</td><td>{{with .TimeToUsable}}{{.}}{{else}}-{{end}} ({{.RTO}})</td><td>{{with .RecoveryPointAge}}{{.}}{{else}}-{{end}} ({{.RPO}})</td><td>{{.Tests}}</td>
<td class="{{if .Proven}}ok{{else}}failed{{end}}">{{if .Proven}}yes{{else}}no{{end}}</td></tr>
{{end}}</table>{{end}}
`
