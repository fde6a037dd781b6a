package audit

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/opsd-dev/opsd/notify"
)

// reportTimeLayout is how the report shows when it was assessed.
const reportTimeLayout = "2006-01-02 15:04 MST"

// WriteText writes the report as plain text for a terminal: the summary
// table, then every application's failing and unassessed findings and
// its passing counts, then what could not be assessed.
func WriteText(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	if r == nil {
		fmt.Fprintln(bw, "No assessment has run yet.")
		return bw.Flush()
	}
	fmt.Fprintf(bw, "Production readiness, assessed %s: %s, %d failing\n\n",
		r.GeneratedAt.Format(reportTimeLayout), notify.Count(len(r.Applications), "application", "applications"), len(r.Failures()))
	if len(r.groups()) == 0 {
		fmt.Fprintln(bw, "No applications found.")
	} else {
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		head := []string{"APPLICATION", "SCORE"}
		for _, p := range Pillars() {
			head = append(head, strings.ToUpper(string(p)))
		}
		fmt.Fprintln(tw, strings.Join(head, "\t"))
		for _, a := range r.groups() {
			row := []string{a.Name, scoreText(a.Overall.Score)}
			for _, p := range Pillars() {
				row = append(row, cellText(a.Pillar(p)))
			}
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		tw.Flush()
		fmt.Fprintln(bw, "(cells: passed/judged, ✗ failing, ? not assessed)")
	}
	for _, a := range r.groups() {
		writeAppText(bw, r, a)
	}
	if len(r.Gaps) > 0 {
		fmt.Fprintln(bw, "\nNot assessed:")
		for _, g := range r.Gaps {
			fmt.Fprintf(bw, "  %s\n", gapText(g))
		}
	}
	return bw.Flush()
}

// cellText is a pillar's cell: "5/6 ✗1", "4/4", "–".
func cellText(t Tally) string {
	judged := t.Passed + t.Failed
	if judged == 0 && t.Unknown == 0 {
		return "–"
	}
	s := fmt.Sprintf("%d/%d", t.Passed, judged)
	if t.Failed > 0 {
		s += fmt.Sprintf(" ✗%d", t.Failed)
	}
	if t.Unknown > 0 {
		s += fmt.Sprintf(" ?%d", t.Unknown)
	}
	return s
}

func writeAppText(w io.Writer, r *Report, a Application) {
	fmt.Fprintf(w, "\n== %s: %s (%d passed, %d failed", a.Name, scoreText(a.Overall.Score), a.Overall.Passed, a.Overall.Failed)
	if a.Overall.Unknown > 0 {
		fmt.Fprintf(w, ", %d not assessed", a.Overall.Unknown)
	}
	fmt.Fprintln(w, ") ==")
	if a.Name == PlatformGroup {
		fmt.Fprintln(w, platformNote)
	}
	for _, f := range a.Findings {
		switch f.Status {
		case Fail:
			fmt.Fprintf(w, "FAIL     %s  %s %s (%s/%s): %s\n", f.Check, f.Kind, f.Label(), f.Account, f.Region, f.Reason)
		case Unknown:
			fmt.Fprintf(w, "UNKNOWN  %s  %s %s (%s/%s): %s\n", f.Check, f.Kind, f.Label(), f.Account, f.Region, f.Reason)
		}
	}
	for _, pc := range passingCounts(r, a) {
		fmt.Fprintf(w, "pass     %s: %d\n", pc.title, pc.passed)
	}
}

// passCount is how many resources of an application pass one check.
type passCount struct {
	id, title string
	passed    int
}

// passingCounts returns, in check order, how many of the application's
// resources pass each check that any passes.
func passingCounts(r *Report, a Application) []passCount {
	var out []passCount
	for _, c := range r.Checks {
		n := 0
		for _, f := range a.Findings {
			if f.Check == c.ID && f.Status == Pass {
				n++
			}
		}
		if n > 0 {
			out = append(out, passCount{id: c.ID, title: c.Title, passed: n})
		}
	}
	return out
}

func gapText(g Gap) string {
	what := string(g.Source)
	if what == "" {
		what = "every collector"
	}
	return fmt.Sprintf("%s/%s %s: %s (checks: %s)", g.Account, g.Region, what, g.Error, strings.Join(g.Checks, ", "))
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write audit report json: %w", err)
	}
	return nil
}
