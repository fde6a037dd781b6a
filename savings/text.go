package savings

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

// WriteText writes rep for people: a line per row (resource, or group with
// its resources' prices below), the totals, and what the figure is not.
func WriteText(w io.Writer, rep Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Estimated savings of overnight shutdown, %s (%s to %s, %s)\n\n", rep.Month,
		rep.From.In(location(rep)).Format("2 Jan 15:04"), rep.To.In(location(rep)).Format("2 Jan 15:04"), rep.Timezone)
	if rep.By == ByResource {
		fmt.Fprintln(tw, "RESOURCE\tKIND\tACCOUNT\tREGION\tHOURS OFF\tPRICE/HOUR\tSAVED\tBASIS")
		for _, r := range rep.Rows {
			resourceLine(tw, r)
		}
	} else {
		fmt.Fprintf(tw, "%s\tRESOURCES\tHOURS OFF\tSAVED\t\n", header(rep.By))
		for _, g := range rep.Rows {
			extra := ""
			if g.Unpriced > 0 {
				extra = fmt.Sprintf("(%d not priced)", g.Unpriced)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", g.Group, len(g.Resources), hours(g.HoursOff), money(g.SavedUSD), extra)
		}
		fmt.Fprintln(tw, "\nPrices used:")
		fmt.Fprintln(tw, "RESOURCE\tKIND\tACCOUNT\tREGION\tHOURS OFF\tPRICE/HOUR\tSAVED\tBASIS")
		for _, g := range rep.Rows {
			for _, r := range g.Resources {
				resourceLine(tw, r)
			}
		}
	}
	t := rep.Totals
	fmt.Fprintf(tw, "\nTotal: %s hours off, %s saved, %d resources", hours(t.HoursOff), money(t.SavedUSD), t.Resources)
	if t.Unpriced > 0 {
		fmt.Fprintf(tw, " (%d not priced, counted as $0.00)", t.Unpriced)
	}
	fmt.Fprintln(tw)
	if rep.Capped {
		fmt.Fprintln(tw, "The ledger dropped its oldest intervals to stay small: this month's hours are under-counted.")
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(tw, n)
	}
	return tw.Flush()
}

func resourceLine(w io.Writer, r Row) {
	price, basis := "-", r.Basis
	if r.HourlyUSD != nil {
		price = "$" + strconv.FormatFloat(*r.HourlyUSD, 'f', 4, 64)
		if round(*r.HourlyUSD, 4) != *r.HourlyUSD {
			price = "$" + strconv.FormatFloat(*r.HourlyUSD, 'f', -1, 64)
		}
	}
	if r.Note != "" {
		if basis != "" {
			basis += "; "
		}
		basis += r.Note
	}
	name := r.Resource
	if r.Name != "" {
		name += " (" + r.Name + ")"
	}
	fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, r.Kind, r.Account, r.Region, hours(r.HoursOff), price, money(r.SavedUSD), basis)
}

func header(by string) string {
	switch by {
	case ByAccount:
		return "ACCOUNT"
	case ByApplication:
		return "APPLICATION"
	}
	return "TEAM"
}

func hours(h float64) string { return strconv.FormatFloat(h, 'f', 2, 64) }

// location is the report's timezone.
func location(rep Report) *time.Location {
	if rep.loc != nil {
		return rep.loc
	}
	if loc, err := time.LoadLocation(rep.Timezone); err == nil {
		return loc
	}
	return time.UTC
}
