package shutdown

import (
	"fmt"
	"strings"
)

// Problem is one reason a resource's shutdown tags are not acted on but
// reported. A resource may have several; Problems is a set of them.
type Problem uint16

// The problems tags can have.
const (
	// ProblemMalformed: OOOShutdown is neither true nor false, or
	// opsd:schedule is empty.
	ProblemMalformed Problem = 1 << iota
	// ProblemUnknownSchedule: opsd:schedule names no configured schedule.
	ProblemUnknownSchedule
	// ProblemConflict: the tags ask for different schedules, e.g.
	// WeekendShutdown with OOOShutdown=true, or WeekendShutdown with
	// opsd:schedule naming another schedule.
	ProblemConflict
	// ProblemOptOutConflict: a tag says false (opted out) while another
	// asks for shutdown. The opt-out wins: the resource is never acted on.
	ProblemOptOutConflict
	// ProblemKeyCase: a tag key differs from a shutdown key only in case
	// ("ooOShutdown"); keys are case-sensitive, so it does nothing.
	ProblemKeyCase
	// ProblemNoEnvironment: the resource asks for shutdown but has no
	// environment tag.
	ProblemNoEnvironment
	// ProblemProduction: the resource asks for shutdown in a production
	// environment, where nothing is ever stopped.
	ProblemProduction
	// ProblemEnvironment: the resource asks for shutdown in an
	// environment that is neither in shutdown.environments nor production
	// (pre-prod, mgmt, a typo).
	ProblemEnvironment
)

// Has reports whether the set p contains q.
func (p Problem) Has(q Problem) bool { return p&q != 0 }

// Intent is what a resource's tags ask of the shutdown service.
//
// The rules (keys as configured, case-sensitive; values trimmed):
//   - OOOShutdown: "true" selects the default schedule, "false" opts out,
//     both in any case; any other value is malformed.
//   - OutOfHoursShutdown present selects the default schedule, whatever its
//     value, except "false" (any case), which opts out.
//   - WeekendShutdown present selects the weekend schedule, likewise except
//     "false".
//   - opsd:schedule=<name> selects that schedule (names match ignoring
//     case) instead of the default: with OOOShutdown=true or
//     OutOfHoursShutdown the named schedule applies. An empty value is
//     malformed; an unknown name is reported.
//   - An opt-out wins over every tag asking for shutdown; when both are
//     present the conflict is also reported.
//   - WeekendShutdown with OOOShutdown=true or OutOfHoursShutdown, or with
//     opsd:schedule naming another schedule, is ambiguous: reported, never
//     acted on.
//   - A resource that asks for shutdown is in scope only when its
//     environment tag is one of shutdown.environments (ignoring case).
//     Anywhere else, production above all, it is reported, never acted on.
type Intent struct {
	// Schedule is the configured name of the schedule that applies; empty
	// when none does (untagged, opted out, or a problem).
	Schedule string
	// By is the tag key that selected Schedule.
	By string
	// OptedOut is set when a tag says false.
	OptedOut bool
	// Environment is the environment tag's value, as tagged.
	Environment string
	// InScope is set when Environment is one shutdown acts in.
	InScope bool
	// Production is set when Environment is a production environment.
	Production bool
	// Problems are the reasons the tags are reported, not acted on.
	Problems Problem

	tagged bool
	raw    rawTags
}

// rawTags are the shutdown tags as found, for messages.
type rawTags struct {
	ooo, outOfHours, weekend, named        string
	hasOOO, hasOutOfHours, hasWeekend, has bool
	miscased                               string
}

// Tagged reports whether the resource carries any shutdown tag (asking for
// shutdown or opting out, well-formed or not).
func (i Intent) Tagged() bool { return i.tagged }

// Wants reports whether the tags ask for shutdown under a schedule,
// whatever the environment: no opt-out and no tag problem.
func (i Intent) Wants() bool { return i.Schedule != "" && !i.OptedOut }

// Actionable reports whether opsd may act on the resource: it asks for a
// known schedule, in an environment shutdown acts in, with no problem.
func (i Intent) Actionable() bool {
	return i.Wants() && i.InScope && i.Problems == 0
}

// Intent parses a resource's tags. It does not allocate.
func (p *Planner) Intent(tags map[string]string) Intent {
	k := &p.keys
	var in Intent
	var r rawTags
	r.ooo, r.hasOOO = tags[k.OOO]
	r.outOfHours, r.hasOutOfHours = tags[k.OutOfHours]
	r.weekend, r.hasWeekend = tags[k.Weekend]
	r.named, r.has = tags[k.Schedule]
	in.raw = r
	in.tagged = r.hasOOO || r.hasOutOfHours || r.hasWeekend || r.has
	env, hasEnv := tags[k.Environment]
	in.Environment = env
	in.InScope = hasEnv && containsWord(p.environments, env)
	in.Production = hasEnv && containsWord(p.production, env)

	if !in.tagged {
		if miscased := p.miscasedKey(tags); miscased != "" {
			in.raw.miscased = miscased
			in.tagged = true
			in.Problems |= ProblemKeyCase
		}
		return in
	}

	var wantDefault, wantWeekend, optOut bool
	var defaultBy string
	if r.hasOOO {
		switch {
		case sameWord(r.ooo, "true"):
			wantDefault, defaultBy = true, k.OOO
		case sameWord(r.ooo, "false"):
			optOut = true
		default:
			in.Problems |= ProblemMalformed
		}
	}
	if r.hasOutOfHours {
		if sameWord(r.outOfHours, "false") {
			optOut = true
		} else if !wantDefault {
			wantDefault, defaultBy = true, k.OutOfHours
		}
	}
	if r.hasWeekend {
		if sameWord(r.weekend, "false") {
			optOut = true
		} else {
			wantWeekend = true
		}
	}
	var named string
	if r.has {
		if strings.TrimSpace(r.named) == "" {
			in.Problems |= ProblemMalformed
		} else if name, ok := p.scheduleName(r.named); ok {
			named = name
		} else {
			in.Problems |= ProblemUnknownSchedule
		}
	}
	asks := wantDefault || wantWeekend || r.has

	switch {
	case optOut:
		in.OptedOut = true
		if asks {
			in.Problems |= ProblemOptOutConflict
		}
		return in
	case in.Problems != 0:
	case named != "":
		if wantWeekend && named != p.weekend {
			in.Problems |= ProblemConflict
		} else {
			in.Schedule, in.By = named, k.Schedule
		}
	case wantWeekend && wantDefault:
		in.Problems |= ProblemConflict
	case wantWeekend:
		in.Schedule, in.By = p.weekend, k.Weekend
	case wantDefault:
		in.Schedule, in.By = p.defaultName, defaultBy
	}

	switch {
	case in.InScope:
	case in.Production:
		in.Problems |= ProblemProduction
	case !hasEnv:
		in.Problems |= ProblemNoEnvironment
	default:
		in.Problems |= ProblemEnvironment
	}
	return in
}

