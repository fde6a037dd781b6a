package audit

// reportTemplateText is the report page: html/template escapes every
// value it shows. It has inline CSS only, no scripts and no external
// resources; the summary cell colours are fixed so tests can find them in
// a screenshot (pass #2e7d32, fail #c62828, none #9e9e9e).
const reportTemplateText = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Production readiness{{if .Filter}}: {{.Filter}}{{end}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1b1b1b;background:#ffffff}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:20px;margin:32px 0 8px;padding-top:8px;border-top:1px solid #d0d0d0}
h3{font-size:16px;margin:16px 0 6px}
p.meta{color:#505050;margin:0 0 16px}
table{border-collapse:collapse;margin:8px 0 16px}
th,td{border:1px solid #d0d0d0;padding:6px 10px;text-align:left;vertical-align:top}
th{background:#f0f0f0}
table.summary td.cell{padding:0;text-align:center;min-width:110px}
table.summary td.cell a{display:block;padding:8px 10px;color:#ffffff;text-decoration:none;font-weight:600}
td.pass{background:#2e7d32}
td.fail{background:#c62828}
td.none{background:#9e9e9e}
td.score{font-weight:600;text-align:right}
table.findings td.reason{max-width:640px}
td.nw{white-space:nowrap}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.gaps{border-left:6px solid #8a6d00;background:#fff8e1;padding:8px 12px;margin:12px 0}
ul.passing{margin:4px 0 0;padding-left:20px}
.muted{color:#505050}
</style>
</head>
<body>
<h1>Production readiness</h1>
<p class="meta">Assessed {{.When}} · {{.AppCount}} · {{.Failing}} failing · {{len .Report.Checks}} checks</p>
{{if .Gaps}}
<div class="gaps">
<strong>Not assessed.</strong> Part of the estate could not be read; the checks below are neither passed nor failed there.
<table>
<tr><th>Account</th><th>Region</th><th>Collector</th><th>Error</th><th>Checks</th></tr>
{{range .Gaps}}<tr><td>{{.Account}}</td><td>{{.Region}}</td><td>{{.What}}</td><td>{{.Error}}</td><td>{{.Checks}}</td></tr>
{{end}}</table>
</div>
{{end}}
{{if .Apps}}
<table class="summary">
<thead><tr><th>Application</th><th>Score</th>{{range .Pillars}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Apps}}<tr id="row-{{.Anchor}}">
<th><a href="#{{.Anchor}}">{{.Name}}</a></th>
<td class="score">{{.Score}}</td>
{{range .Cells}}<td class="cell {{.Class}}"><a href="#{{.Anchor}}" title="{{.Title}}">{{.Text}}</a></td>
{{end}}</tr>
{{end}}</tbody>
</table>
<p class="muted">Each cell: resources passing / judged. Green: nothing fails; red: something fails; grey: nothing to judge. Not applicable findings are not counted.</p>
{{else}}
<p>{{if .Filter}}No application named “{{.Filter}}” was found.{{else}}No applications found.{{end}}</p>
{{end}}
{{range .Apps}}
<section id="{{.Anchor}}">
<h2>{{.Name}} — {{.Score}}</h2>
{{if .Note}}<p>{{.Note}}</p>{{end}}
<p class="meta">{{.Passed}} passed · {{.Failed}} failed{{if .Unknown}} · {{.Unknown}} not assessed{{end}} · {{.NotApplicable}} not applicable</p>
{{if .Failures}}
<h3>Failing</h3>
<table class="findings">
<tr><th>Check</th><th>Resource</th><th>Account</th><th>Region</th><th>Reason</th></tr>
{{range .Failures}}<tr id="{{.Anchor}}"><td>{{.Check}}<br><code>{{.CheckID}}</code></td><td><code>{{.Resource}}</code><br><span class="muted">{{.Kind}}</span></td><td class="nw">{{.Account}}</td><td class="nw">{{.Region}}</td><td class="reason">{{.Reason}}</td></tr>
{{end}}</table>
{{else}}
<p>Nothing fails.</p>
{{end}}
{{if .Unknowns}}
<h3>Not assessed</h3>
<table class="findings">
<tr><th>Check</th><th>Resource</th><th>Account</th><th>Region</th><th>Reason</th></tr>
{{range .Unknowns}}<tr><td>{{.Check}}<br><code>{{.CheckID}}</code></td><td><code>{{.Resource}}</code><br><span class="muted">{{.Kind}}</span></td><td class="nw">{{.Account}}</td><td class="nw">{{.Region}}</td><td class="reason">{{.Reason}}</td></tr>
{{end}}</table>
{{end}}
{{if .Passing}}
<h3>Passing</h3>
<ul class="passing">
{{range .Passing}}<li>{{.Title}}: {{.Count}}</li>
{{end}}</ul>
{{end}}
</section>
{{end}}
</body>
</html>
`
