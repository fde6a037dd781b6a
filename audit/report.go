package audit

import (
	"slices"
	"sort"
	"strings"
	"time"
)

// Report is one assessment of every application.
type Report struct {
	// GeneratedAt is the time the assessment ran as of.
	GeneratedAt time.Time `json:"generated_at"`
	// Checks are the checks assessed, in report order.
	Checks []CheckInfo `json:"checks"`
	// Applications are sorted by name, the untagged resources last.
	Applications []Application `json:"applications"`
	// Platform holds the findings on what belongs to the platform, not to
	// an application (the VPCs' default security groups), tallied like an
	// application's and named PlatformGroup; nil when there are none.
	Platform *Application `json:"platform,omitempty"`
	// Gaps are what could not be assessed.
	Gaps []Gap `json:"gaps,omitempty"`
}

// Application is the assessment of one application.
type Application struct {
	Name    string        `json:"name"`
	Overall Tally         `json:"overall"`
	Pillars []PillarTally `json:"pillars"`
	// Findings are failures first, then unknowns, passes and the not
	// applicable, each in check order.
	Findings []Finding `json:"findings"`
}

// Tally counts findings by status.
type Tally struct {
	Passed        int `json:"passed"`
	Failed        int `json:"failed"`
	NotApplicable int `json:"not_applicable"`
	Unknown       int `json:"unknown"`
	// Score is passed / (passed + failed) as a whole percentage, rounded
	// down (so 100 means nothing failed); nil when nothing passed or
	// failed.
	Score *int `json:"score"`
}

// PillarTally is the tally of one pillar.
type PillarTally struct {
	Pillar Pillar `json:"pillar"`
	Tally
}

func (t *Tally) add(s Status) {
	switch s {
	case Pass:
		t.Passed++
	case Fail:
		t.Failed++
	case NotApplicable:
		t.NotApplicable++
	case Unknown:
		t.Unknown++
	}
	t.Score = nil
	if n := t.Passed + t.Failed; n > 0 {
		score := t.Passed * 100 / n
		t.Score = &score
	}
}

// PlatformGroup names the report's platform section where applications
// are named (the Slack summary's rows, the report's tables).
const PlatformGroup = "(platform)"

// platformNote says what the platform section holds.
const platformNote = "What belongs to the accounts and their VPCs, not to an application: the VPCs' default security groups."

// buildReport groups findings into applications and the platform.
func buildReport(now time.Time, checks []CheckInfo, findings []Finding, gaps []Gap) *Report {
	order := map[string]int{}
	for i, c := range checks {
		order[c.ID] = i
	}
	byApp := map[string][]Finding{}
	var platform []Finding
	for _, f := range findings {
		if f.Platform != "" {
			platform = append(platform, f)
			continue
		}
		byApp[f.Application] = append(byApp[f.Application], f)
	}
	rep := &Report{GeneratedAt: now, Checks: checks, Gaps: gaps}
	if len(platform) > 0 {
		p := newApplication(PlatformGroup, platform, order)
		rep.Platform = &p
	}
	for name, fs := range byApp {
		rep.Applications = append(rep.Applications, newApplication(name, fs, order))
	}
	sort.Slice(rep.Applications, func(i, j int) bool {
		return appLess(rep.Applications[i].Name, rep.Applications[j].Name)
	})
	return rep
}

// appLess orders application names case-insensitively, untagged last.
func appLess(a, b string) bool {
	if (a == Untagged) != (b == Untagged) {
		return b == Untagged
	}
	if la, lb := strings.ToLower(a), strings.ToLower(b); la != lb {
		return la < lb
	}
	return a < b
}

func newApplication(name string, fs []Finding, order map[string]int) Application {
	app := Application{Name: name, Findings: fs}
	tallies := map[Pillar]*Tally{}
	for _, f := range fs {
		app.Overall.add(f.Status)
		t := tallies[f.Pillar]
		if t == nil {
			t = &Tally{}
			tallies[f.Pillar] = t
		}
		t.add(f.Status)
	}
	for _, p := range Pillars() {
		pt := PillarTally{Pillar: p}
		if t := tallies[p]; t != nil {
			pt.Tally = *t
		}
		app.Pillars = append(app.Pillars, pt)
	}
	sortFindings(app.Findings, order)
	return app
}

// statusOrder puts failures first.
func statusOrder(s Status) int {
	switch s {
	case Fail:
		return 0
	case Unknown:
		return 1
	case Pass:
		return 2
	}
	return 3
}

func sortFindings(fs []Finding, order map[string]int) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if x, y := statusOrder(a.Status), statusOrder(b.Status); x != y {
			return x < y
		}
		if x, y := order[a.Check], order[b.Check]; x != y {
			return x < y
		}
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Resource < b.Resource
	})
}

// Filter returns the report of one application (matched exactly, else
// ignoring case); its applications are empty when there is none of that
// name, and it has no platform section. The checks and gaps are kept: a
// gap may hide any application's resources. A nil report filters to nil.
func (r *Report) Filter(application string) *Report {
	if r == nil {
		return nil
	}
	out := &Report{GeneratedAt: r.GeneratedAt, Checks: r.Checks, Gaps: r.Gaps}
	i := slices.IndexFunc(r.Applications, func(a Application) bool { return a.Name == application })
	if i < 0 {
		i = slices.IndexFunc(r.Applications, func(a Application) bool { return strings.EqualFold(a.Name, application) })
	}
	if i >= 0 {
		out.Applications = []Application{r.Applications[i]}
	}
	return out
}

// Application returns the application called name (PlatformGroup for
// the platform section), or nil.
func (r *Report) Application(name string) *Application {
	if r == nil {
		return nil
	}
	for i := range r.Applications {
		if r.Applications[i].Name == name {
			return &r.Applications[i]
		}
	}
	if r.Platform != nil && name == PlatformGroup {
		return r.Platform
	}
	return nil
}

// groups returns the applications, then the platform section if any: each
// group of findings the report shows.
func (r *Report) groups() []Application {
	if r == nil {
		return nil
	}
	if r.Platform == nil {
		return r.Applications
	}
	return append(slices.Clip(r.Applications), *r.Platform)
}

// Failures returns every failing finding of every application and of the
// platform.
func (r *Report) Failures() []Finding {
	if r == nil {
		return nil
	}
	var out []Finding
	for _, a := range r.groups() {
		for _, f := range a.Findings {
			if f.Status == Fail {
				out = append(out, f)
			}
		}
	}
	return out
}

// checkTitle returns the title of check id.
func (r *Report) checkTitle(id string) string {
	for _, c := range r.Checks {
		if c.ID == id {
			return c.Title
		}
	}
	return id
}

// Pillar returns the tally of pillar p.
func (a Application) Pillar(p Pillar) Tally {
	for _, t := range a.Pillars {
		if t.Pillar == p {
			return t.Tally
		}
	}
	return Tally{}
}