// miscasedKey returns a tag key that equals a shutdown key ignoring case
// but is not it, or "".
func (p *Planner) miscasedKey(tags map[string]string) string {
	k := &p.keys
	for key := range tags {
		for _, want := range [...]string{k.OOO, k.OutOfHours, k.Weekend, k.Schedule} {
			if key != want && strings.EqualFold(key, want) {
				return key
			}
		}
	}
	return ""
}

// problemText explains each problem in i, joined with "; ".
func (p *Planner) problemText(i Intent) string {
	k := &p.keys
	r := &i.raw
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if i.Problems.Has(ProblemKeyCase) {
		add("tag key %q is not one opsd reads: keys are case-sensitive (%s, %s, %s, %s)", r.miscased, k.OOO, k.OutOfHours, k.Weekend, k.Schedule)
	}
	if i.Problems.Has(ProblemMalformed) {
		if r.hasOOO && !sameWord(r.ooo, "true") && !sameWord(r.ooo, "false") {
			add("%s=%q is neither true nor false", k.OOO, r.ooo)
		}
		if r.has && strings.TrimSpace(r.named) == "" {
			add("%s is empty: it should name a schedule (%s)", k.Schedule, strings.Join(p.names, ", "))
		}
	}
	if i.Problems.Has(ProblemUnknownSchedule) {
		add("%s=%q names no schedule in shutdown.schedules (%s)", k.Schedule, r.named, strings.Join(p.names, ", "))
	}
	if i.Problems.Has(ProblemConflict) {
		add("%s asks for schedule %s but %s: the tags disagree, so nothing is done", k.Weekend, p.weekend, p.otherRequest(r))
	}
	if i.Problems.Has(ProblemOptOutConflict) {
		add("opted out by %s, yet %s: opted out wins, so nothing is done", p.optOutBy(r), p.requests(r))
	}
	if i.Problems.Has(ProblemProduction) {
		add("%s=%s: never stopped in production, whatever its shutdown tags", k.Environment, i.Environment)
	}
	if i.Problems.Has(ProblemNoEnvironment) {
		add("no %s tag: only %s are stopped", k.Environment, strings.Join(p.environments, ", "))
	}
	if i.Problems.Has(ProblemEnvironment) {
		add("%s=%s is not one shutdown acts in (%s)", k.Environment, i.Environment, strings.Join(p.environments, ", "))
	}
	return strings.Join(parts, "; ")
}

// otherRequest names the tag that conflicts with WeekendShutdown.
func (p *Planner) otherRequest(r *rawTags) string {
	k := &p.keys
	switch {
	case r.has:
		return fmt.Sprintf("%s=%s asks for another", k.Schedule, r.named)
	case r.hasOOO:
		return fmt.Sprintf("%s=%s asks for %s", k.OOO, r.ooo, p.defaultName)
	default:
		return fmt.Sprintf("%s asks for %s", k.OutOfHours, p.defaultName)
	}
}

// optOutBy names the tags that say false.
func (p *Planner) optOutBy(r *rawTags) string {
	k := &p.keys
	var by []string
	if r.hasOOO && sameWord(r.ooo, "false") {
		by = append(by, k.OOO+"="+r.ooo)
	}
	if r.hasOutOfHours && sameWord(r.outOfHours, "false") {
		by = append(by, k.OutOfHours+"="+r.outOfHours)
	}
	if r.hasWeekend && sameWord(r.weekend, "false") {
		by = append(by, k.Weekend+"="+r.weekend)
	}
	return strings.Join(by, " and ")
}

// requests names the tags that ask for shutdown.
func (p *Planner) requests(r *rawTags) string {
	k := &p.keys
	var by []string
	if r.hasOOO && sameWord(r.ooo, "true") {
		by = append(by, k.OOO+"="+r.ooo)
	}
	if r.hasOutOfHours && !sameWord(r.outOfHours, "false") {
		by = append(by, k.OutOfHours)
	}
	if r.hasWeekend && !sameWord(r.weekend, "false") {
		by = append(by, k.Weekend)
	}
	if r.has {
		by = append(by, k.Schedule+"="+r.named)
	}
	return strings.Join(by, " and ") + " asks for shutdown"
}

// containsWord reports whether list holds s, ignoring case and spaces.
func containsWord(list []string, s string) bool {
	for _, w := range list {
		if sameWord(w, s) {
			return true
		}
	}
	return false
}
