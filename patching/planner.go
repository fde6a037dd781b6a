package patching

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Planner decides what the service does. It is compiled once from
// [Config] and is safe for concurrent use.
type Planner struct {
	keys               TagKeys
	scan               cronSchedule
	scanMaxConcurrency string
	scanMaxErrors      string
	windows            map[string]*window // by lower-case name
	names              []string           // window names as configured, sorted
	defaultWindow      *window
	rings              []*ring // in rollout order
	// documents are the SSM documents opsd's commands run (see
	// [Config.documents]).
	documents []string
}

// window is a compiled patch window.
type window struct {
	name  string
	cfg   Window
	start schedule
	// ring is the ring whose window this is, or nil for a configured
	// window.
	ring *ring
}

// occurrence is one opening of a window.
type occurrence struct {
	Start, End time.Time
}

// latest returns the window's latest opening that started at or before
// now (it may have ended), and false when there was none in the last
// year.
func (w *window) latest(now time.Time) (occurrence, bool) {
	s, ok := w.start.Latest(now)
	if !ok {
		return occurrence{}, false
	}
	return occurrence{Start: s.UTC(), End: s.Add(w.cfg.Duration).UTC()}, true
}

// next returns the window's first opening after now, and false when there
// is none in the next five years.
func (w *window) next(now time.Time) (occurrence, bool) {
	s := w.start.Next(now)
	if s.IsZero() {
		return occurrence{}, false
	}
	return occurrence{Start: s.UTC(), End: s.Add(w.cfg.Duration).UTC()}, true
}

// run is the install run of an opening.
func (w *window) run(o occurrence) Run {
	return Run{Op: OpInstall, Window: w.name, Start: o.Start}
}

// local formats t in the window's timezone for people.
func (w *window) local(t time.Time) string { return localTime(t, w.start.Location()) }

// NewPlanner compiles cfg. loc is the daemon's timezone, for schedules
// that name none; nil means UTC.
func NewPlanner(cfg Config, loc *time.Location) (*Planner, error) {
	if loc == nil {
		loc = time.UTC
	}
	if errs := cfg.Validate(ServiceName); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	scanLoc, err := locationOr(cfg.ScanTimezone, loc)
	if err != nil {
		return nil, err
	}
	scan, err := compileCron(cfg.ScanSchedule, scanLoc)
	if err != nil {
		return nil, err
	}
	p := &Planner{
		keys:               cfg.Tags,
		scan:               scan,
		scanMaxConcurrency: cfg.ScanMaxConcurrency,
		scanMaxErrors:      cfg.ScanMaxErrors,
		windows:            map[string]*window{},
		documents:          cfg.documents(),
	}
	for name, wc := range cfg.Windows {
		wc = wc.withDefaults()
		wl, err := locationOr(wc.Timezone, loc)
		if err != nil {
			return nil, err
		}
		start, err := compileWindowStart(wc, wl)
		if err != nil {
			return nil, err
		}
		p.windows[strings.ToLower(name)] = &window{name: name, cfg: wc, start: start}
		p.names = append(p.names, name)
	}
	sort.Strings(p.names)
	p.defaultWindow = p.windows[strings.ToLower(cfg.DefaultWindow)]
	if err := p.compileRings(cfg); err != nil {
		return nil, err
	}
	return p, nil
}

// compileWindowStart compiles a window's start: its Patch Tuesday, or its
// schedule as "patch_tuesday+Nd HH:MM" or cron.
func compileWindowStart(wc Window, loc *time.Location) (schedule, error) {
	switch {
	case wc.PatchTuesday != nil:
		return compilePatchTuesday(*wc.PatchTuesday, loc)
	case isPatchTuesdayExpr(wc.Schedule):
		pt, err := parsePatchTuesdayExpr(wc.Schedule)
		if err != nil {
			return nil, err
		}
		return compilePatchTuesday(pt, loc)
	}
	return compileCron(wc.Schedule, loc)
}

// allWindows returns the configured windows, by name, then the rings'.
func (p *Planner) allWindows() []*window {
	out := make([]*window, 0, len(p.names)+len(p.rings))
	for _, name := range p.names {
		out = append(out, p.windows[strings.ToLower(name)])
	}
	for _, r := range p.rings {
		out = append(out, r.w)
	}
	return out
}

