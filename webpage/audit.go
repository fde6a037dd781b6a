package webpage

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/opsd-dev/opsd/audit"
	"github.com/opsd-dev/opsd/reconcile"
)

// auditSummary is the audit's last run in short: its failing findings
// counted per application, each with a link to the application's part
// of /report, instead of a row per finding.
type auditSummary struct {
	// Ran is whether the page has an audit result at all.
	Ran     bool
	At      string
	Failing int
	Apps    []auditApp
}

// auditApp is one application's failing findings.
type auditApp struct {
	Name    string
	Failing int
	// Pillars counts them by pillar: "2 security, 1 reliability".
	Pillars string
	// Link is the application's report: /report?application=NAME, or
	// /report itself for the platform's section, which that filter does
	// not show.
	Link string
}

// summarizeAudit summarizes res, the audit's last result (at is when).
func summarizeAudit(res reconcile.Result, at string) auditSummary {
	s := auditSummary{Ran: true, At: at}
	byApp := map[string]map[string]int{}
	for _, a := range res.Actions {
		if a.Status != reconcile.Reported {
			continue
		}
		name := a.Details["application"]
		switch {
		case a.Details["platform"] != "":
			name = audit.PlatformGroup
		case name == "":
			name = audit.Untagged
		}
		if byApp[name] == nil {
			byApp[name] = map[string]int{}
		}
		byApp[name][a.Details["pillar"]]++
		s.Failing++
	}
	for name, pillars := range byApp {
		app := auditApp{Name: name, Link: "/report?application=" + strings.ReplaceAll(url.QueryEscape(name), "+", "%20")}
		if name == audit.PlatformGroup {
			app.Link = "/report"
		}
		var parts []string
		for _, p := range slices.Sorted(maps.Keys(pillars)) {
			n := pillars[p]
			app.Failing += n
			if p == "" {
				p = "other"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, p))
		}
		app.Pillars = strings.Join(parts, ", ")
		s.Apps = append(s.Apps, app)
	}
	slices.SortFunc(s.Apps, func(a, b auditApp) int { return strings.Compare(appOrder(a.Name), appOrder(b.Name)) })
	return s
}

// appOrder sorts applications as the report does, case-insensitively,
// the untagged resources and then the platform last.
func appOrder(name string) string {
	switch name {
	case audit.Untagged:
		return "\xfe"
	case audit.PlatformGroup:
		return "\xff"
	}
	return strings.ToLower(name) + "\x00" + name
}
