package webpage

import "html/template"

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"detail": func(d map[string]string, k string) string { return d[k] },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>opsd</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .5em} h2{font-size:1.1em;margin:1.5em 0 .5em}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f4f4f4} .nw{white-space:nowrap} .ok{color:#2e7d32} .done{color:#1b5e20} .failed,.timeout{color:#c62828} .reported{color:#b26a00}
form input[type=search]{width:28em;padding:.3em} form.filters label{margin-right:.75em} h4{margin:.75em 0 .25em} .muted{color:#777} .card{border:1px solid #ccc;border-radius:4px;padding:.5em 1em;margin:.5em 0}
svg .on{fill:#2e7d32} svg .off{fill:#90a4ae} svg text{font-size:11px;fill:#555}
</style></head><body>
<h1>opsd</h1>
<form method="get" action="/"><label>Find a resource, application, team email or account
<input type="search" name="q" value="{{.Query}}" placeholder="i-0abc…, dev-api, payments, team@example.com, 123456789012"></label>
<input type="submit" value="Search"></form>
{{if .Searched}}
<h2 id="search">Search: {{.Query}}</h2>
{{if not .Matches}}<p>No resource opsd acts on matches "{{.Query}}".</p>{{end}}
{{range .Matches}}<div class="card"><h3>{{.Title}} <span class="muted">{{.Where}}{{with .Owner}}, {{.}}{{end}}</span></h3>
{{if .Actions}}<table><tr><th>Service</th><th>Action</th><th>Status</th><th>Why</th><th>Details</th></tr>
{{range $a := .Actions}}<tr><td>{{$a.Service}}</td><td>{{$a.Action}}</td><td class="{{$a.Status}}">{{$a.Status}}</td><td>{{$a.Reason}}{{if $a.Error}}<br><span class="failed">error: {{$a.Error}}</span>{{end}}</td>
<td>{{with detail $a.Details "schedule"}}schedule {{.}}<br>{{end}}{{with detail $a.Details "period_end"}}this period ends {{.}}<br>{{end}}{{with detail $a.Details "override"}}override {{.}} until {{detail $a.Details "override_until"}}<br>{{end}}{{with detail $a.Details "last_action"}}last action {{.}} at {{detail $a.Details "last_action_at"}}<br>{{end}}{{with detail $a.Details "policy"}}backup policy {{.}}<br>{{end}}</td></tr>{{end}}
</table>{{end}}
{{with .Done}}<h4>What opsd did to it lately</h4>
<table><tr><th>When</th><th>Service</th><th>Action</th><th>Status</th><th>Why</th></tr>
{{range .}}<tr><td class="nw">{{.When}}</td><td>{{.Service}}</td><td>{{.Action}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{.Reason}}{{if .Error}}<br><span class="failed">error: {{.Error}}</span>{{end}}</td></tr>
{{end}}</table>{{end}}</div>{{end}}
{{end}}
<h2>Services</h2>
<table><tr><th>Job</th><th>Schedule</th><th>Last run</th><th>Outcome</th><th>What it did</th><th>Next run</th></tr>
{{range .Jobs}}<tr><td>{{.Name}}{{if .Running}} <span class="muted">(running)</span>{{end}}</td><td><code>{{.Cron}}</code></td><td>{{.Last}}</td>
<td class="{{.Outcome}}">{{.Outcome}}{{if .Error}}: {{.Error}}{{end}}</td><td>{{.Counts}}</td><td>{{.Next}}</td></tr>
{{else}}<tr><td colspan="6">No service is enabled.</td></tr>{{end}}
</table>
<h2>Scheduled resources running, by hour</h2>
{{if .Chart.Empty}}<p class="muted">No shutdown run recorded yet.</p>{{else}}
<svg id="running-chart" width="{{.Chart.Width}}" height="{{.Chart.Height}}" viewBox="0 0 {{.Chart.Width}} {{.Chart.Height}}" role="img" aria-label="scheduled resources running by hour, {{.Chart.From}} to {{.Chart.To}}">
{{range .Chart.Bars}}<rect class="{{if .Off}}off{{else}}on{{end}}" x="{{printf "%.1f" .X}}" y="{{printf "%.1f" .Y}}" width="{{printf "%.1f" .W}}" height="{{printf "%.1f" .H}}"><title>{{.Title}}</title></rect>
{{end}}{{range .Chart.Days}}<text x="{{printf "%.1f" .X}}" y="{{$.Chart.Height}}">{{.Label}}</text>{{end}}
</svg>
<p class="muted">{{.Chart.From}} to {{.Chart.To}}; green: every scheduled resource up, grey: some stopped for the night. Highest: {{.Chart.Max}}.</p>{{end}}
<h2 id="recent">Recent actions</h2>
<p class="muted">What opsd did or tried over the last {{.Period}}, newest first{{if .Filtered}}, as filtered{{end}}.</p>
<form method="get" action="/#recent" class="filters">{{range .Fields}}<label>{{.Label}} <select name="{{.Name}}"><option value="">any</option>{{range .Options}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Value}}</option>{{end}}</select></label>
{{end}}<input type="submit" value="Filter">{{if .Filtered}} <a href="/#recent">clear the filters</a>{{end}}</form>
<table id="recent-actions"><tr><th>When</th><th>Service</th><th>Account</th><th>Region</th><th>Resource</th><th>Application</th><th>Action</th><th>Status</th><th>Why</th></tr>
{{range .Recent}}<tr><td class="nw">{{.When}}</td><td>{{.Service}}</td><td>{{.Account}}</td><td>{{.Region}}</td><td>{{.Resource}}{{with .Name}} ({{.}}){{end}}</td><td>{{with .Application}}{{.}}{{else}}<span class="muted">not known</span>{{end}}</td><td>{{.Action}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{.Reason}}{{if .Error}}<br><span class="failed">error: {{.Error}}</span>{{end}}</td></tr>
{{else}}<tr><td colspan="9">{{if .Filtered}}No action matches these filters.{{else}}Nothing done in the last {{.Period}}.{{end}}</td></tr>{{end}}
</table>{{with .RecentNote}}<p class="muted">{{.}}</p>{{end}}{{with .Capped}}<p class="muted">{{.}}</p>{{end}}
<h2 id="findings">Findings of the last runs</h2>
<p class="muted">What each service's last run found that needs a person, or left for later{{if .Audit.Ran}}; the audit's are summed up below{{end}}.</p>
<table><tr><th>Run</th><th>Service</th><th>Account</th><th>Region</th><th>Resource</th><th>Action</th><th>Status</th><th>Why</th></tr>
{{range .Pending}}<tr><td class="nw">{{.When}}</td><td>{{.Service}}</td><td>{{.Account}}</td><td>{{.Region}}</td><td>{{.Resource}}{{with .Name}} ({{.}}){{end}}</td><td>{{.Action}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{.Reason}}{{if .Error}}<br><span class="failed">error: {{.Error}}</span>{{end}}</td></tr>
{{else}}<tr><td colspan="8">Nothing.</td></tr>{{end}}
</table>{{with .PendingNote}}<p class="muted">{{.}}</p>{{end}}
{{if .Audit.Ran}}<h2 id="audit">Production readiness</h2>
<p>The audit of {{.Audit.At}}: {{.Audit.Failing}} failing {{if eq .Audit.Failing 1}}finding{{else}}findings{{end}}{{with .Audit.Apps}} in {{len .}} {{if eq (len .) 1}}application{{else}}applications{{end}}{{end}}. <a href="/report">The report</a> has each one.</p>
<table id="audit-summary"><tr><th>Application</th><th>Failing</th><th>By pillar</th><th>Report</th></tr>
{{range .Audit.Apps}}<tr><td>{{.Name}}</td><td>{{.Failing}}</td><td>{{.Pillars}}</td><td><a href="{{.Link}}">{{.Name}} in the report</a></td></tr>
{{else}}<tr><td colspan="4">Nothing fails.</td></tr>{{end}}
</table>{{end}}
` + restoreTemplate + coverageTemplate + `<p class="muted">opsd {{.Version}} · <a href="/status">/status</a> · <a href="/report">/report</a> · <a href="/metrics">/metrics</a></p>
</body></html>
`))
