package audit

import (
	"fmt"
	"html/template"
	"io"
	"strings"
	"unicode"

	"github.com/opsd-dev/opsd/notify"
)

// reportTemplate parses the report page. It parses a constant, so it
// cannot fail once the package's tests pass; WriteHTML still returns the
// error rather than panic.
func reportTemplate() (*template.Template, error) {
	return template.New("report").Parse(reportTemplateText)
}

// htmlPage is what the template shows.
type htmlPage struct {
	Report   *Report
	Filter   string
	When     string
	AppCount string
	Failing  int
	Pillars  []string
	Apps     []htmlApp
	Gaps     []htmlGap
}

type htmlApp struct {
	Name, Anchor, Score, Note              string
	Passed, Failed, Unknown, NotApplicable int
	Cells                                  []htmlCell
	Failures, Unknowns                     []htmlFinding
	Passing                                []htmlCount
}

type htmlCell struct{ Class, Text, Title, Anchor string }

type htmlFinding struct {
	Anchor, Check, CheckID, Resource, Kind, Account, Region, Reason string
}

type htmlCount struct {
	Title string
	Count int
}

type htmlGap struct{ Account, Region, What, Error, Checks string }

// WriteHTML writes the report as one self-contained HTML page: inline
// CSS, no scripts, no external resources. A summary table has a row per
// application and a cell per pillar (green when nothing fails, red when
// something does, grey when nothing was judged), each cell a link to the
// application's section, which lists the failing findings with their
// reasons and then the passing counts. Everything shown is escaped.
func WriteHTML(w io.Writer, r *Report) error {
	return writeHTML(w, r, "")
}

func writeHTML(w io.Writer, r *Report, filter string) error {
	t, err := reportTemplate()
	if err != nil {
		return fmt.Errorf("parse audit report template: %w", err)
	}
	if err := t.Execute(w, newHTMLPage(r, filter)); err != nil {
		return fmt.Errorf("write audit report html: %w", err)
	}
	return nil
}

func newHTMLPage(r *Report, filter string) htmlPage {
	p := htmlPage{
		Report:   r,
		Filter:   filter,
		When:     r.GeneratedAt.Format(reportTimeLayout),
		AppCount: notify.Count(len(r.Applications), "application", "applications"),
		Failing:  len(r.Failures()),
	}
	for _, pl := range Pillars() {
		p.Pillars = append(p.Pillars, pl.Title())
	}
	for i, a := range r.groups() {
		p.Apps = append(p.Apps, newHTMLApp(r, a, anchor(i, a.Name)))
	}
	for _, g := range r.Gaps {
		what := string(g.Source)
		if what == "" {
			what = "everything"
		}
		p.Gaps = append(p.Gaps, htmlGap{Account: g.Account, Region: g.Region, What: what, Error: g.Error, Checks: strings.Join(g.Checks, ", ")})
	}
	return p
}

func newHTMLApp(r *Report, a Application, id string) htmlApp {
	ha := htmlApp{
		Name: a.Name, Anchor: id, Score: scoreText(a.Overall.Score),
		Passed: a.Overall.Passed, Failed: a.Overall.Failed, Unknown: a.Overall.Unknown, NotApplicable: a.Overall.NotApplicable,
	}
	if a.Name == PlatformGroup {
		ha.Note = platformNote
	}
	for _, p := range Pillars() {
		ha.Cells = append(ha.Cells, newHTMLCell(a.Pillar(p), p, id))
	}
	for i, f := range a.Findings {
		hf := htmlFinding{
			Anchor: fmt.Sprintf("%s-f%d", id, i), Check: r.checkTitle(f.Check), CheckID: f.Check, Resource: f.Label(),
			Kind: string(f.Kind), Account: f.Account, Region: f.Region, Reason: f.Reason,
		}
		switch f.Status {
		case Fail:
			ha.Failures = append(ha.Failures, hf)
		case Unknown:
			ha.Unknowns = append(ha.Unknowns, hf)
		}
	}
	for _, pc := range passingCounts(r, a) {
		ha.Passing = append(ha.Passing, htmlCount{Title: pc.title, Count: pc.passed})
	}
	return ha
}

// newHTMLCell is one pillar's summary cell.
func newHTMLCell(t Tally, p Pillar, id string) htmlCell {
	c := htmlCell{Class: "none", Text: cellText(t), Anchor: id}
	switch {
	case t.Failed > 0:
		c.Class = "fail"
	case t.Passed > 0:
		c.Class = "pass"
	}
	c.Title = fmt.Sprintf("%s: %d passed, %d failed, %d not assessed, %d not applicable", p.Title(), t.Passed, t.Failed, t.Unknown, t.NotApplicable)
	return c
}

// anchor is a section id for the i-th application: unique, and made only
// of letters, digits and dashes whatever the name holds.
func anchor(i int, name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() >= 40 {
			break
		}
	}
	return fmt.Sprintf("app-%d-%s", i+1, strings.Trim(b.String(), "-"))
}
