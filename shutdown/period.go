package shutdown

import (
	"fmt"
	"strings"
)

// rule is one compiled period: on the days it matches, a stretch from a
// minute of that day, off or left as it is.
type rule struct {
	match dayMatch
	// from is the minute of the matching day the stretch begins.
	from int
	// length is the stretch's length in minutes, by the weekday of the
	// matching day (a period whose on names a day lasts longer from some
	// days than from others).
	length [7]int
	// keep marks a stretch in which the resource is left as it is (neither
	// stopped nor started) rather than off.
	keep bool
}

// periodSet is a schedule's compiled periods.
type periodSet struct {
	rules []rule
	// lookback is how many days before a day a stretch that reaches into
	// it may begin.
	lookback int
	// weekly is set when every rule depends on the weekday alone.
	weekly bool
}

// compileWeek turns a schedule's periods into a periodSet. path names the
// schedule in errors ("shutdown.schedules.office"); every problem is
// returned.
func compileWeek(path string, periods []Period) (periodSet, []error) {
	if len(periods) == 0 {
		return periodSet{}, []error{fieldErrorf(path+".periods", "a schedule needs at least one off period")}
	}
	var errs []error
	set := periodSet{weekly: true}
	for i, p := range periods {
		rules, perr := compilePeriod(fmt.Sprintf("%s.periods[%d]", path, i), p)
		errs = append(errs, perr...)
		for _, r := range rules {
			set.rules = append(set.rules, r)
			set.weekly = set.weekly && r.match.weekly()
			for _, n := range r.length {
				set.lookback = max(set.lookback, (r.from+n-1)/minutesPerDay)
			}
		}
	}
	if len(errs) > 0 {
		return periodSet{}, errs
	}
	if set.alwaysOff() {
		if set.weekly {
			return periodSet{}, []error{fieldErrorf(path+".periods", "the periods cover the whole week, so nothing would ever be started")}
		}
		return periodSet{}, []error{fieldErrorf(path+".periods", "the periods cover every day, so nothing would ever be started")}
	}
	return set, nil
}

// compilePeriod compiles one period; pp is its key path.
func compilePeriod(pp string, p Period) ([]rule, []error) {
	var errs []error
	off, on := strings.TrimSpace(p.Off), strings.TrimSpace(p.On)
	offDay, offMin, onDay, onMin := -1, 0, -1, 0
	if off != "" {
		var err error
		if offDay, offMin, err = parseClock(p.Off); err != nil {
			errs = append(errs, &FieldError{Path: pp + ".off", Err: err})
			offDay = -1
		}
	}
	if on != "" {
		var err error
		if onDay, onMin, err = parseClock(p.On); err != nil {
			errs = append(errs, &FieldError{Path: pp + ".on", Err: err})
			onDay = -1
		}
	}
	m, matchErrs := compileMatch(pp, p, off, on, offDay, onDay, len(errs) > 0)
	errs = append(errs, matchErrs...)
	if len(errs) > 0 {
		return nil, errs
	}
	var rules []rule
	switch {
	case off != "" && on != "":
		r := rule{match: m, from: offMin}
		for w := range 7 {
			start := w*minutesPerDay + offMin
			if onDay < 0 {
				r.length[w] = ((onMin-offMin)%minutesPerDay + minutesPerDay) % minutesPerDay
			} else {
				r.length[w] = ((onDay*minutesPerDay+onMin-start)%minutesPerWeek + minutesPerWeek) % minutesPerWeek
			}
			if r.length[w] == 0 && m.startsOn(w) {
				return nil, []error{fieldErrorf(pp, "off and on are the same time (%q, %q)", p.Off, p.On)}
			}
		}
		rules = append(rules, r)
	case off != "":
		// Only off: left as it is from midnight, off from off to the end of
		// the day.
		if offMin > 0 {
			rules = append(rules, dayRule(m, 0, offMin, true))
		}
		rules = append(rules, dayRule(m, offMin, minutesPerDay, false))
	case on != "":
		// Only on: left as it is from midnight until on, then on.
		if onMin == 0 {
			return nil, []error{fieldErrorf(pp+".on", "%q with no off leaves nothing to do: the period is left as it is from midnight until on", p.On)}
		}
		rules = append(rules, dayRule(m, 0, onMin, true))
	default:
		// Neither: off all day on the days it names.
		rules = append(rules, dayRule(m, 0, minutesPerDay, false))
	}
	if !m.matchesSome() {
		return nil, []error{fieldErrorf(pp, "matches no day (days %q, monthdays %q, months %q never fall together)",
			strings.Join(p.Days, ","), strings.Join(p.Monthdays, ","), strings.Join(p.Months, ","))}
	}
	return rules, nil
}

// dayRule is a stretch within the day from minute from to minute to.
func dayRule(m dayMatch, from, to int, keep bool) rule {
	r := rule{match: m, from: from, keep: keep}
	for w := range r.length {
		r.length[w] = to - from
	}
	return r
}

// compileMatch compiles a period's days, monthdays and months, and the day
// named in off or on. clockErr is set when off or on could not be read:
// then days left out is not reported as well.
func compileMatch(pp string, p Period, off, on string, offDay, onDay int, clockErr bool) (dayMatch, []error) {
	var errs []error
	var m dayMatch
	named := len(p.Days) > 0
	switch {
	case offDay >= 0 && named:
		errs = append(errs, fieldErrorf(pp+".days", "must be empty when off names its day (%q)", p.Off))
	case offDay >= 0:
		m.hasDays, m.weekdays = true, 1<<offDay
	case off == "" && onDay >= 0 && named:
		errs = append(errs, fieldErrorf(pp+".days", "must be empty when on names its day (%q)", p.On))
	case off == "" && onDay >= 0:
		m.hasDays, m.weekdays = true, 1<<onDay
	case named || (len(p.Monthdays) == 0 && len(p.Months) == 0):
		if off == "" && on == "" && !named {
			errs = append(errs, fieldErrorf(pp, "names nothing: give off and on times, or the days (days, monthdays, months) it is off all day"))
			break
		}
		if clockErr && !named {
			break
		}
		w, nth, err := parseDayList(p.Days)
		if err != nil {
			errs = append(errs, &FieldError{Path: pp + ".days", Err: err})
		}
		m.hasDays, m.weekdays, m.nth = true, w, nth
	}
	if len(p.Monthdays) > 0 {
		d, last, nearest, err := parseMonthdays(p.Monthdays)
		if err != nil {
			errs = append(errs, &FieldError{Path: pp + ".monthdays", Err: err})
		}
		m.hasMonthdays, m.monthdays, m.lastDay, m.nearest = true, d, last, nearest
	}
	if len(p.Months) > 0 {
		mo, err := parseMonths(p.Months)
		if err != nil {
			errs = append(errs, &FieldError{Path: pp + ".months", Err: err})
		}
		m.hasMonths, m.months = true, mo
	}
	return m, errs
}

// startsOn reports whether the match can fall on weekday w.
func (m *dayMatch) startsOn(w int) bool {
	return !m.hasDays || m.weekdays&(1<<w) != 0 || m.nth[w] != 0
}
