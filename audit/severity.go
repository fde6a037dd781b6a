package audit

import (
	"fmt"
	"strings"
)

// Severity is how much a failing check matters. Each check has one; its
// findings carry it.
type Severity string

// The severities, from the most serious.
const (
	// Critical: a failure exposes data or a service to the internet
	// (public buckets, databases, search domains, Lambda functions, APIs
	// without an authorizer, ports open to the world), leaves data
	// unencrypted, or risks losing it (nothing backs it up, no
	// point-in-time recovery).
	Critical Severity = "critical"
	// Warning: every other failure of the checklist.
	Warning Severity = "warning"
)

// Severities returns every severity, the most serious first.
func Severities() []Severity { return []Severity{Critical, Warning} }

// ParseSeverity reads a severity, ignoring case and surrounding space.
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	for _, sev := range Severities() {
		if v == sev {
			return sev, nil
		}
	}
	return "", fmt.Errorf("parse severity %q: want one of critical, warning", s)
}

// rank orders severities: the higher, the more serious. A severity this
// opsd does not know (a report kept by an older one has none) ranks as a
// warning.
func (s Severity) rank() int {
	if s == Critical {
		return 2
	}
	return 1
}

// AtLeast reports whether s is min or more serious.
func (s Severity) AtLeast(min Severity) bool { return s.rank() >= min.rank() }

// FailuresAtLeast returns the failing findings, of every application, of
// checks of severity min or more serious. Findings that could not be
// assessed (Unknown) are not failures.
func (r *Report) FailuresAtLeast(min Severity) []Finding {
	var out []Finding
	for _, f := range r.Failures() {
		if f.Severity.AtLeast(min) {
			out = append(out, f)
		}
	}
	return out
}