// locationOr loads name, or returns def for "".
func locationOr(name string, def *time.Location) (*time.Location, error) {
	if name == "" {
		return def, nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("load timezone %q: %w", name, err)
	}
	return l, nil
}

// window returns the window called name (any case), or nil.
func (p *Planner) window(name string) *window { return p.windows[strings.ToLower(name)] }

// scanRun is the latest scan occurrence at or before now.
func (p *Planner) scanRun(now time.Time) (Run, bool) {
	s, ok := p.scan.Latest(now)
	if !ok {
		return Run{}, false
	}
	return Run{Op: OpScan, Start: s.UTC()}, true
}

// Since is the earliest time a command that matters at now can have been
// sent: an hour before the earliest of the latest scan occurrence and
// each window's latest opening. Older commands belong to runs that later
// ones have replaced.
func (p *Planner) Since(now time.Time) time.Time {
	earliest := now
	if r, ok := p.scanRun(now); ok && r.Start.Before(earliest) {
		earliest = r.Start
	}
	for _, w := range p.allWindows() {
		if o, ok := w.latest(now); ok && o.Start.Before(earliest) {
			earliest = o.Start
		}
	}
	return earliest.Add(-time.Hour).UTC()
}

// wantsScan reports whether the instance's tags ask for scans: the scan
// tag is present and not false.
func (p *Planner) wantsScan(i Instance) bool {
	v, ok := i.Tags[p.keys.Scan]
	return ok && !isFalse(v)
}

// patchWindow returns the window the instance's patch tag picks. tagged is
// false when the tag is absent or false. A value naming no window is a
// problem: never guessed.
func (p *Planner) patchWindow(i Instance) (w *window, tagged bool, problem string) {
	v, ok := i.Tags[p.keys.Patch]
	if !ok || isFalse(v) {
		return nil, false, ""
	}
	name := strings.TrimSpace(v)
	if name == "" || strings.EqualFold(name, "true") {
		return p.defaultWindow, true, ""
	}
	if w := p.window(name); w != nil && w.ring == nil {
		return w, true, ""
	}
	return nil, true, fmt.Sprintf("%s=%q names no patch window (windows: %s); not patched", p.keys.Patch, v, strings.Join(p.names, ", "))
}

// isFalse reports whether a tag value is false, in any case.
func isFalse(v string) bool { return strings.EqualFold(strings.TrimSpace(v), "false") }

// localTime formats t for people in loc: "Sun 29 Nov 01:00 GMT".
func localTime(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan 15:04 MST")
}

// relevantRuns are the runs whose commands matter at now, by [runKey]:
// the latest scan occurrence, each window's latest opening, and the
// openings opsd started instances for.
func (p *Planner) relevantRuns(o *Observation, now time.Time) map[string]bool {
	runs := map[string]bool{}
	if r, ok := p.scanRun(now); ok {
		runs[runKey(r)] = true
	}
	for _, w := range p.allWindows() {
		if occ, ok := w.latest(now); ok {
			runs[runKey(w.run(occ))] = true
		}
	}
	for _, i := range o.Instances {
		if wk, ok := parseWake(i.Tags[p.keys.Woken]); ok {
			runs[runKey(wk.Run)] = true
		}
	}
	return runs
}

// needInvocations returns the commands whose invocations the planner
// needs: the commands of runs that matter now that are first waves, or
// that were sent to an instance whose result in the run is not reported
// yet. Once every result is reported, a command is not read again.
func (p *Planner) needInvocations(o *Observation, now time.Time) []string {
	runs := p.relevantRuns(o, now)
	byID := make(map[string]Instance, len(o.Instances))
	for _, i := range o.Instances {
		byID[i.ID] = i
	}
	var out []string
	for _, c := range o.Commands {
		base := c.Run.base()
		if !runs[runKey(base)] {
			continue
		}
		purpose := PurposeInstall
		if c.Run.Op == OpScan {
			purpose = PurposeScan
		}
		need := c.First
		for _, id := range c.InstanceIDs {
			if i, ok := byID[id]; ok && i.Tags[p.reportedKey(purpose)] != base.doneMark() {
				need = true
			}
		}
		if need {
			out = append(out, c.ID)
		}
	}
	return out
}
