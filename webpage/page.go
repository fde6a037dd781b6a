package webpage

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/audit"
	"github.com/opsd-dev/opsd/backup"
	"github.com/opsd-dev/opsd/monitor"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/scheduler"
)

// maxRecent is how many rows the page lists in each of its tables of
// actions: the history (after the filters) and the last runs' findings.
const maxRecent = 200

// Source is what the page reads.
type Source struct {
	// Jobs are the scheduler's jobs, with their last and next runs.
	Jobs func() []scheduler.JobStatus
	// Latest holds each service's last result.
	Latest *Latest
	// Series holds the chart's points and the history of actions.
	Series *Series
	// Location is the daemon's timezone, for the times shown.
	Location *time.Location
	// Version is opsd's version, shown in the footer.
	Version string
}

// Handler serves the page at / (GET; ?q= searches; ?service=, ?account=,
// ?application= and ?status= filter the history of actions).
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
	Query    string
	Matches  []resourceView
	Searched bool
	Jobs     []jobView
	// Recent is the history, filtered, newest first.
	Recent     []rowView
	RecentNote string
	Period     string
	Capped     string
	Filtered   bool
	Fields     []field
	// Pending are the last runs' findings and what they left for later,
	// but the audit's, which Audit sums up.
	Pending     []rowView
	PendingNote string
	Audit       auditSummary
	// Restores are backup's restore test evidence, per application.
	Restores []restoreRow
	// Coverage is monitor's coverage, per account, region and application.
	Coverage []coverageRow
	Chart    chart
	Version  string
}

type jobView struct {
	Name, Cron, Outcome, Last, Next, Counts, Error string
	Running                                        bool
}

// rowView is a row with its time as the page shows it.
type rowView struct {
	Row
	When string
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
	toView := func(r Row) rowView { return rowView{Row: r, When: show(r.At)} }
	q := r.URL.Query()
	v := view{Query: strings.TrimSpace(q.Get("q")), Version: src.Version}
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
	var at map[string]time.Time
	if src.Latest != nil {
		results, at = src.Latest.All()
	}
	var rows []Row
	keep := DefaultHistoryPeriod
	if src.Series != nil {
		var capped time.Time
		rows, keep, capped = src.Series.History().Rows(r.Context())
		if !capped.IsZero() {
			v.Capped = fmt.Sprintf("Actions up to %s were dropped, though within the period, to keep the record small (at most %d rows, %d KiB).", show(capped), maxHistoryRows, maxHistoryBytes>>10)
		}
	}
	v.Period = periodText(keep)
	f := filterOf(q)
	v.Filtered, v.Fields = f.set(), f.fields(rows)
	for _, row := range f.apply(rows) {
		v.Recent = append(v.Recent, toView(row))
	}
	v.Recent, v.RecentNote = capRows(v.Recent, "older; narrow them with the filters")
	for _, res := range results {
		if res.Service == audit.ServiceName {
			v.Audit = summarizeAudit(res, show(at[res.Service]))
			continue
		}
		if res.Service == backup.ServiceName {
			v.Restores = restoreRows(res, show)
		}
		if res.Service == monitor.ServiceName {
			v.Coverage = coverageRows(res)
		}
		for _, a := range res.Actions {
			if pending(a) {
				row := Row{At: at[res.Service], Service: a.Service, Account: a.Account, Region: a.Region, Resource: a.Resource,
					Name: nameOf(a), Action: a.Action, Reason: a.Reason, Status: a.Status, Error: a.Error}
				v.Pending = append(v.Pending, toView(row))
			}
		}
	}
	v.Pending, v.PendingNote = capRows(v.Pending, "more; search to narrow them")
	if v.Query != "" {
		v.Searched = true
		known := ownersOf(results)
		v.Matches = search(results, rows, known, v.Query, toView)
	}
	if src.Series != nil {
		v.Chart = newChart(src.Series.Points(r.Context()), loc)
	}
	return v
}

// pending says whether a last run's action is one the page lists as
// waiting: a finding, or an action left planned (not none), which did
// not go into the history.
func pending(a reconcile.Action) bool {
	return !kept(a) && (a.Status != reconcile.Planned || a.Action != "none")
}

// capRows keeps the first maxRecent rows and says how many more there are.
func capRows(rows []rowView, more string) ([]rowView, string) {
	if n := len(rows); n > maxRecent {
		return rows[:maxRecent], fmt.Sprintf("and %d %s", n-maxRecent, more)
	}
	return rows, ""
}

// periodText says a period as people do: "7 days", "36 hours".
func periodText(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d%(24*time.Hour) == 0:
		return plural(int64(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int64(d/time.Hour), "hour")
	}
	return d.String()
}

func countsText(c map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c)) {
		parts = append(parts, fmt.Sprintf("%d %s", c[k], k))
	}
	return strings.Join(parts, ", ")
}
