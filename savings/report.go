package savings

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// The groupings a report may sum by.
const (
	ByResource    = ""
	ByAccount     = "account"
	ByApplication = "application"
	ByTeam        = "team"
)

// Priced is what a resource costs an hour when it is on, or why it is not
// priced.
type Priced struct {
	// HourlyUSD is the on-demand price an hour of the whole resource (all
	// its instances or tasks); nil when it is not priced.
	HourlyUSD *float64
	// Basis says how: "2 × t3.medium Linux at $0.0416".
	Basis string
	// Note says why it is not priced, or what part of it is not.
	Note string
}

// DayHours is one day's hours off in a report.
type DayHours struct {
	Date  string  `json:"date"`
	Hours float64 `json:"hours"`
}

// Row is one resource, or one group of them, in a report.
type Row struct {
	Group       string     `json:"group,omitempty"`
	Resource    string     `json:"resource,omitempty"`
	Kind        string     `json:"kind,omitempty"`
	Account     string     `json:"account,omitempty"`
	Region      string     `json:"region,omitempty"`
	Name        string     `json:"name,omitempty"`
	Application string     `json:"application,omitempty"`
	TeamEmail   string     `json:"team_email,omitempty"`
	HoursOff    float64    `json:"hours_off"`
	HourlyUSD   *float64   `json:"hourly_usd,omitempty"`
	Basis       string     `json:"basis,omitempty"`
	SavedUSD    float64    `json:"saved_usd"`
	Note        string     `json:"note,omitempty"`
	Days        []DayHours `json:"days,omitempty"`
	Resources   []Row      `json:"resources,omitempty"`
	// Unpriced counts the resources of a group that are not priced.
	Unpriced int `json:"unpriced,omitempty"`
}

// Totals sum a report.
type Totals struct {
	HoursOff  float64 `json:"hours_off"`
	SavedUSD  float64 `json:"saved_usd"`
	Resources int     `json:"resources"`
	Unpriced  int     `json:"unpriced"`
}

// Report is the estimated saving of one month.
type Report struct {
	Month    string    `json:"month"`
	Timezone string    `json:"timezone"`
	From     time.Time `json:"from"`
	// To is the end of the month, or now for the month so far.
	To     time.Time `json:"to"`
	By     string    `json:"by,omitempty"`
	Rows   []Row     `json:"rows"`
	Totals Totals    `json:"totals"`
	// Capped is set when the ledger dropped intervals ending after the
	// month began, to stay small: the month's hours are under-counted.
	Capped bool `json:"capped,omitempty"`
	// Notes say what the figure is and is not.
	Notes []string `json:"notes"`

	loc *time.Location
}

// disclaimers are the notes every report carries.
func disclaimers() []string {
	return []string{
		"On-demand compute only: EBS volumes, RDS storage and backups are still charged while a resource is stopped.",
		"A resource covered by a Reserved Instance or a Savings Plan may have saved less than this, or nothing.",
	}
}

// Build makes the report of the month [from, to) in loc from doc, as of
// now, pricing each resource with an hour off in it with priceOf, summed
// by by (ByResource, ByAccount, ByApplication or ByTeam).
func Build(doc Doc, from, to, now time.Time, loc *time.Location, by string, priceOf func(Resource) Priced) Report {
	end := to
	if now.Before(end) {
		end = now
	}
	rep := Report{Month: from.In(loc).Format("2006-01"), Timezone: loc.String(), From: from, To: end, By: by,
		Capped: doc.Capped.After(from), Notes: disclaimers(), Rows: []Row{}, loc: loc}
	var rows []Row
	for _, r := range doc.Resources {
		days := Hours(r.Off, from, to, now, loc)
		hours := Total(days)
		if hours <= 0 {
			continue
		}
		p := priceOf(r)
		row := Row{Resource: r.ID, Kind: r.Kind, Account: r.Account, Region: r.Region, Name: r.Name,
			Application: r.Application, TeamEmail: r.TeamEmail, HoursOff: round(hours, 4),
			HourlyUSD: p.HourlyUSD, Basis: p.Basis, Note: p.Note}
		if p.HourlyUSD != nil {
			row.SavedUSD = round(hours**p.HourlyUSD, 4)
		}
		for _, d := range days {
			row.Days = append(row.Days, DayHours{Date: d.Date.Format("2006-01-02"), Hours: round(d.Hours, 4)})
		}
		rows = append(rows, row)
		rep.Totals.Resources++
		rep.Totals.HoursOff += hours
		rep.Totals.SavedUSD += row.SavedUSD
		if p.HourlyUSD == nil {
			rep.Totals.Unpriced++
		}
	}
	rep.Totals.HoursOff, rep.Totals.SavedUSD = round(rep.Totals.HoursOff, 4), round(rep.Totals.SavedUSD, 4)
	slices.SortStableFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(b.SavedUSD, a.SavedUSD), cmp.Compare(a.Account, b.Account), cmp.Compare(a.Region, b.Region), cmp.Compare(a.Resource, b.Resource))
	})
	if by == ByResource {
		if rows != nil {
			rep.Rows = rows
		}
		return rep
	}
	groups := map[string]*Row{}
	var names []string
	for _, row := range rows {
		name := groupOf(row, by)
		g, ok := groups[name]
		if !ok {
			g = &Row{Group: name}
			groups[name] = g
			names = append(names, name)
		}
		g.HoursOff += row.HoursOff
		g.SavedUSD += row.SavedUSD
		if row.HourlyUSD == nil {
			g.Unpriced++
		}
		g.Resources = append(g.Resources, row)
	}
	for _, name := range names {
		g := groups[name]
		g.HoursOff, g.SavedUSD = round(g.HoursOff, 4), round(g.SavedUSD, 4)
		rep.Rows = append(rep.Rows, *g)
	}
	slices.SortStableFunc(rep.Rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(b.SavedUSD, a.SavedUSD), cmp.Compare(a.Group, b.Group))
	})
	return rep
}

// noOwner names the group of resources without the label grouped by.
const noOwner = "(none)"

func groupOf(r Row, by string) string {
	v := ""
	switch by {
	case ByAccount:
		v = r.Account
	case ByApplication:
		v = r.Application
	case ByTeam:
		v = r.TeamEmail
	}
	if v == "" {
		return noOwner
	}
	return v
}

// ValidBy reports whether by is a grouping Build takes.
func ValidBy(by string) bool {
	return by == ByResource || by == ByAccount || by == ByApplication || by == ByTeam
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// money formats US dollars for people: "$12.34".
func money(v float64) string { return fmt.Sprintf("$%.2f", v) }
