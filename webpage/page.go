package webpage

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/scheduler"
)

// maxRecent is how many recent actions the page lists.
const maxRecent = 200

// Source is what the page reads.
type Source struct {
	// Jobs are the scheduler's jobs, with their last and next runs.
	Jobs func() []scheduler.JobStatus
	// Latest holds each service's last result.
	Latest *Latest
	// Series holds the chart's points.
	Series *Series
	// Location is the daemon's timezone, for the times shown.
	Location *time.Location
	// Version is opsd's version, shown in the footer.
	Version string
}

// Handler serves the page at / (GET; ?q= searches).
func Handler(src Source) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := src.view(r)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:")
		if err := pageTemplate.Execute(w, v); err != nil {
			http.Error(w, "render the page: "+err.Error(), http.StatusInternalServerError)
		}
	})
}

// view is what the template shows.
type view struct {
	Query     string
	Matches   []resourceView
	Searched  bool
	Jobs      []jobView
	Recent    []reconcile.Action
	MoreNotes string
	Chart     chart
	Version   string
}

type jobView struct {
	Name, Cron, Outcome, Last, Next, Counts, Error string
	Running                                        bool
}

// resourceView is one resource found by the search, with what each
// service says of it.
type resourceView struct {
	Title   string
	Where   string
	Actions []reconcile.Action
}

func (src Source) view(r *http.Request) view {
	loc := src.Location
	if loc == nil {
		loc = time.UTC
	}
	show := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(loc).Format("Mon 2 Jan 15:04 MST")
	}
	v := view{Query: strings.TrimSpace(r.URL.Query().Get("q")), Version: src.Version}
	if src.Jobs != nil {
		for _, j := range src.Jobs() {
			jv := jobView{Name: j.Name, Cron: j.Cron, Next: show(j.NextRun), Running: j.Running, Last: "-"}
			if l := j.LastRun; l != nil {
				jv.Last, jv.Outcome, jv.Error = show(l.Start), l.Outcome, l.Error
				jv.Counts = countsText(l.Counts)
			}
			v.Jobs = append(v.Jobs, jv)
		}
	}
	var results []reconcile.Result
	if src.Latest != nil {
		results, _ = src.Latest.All()
	}
	for _, res := range results {
		for _, a := range res.Actions {
			if a.Status != reconcile.Planned || a.Action != "none" {
				v.Recent = append(v.Recent, a)
			}
		}
	}
	if n := len(v.Recent); n > maxRecent {
		v.MoreNotes = fmt.Sprintf("and %d more; search to narrow them", n-maxRecent)
		v.Recent = v.Recent[:maxRecent]
	}
	if v.Query != "" {
		v.Searched = true
		v.Matches = search(results, v.Query)
	}
	if src.Series != nil {
		v.Chart = newChart(src.Series.Points(r.Context()), loc)
	}
	return v
}

func countsText(c map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c)) {
		parts = append(parts, fmt.Sprintf("%d %s", c[k], k))
	}
	return strings.Join(parts, ", ")
}

// search finds the resources whose id, Name, account, application or team
// matches q (case-insensitive; the id and name by substring), and groups
// each one's actions across the services.
func search(results []reconcile.Result, q string) []resourceView {
	q = strings.ToLower(q)
	byKey := map[string]*resourceView{}
	var order []string
	for _, res := range results {
		for _, a := range res.Actions {
			if !matches(a, q) {
				continue
			}
			key := a.Account + "/" + a.Region + "/" + a.Resource
			rv := byKey[key]
			if rv == nil {
				title := a.Resource
				if n := a.Details["name"]; n != "" && n != title {
					title += " (" + n + ")"
				}
				rv = &resourceView{Title: title, Where: "account " + a.Account + " region " + a.Region}
				byKey[key] = rv
				order = append(order, key)
			}
			rv.Actions = append(rv.Actions, a)
		}
	}
	slices.Sort(order)
	out := make([]resourceView, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out
}

func matches(a reconcile.Action, q string) bool {
	for _, s := range []string{a.Resource, a.Details["name"], a.Details["arn"]} {
		if s != "" && strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	for _, s := range []string{a.Account, a.Details["application"], a.Details["team_email"], a.Details["environment"]} {
		if strings.ToLower(s) == q {
			return true
		}
	}
	return false
}
