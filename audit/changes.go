package audit

import "sort"

// Change is how one application's assessment changed since the previous
// one.
type Change struct {
	Application string
	// Score and Previous are the application's scores now and in the
	// previous report (nil when it had none).
	Score, Previous *int
	// Known says the application was in the previous report.
	Known bool
	// Gone says the application is no longer seen (none of its resources
	// were found).
	Gone bool
	// Failing is how many of its findings fail now.
	Failing int
	// NewFailures fail now and did not before; Fixed failed before and
	// do not now.
	NewFailures, Fixed []Finding
}

// compare returns the change of every application in cur or prev,
// ordered by name. With no previous report nothing is new or fixed. A
// failure is new only when the previous report knew the resource passed
// (or had no such resource where it could see); it is fixed only when the
// current report knows it passes (or the resource is gone from where it
// can see): a resource that could not be assessed is neither.
func compare(prev, cur *Report) []Change {
	prevStatus, curStatus := statuses(prev), statuses(cur)
	var out []Change
	seen := map[string]bool{}
	for _, app := range cur.groups() {
		seen[app.Name] = true
		ch := Change{Application: app.Name, Score: app.Overall.Score, Failing: app.Overall.Failed}
		if old := prev.Application(app.Name); old != nil {
			ch.Known, ch.Previous = true, old.Overall.Score
		}
		for _, f := range app.Findings {
			if f.Status == Fail && prev != nil && settled(prev, prevStatus, f) {
				ch.NewFailures = append(ch.NewFailures, f)
			}
		}
		out = append(out, ch)
	}
	byApp := map[string]int{}
	for i, ch := range out {
		byApp[ch.Application] = i
	}
	if prev != nil {
		for _, old := range prev.groups() {
			i, ok := byApp[old.Name]
			if !ok {
				out = append(out, Change{Application: old.Name, Known: true, Gone: true, Previous: old.Overall.Score})
				i = len(out) - 1
				byApp[old.Name] = i
			}
			for _, f := range old.Findings {
				if f.Status == Fail && settled(cur, curStatus, f) {
					out[i].Fixed = append(out[i].Fixed, f)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return appLess(out[i].Application, out[j].Application) })
	return out
}

// statuses maps each finding of r to its status.
func statuses(r *Report) map[string]Status {
	out := map[string]Status{}
	if r == nil {
		return out
	}
	for _, a := range r.groups() {
		for _, f := range a.Findings {
			out[f.key()] = f.Status
		}
	}
	return out
}

// settled reports whether r knows f's resource does not fail f's check:
// it passes or does not apply, or r saw no such resource where nothing
// kept it from seeing.
func settled(r *Report, status map[string]Status, f Finding) bool {
	switch st, ok := status[f.key()]; {
	case ok:
		return st == Pass || st == NotApplicable
	case r.hidden(f):
		return false
	}
	return true
}

// hidden reports whether a gap of r could hide f's resource.
func (r *Report) hidden(f Finding) bool {
	for _, g := range r.Gaps {
		if g.Account == f.Account && g.Region == f.Region && (g.Source == "" || g.Source == sourceOf(f.Kind)) {
			return true
		}
	}
	return false
}
