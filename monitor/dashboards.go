package monitor

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Dashboards: one per Application tag value and region, named
// opsd-<Application>-<region>. CloudWatch dashboards belong to the account,
// not a region, and opsd reconciles each region on its own, so the region
// is part of the name: two regions never fight over one dashboard.

// dashboardMarker starts the line of a dashboard's text widget that says
// opsd manages it; opsd deletes no dashboard without it.
const dashboardMarker = "opsd:dashboard"

// maxDashboardName is the longest dashboard name CloudWatch accepts.
const maxDashboardName = 255

// resourcesPerWidget bounds the resources drawn in one metric widget.
const resourcesPerWidget = 20

// alarmsPerWidget is the most alarms an alarm status widget shows.
const alarmsPerWidget = 100

// dashboardName returns the dashboard of app in region. Characters
// CloudWatch does not accept in a name become "-"; a name too long is cut
// and ends with a hash of the application.
func dashboardName(app, region string) string {
	var b strings.Builder
	for _, r := range app {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	clean := b.String()
	suffix := "-" + region
	if len(alarmPrefix)+len(clean)+len(suffix) > maxDashboardName {
		sum := sha256.Sum256([]byte(app))
		hash := "_" + hex.EncodeToString(sum[:4])
		clean = clean[:maxDashboardName-len(alarmPrefix)-len(suffix)-len(hash)] + hash
	}
	return alarmPrefix + clean + suffix
}

// markerLine is the line of app's dashboard in region that marks it as
// opsd's.
func markerLine(region, app string) string {
	return "`" + dashboardMarker + " region=" + region + " application=" + app + "`"
}

// ownedDashboard reports whether body is a dashboard opsd made in region:
// one of its text widgets carries the marker line.
func ownedDashboard(body, region string) bool {
	var d struct {
		Widgets []struct {
			Type       string `json:"type"`
			Properties struct {
				Markdown string `json:"markdown"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		return false
	}
	want := "`" + dashboardMarker + " region=" + region + " "
	for _, w := range d.Widgets {
		if w.Type == "text" && strings.Contains(w.Properties.Markdown, want) {
			return true
		}
	}
	return false
}

// dashboardBody is a dashboard's JSON body.
type dashboardBody struct {
	Widgets []widget `json:"widgets"`
}

type widget struct {
	Type       string `json:"type"`
	X          int    `json:"x"`
	Y          int    `json:"y"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	Properties any    `json:"properties"`
}

type textProperties struct {
	Markdown string `json:"markdown"`
}

type alarmProperties struct {
	Title  string   `json:"title"`
	Alarms []string `json:"alarms"`
}

type metricProperties struct {
	Title   string  `json:"title"`
	Region  string  `json:"region"`
	View    string  `json:"view"`
	Stacked bool    `json:"stacked"`
	Stat    string  `json:"stat"`
	Period  int     `json:"period"`
	Metrics [][]any `json:"metrics"`
}

// chart is one metric widget of a kind: its title, statistic and the
// metrics it draws for one resource.
type chart struct {
	kind    Kind
	title   string
	stat    string
	metrics func(r *Resource) [][]any
}

// charts are the key metrics drawn for each kind, in kind order.
var charts = []chart{
	{KindEC2, "EC2 CPU utilization (%)", "Average", func(r *Resource) [][]any {
		return [][]any{{nsEC2, "CPUUtilization", dimInstanceID, r.ID}}
	}},
	{KindRDS, "RDS CPU utilization (%)", "Average", func(r *Resource) [][]any {
		return [][]any{{nsRDS, "CPUUtilization", "DBInstanceIdentifier", r.ID}}
	}},
	{KindRDS, "RDS free storage space (bytes)", "Minimum", func(r *Resource) [][]any {
		return [][]any{{nsRDS, "FreeStorageSpace", "DBInstanceIdentifier", r.ID}}
	}},
	{KindAPI, "API Gateway 5XX errors", "Sum", func(r *Resource) [][]any {
		name := r.Name
		if name == "" {
			name = r.ID
		}
		return [][]any{{nsAPIGateway, "5XXError", "ApiName", name}}
	}},
	{KindALB, "Load balancer 5xx responses", "Sum", func(r *Resource) [][]any {
		return [][]any{
			{nsALB, "HTTPCode_Target_5XX_Count", "LoadBalancer", r.Dimension},
			{nsALB, "HTTPCode_ELB_5XX_Count", "LoadBalancer", r.Dimension},
		}
	}},
	{KindCanary, "Canary success (%)", "Average", func(r *Resource) [][]any {
		return [][]any{{nsSynthetics, "SuccessPercent", "CanaryName", r.ID}}
	}},
	{KindSNS, "SNS notifications failed", "Sum", func(r *Resource) [][]any {
		return [][]any{{nsSNS, "NumberOfNotificationsFailed", "TopicName", r.ID}}
	}},
	{KindDLQ, "Dead-letter queue messages visible", "Maximum", func(r *Resource) [][]any {
		return [][]any{{nsSQS, "ApproximateNumberOfMessagesVisible", "QueueName", r.ID}}
	}},
}

// buildDashboard returns the body of app's dashboard in region: a text
// widget with opsd's marker, alarm status widgets for alarmARNs, and the
// key metrics of resources. The same input always gives the same bytes.
func buildDashboard(app, region string, resources []*Resource, alarmARNs []string) string {
	var ws []widget
	ws = append(ws, widget{Type: "text", X: 0, Y: 0, Width: 24, Height: 3, Properties: textProperties{Markdown: fmt.Sprintf(
		"## %s (%s)\nAlarms and key metrics of the resources tagged with this application that opsd watches. Managed by opsd: changes made here are overwritten.\n\n%s",
		app, region, markerLine(region, app))}})
	y := 3
	alarms := sortedSet(alarmARNs)
	for i := 0; i < len(alarms); i += alarmsPerWidget {
		title := "Alarms"
		if len(alarms) > alarmsPerWidget {
			title = fmt.Sprintf("Alarms (%d of %d)", i/alarmsPerWidget+1, (len(alarms)+alarmsPerWidget-1)/alarmsPerWidget)
		}
		ws = append(ws, widget{Type: "alarm", X: 0, Y: y, Width: 24, Height: 6,
			Properties: alarmProperties{Title: title, Alarms: alarms[i:min(i+alarmsPerWidget, len(alarms))]}})
		y += 6
	}
	col := 0
	for _, c := range charts {
		var rs []*Resource
		for _, r := range resources {
			if r.Kind == c.kind {
				rs = append(rs, r)
			}
		}
		for i := 0; i < len(rs); i += resourcesPerWidget {
			var ms [][]any
			for _, r := range rs[i:min(i+resourcesPerWidget, len(rs))] {
				ms = append(ms, c.metrics(r)...)
			}
			ws = append(ws, widget{Type: "metric", X: col * 12, Y: y, Width: 12, Height: 6, Properties: metricProperties{
				Title: c.title, Region: region, View: "timeSeries", Stat: c.stat, Period: 300, Metrics: ms,
			}})
			if col == 1 {
				y += 6
			}
			col = 1 - col
		}
	}
	b, _ := json.Marshal(dashboardBody{Widgets: ws})
	return string(b)
}

// sameBody reports whether two dashboard bodies are the same JSON,
// whatever their key order and spacing.
func sameBody(a, b string) bool {
	na, errA := normalizeJSON(a)
	nb, errB := normalizeJSON(b)
	return errA == nil && errB == nil && bytes.Equal(na, nb)
}

func normalizeJSON(s string) ([]byte, error) {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// partition returns the AWS partition of region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// alarmARN returns the ARN of the alarm called name.
func alarmARN(account, region, name string) string {
	return "arn:" + partition(region) + ":cloudwatch:" + region + ":" + account + ":alarm:" + name
}

// dashboardChanges keeps one dashboard per Application tag value of the
// watched resources: created when missing, updated when its body differs,
// deleted when it is opsd's (marker) for this region and its application
// has no watched resources left. Nothing is decided when any watched kind
// could not be listed: the dashboards would lose those resources.
func (pl *planning) dashboardChanges() []*Change {
	if !pl.cfg.Dashboards.Enabled || !pl.obs.DashboardsListed {
		return nil
	}
	for _, k := range pl.cfg.Scope.Kinds {
		if !pl.obs.Listed[Kind(k)] {
			return nil
		}
	}
	byApp := map[string][]*Resource{}
	for _, r := range pl.resources {
		app := strings.TrimSpace(r.Tags[pl.cfg.Tags.Application])
		if app != "" && pl.standings[r].watched {
			byApp[app] = append(byApp[app], r)
		}
	}
	alarmsOf := map[string][]string{}
	for _, a := range pl.desired {
		alarmsOf[a.Resource] = append(alarmsOf[a.Resource], alarmARN(pl.obs.Account, pl.obs.Region, a.Name))
	}
	observed := map[string]string{}
	for _, d := range pl.obs.Dashboards {
		observed[d.Name] = d.Body
	}
	var out []*Change
	wanted := map[string]bool{}
	for _, app := range slices.Sorted(maps.Keys(byApp)) {
		rs := byApp[app]
		var arns []string
		for _, r := range rs {
			arns = append(arns, alarmsOf[r.Ref]...)
		}
		name := dashboardName(app, pl.obs.Region)
		if wanted[name] {
			continue // two applications whose names clean to the same; the first wins
		}
		wanted[name] = true
		body := buildDashboard(app, pl.obs.Region, rs, arns)
		details := map[string]string{"application": app, "resources": fmt.Sprint(len(rs)), "alarms": fmt.Sprint(len(arns))}
		have, ok := observed[name]
		switch {
		case !ok:
			out = append(out, &Change{Object: ObjectDashboard, Op: OpCreate, Name: name, Reason: "missing", Details: details, body: body})
		case !ownedDashboard(have, pl.obs.Region):
			out = append(out, report(name, "a dashboard of this name exists without opsd's marker ("+dashboardMarker+"): opsd leaves it alone; delete or rename it to let opsd keep the application's dashboard", details))
		case !sameBody(have, body):
			out = append(out, &Change{Object: ObjectDashboard, Op: OpUpdate, Name: name, Reason: "body differs from the application's resources and alarms", Details: details, body: body})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(observed)) {
		if wanted[name] || !ownedDashboard(observed[name], pl.obs.Region) {
			continue
		}
		out = append(out, &Change{Object: ObjectDashboard, Op: OpDelete, Name: name, Reason: "its application has no watched resources left in " + pl.obs.Region})
	}
	return out
}
