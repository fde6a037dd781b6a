package shutdown

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Planner decides, for each resource, what the shutdown service does now.
// It is built once from the configuration and is safe for concurrent use.
type Planner struct {
	keys         TagKeys
	environments []string
	production   []string
	defaultName  string
	weekend      string
	// names are the schedule names, sorted, for messages.
	names      []string
	timetables map[string]*Timetable
	restop     bool
	// specs are the compiled schedules, from which timetables are built
	// again once their S3 calendars are read (see [Planner.WithCalendars]).
	specs map[string]*scheduleSpec
}

// NewPlanner compiles c. Schedules that name no timezone use loc (the
// daemon's timezone). It reads c.HolidaysFile, if set; an invalid c is an
// error listing every problem.
func NewPlanner(c Config, loc *time.Location) (*Planner, error) {
	if loc == nil {
		return nil, errors.New("compile shutdown schedules: no default timezone given")
	}
	if errs := c.Validate("shutdown"); len(errs) > 0 {
		return nil, fmt.Errorf("compile shutdown schedules: %w", errors.Join(errs...))
	}
	holidays, errs := c.collectHolidays("shutdown")
	if len(errs) > 0 {
		return nil, fmt.Errorf("compile shutdown schedules: %w", errors.Join(errs...))
	}
	p := &Planner{
		keys:         c.Tags,
		environments: trimAll(c.Environments),
		production:   trimAll(c.ProductionEnvironments),
		names:        scheduleNames(c.Schedules),
		timetables:   make(map[string]*Timetable, len(c.Schedules)),
		restop:       c.RDSRestop,
		specs:        make(map[string]*scheduleSpec, len(c.Schedules)),
	}
	p.defaultName, _ = findSchedule(c.Schedules, c.DefaultSchedule)
	p.weekend, _ = findSchedule(c.Schedules, c.WeekendSchedule)
	for _, name := range p.names {
		sp, errs := c.compileSchedule("shutdown", name, c.Schedules[name], loc, holidays)
		if len(errs) > 0 {
			return nil, fmt.Errorf("compile shutdown schedule %s: %w", name, errors.Join(errs...))
		}
		p.specs[name] = sp
		p.timetables[name] = sp.timetable(nil)
	}
	return p, nil
}

// Timetable returns the compiled schedule called name (ignoring case).
func (p *Planner) Timetable(name string) (*Timetable, bool) {
	key, ok := p.scheduleName(name)
	if !ok {
		return nil, false
	}
	return p.timetables[key], true
}

// scheduleName returns the configured name of the schedule a tag value
// names: exactly, or else ignoring case. It does not allocate.
func (p *Planner) scheduleName(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if tt, ok := p.timetables[v]; ok {
		return tt.name, true
	}
	for _, name := range p.names {
		if strings.EqualFold(name, v) {
			return name, true
		}
	}
	return "", false
}

func trimAll(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}
