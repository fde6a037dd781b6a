package patching

import (
	"fmt"
	"strings"
	"time"
)

// scanDeliveryTimeout is a scan command's delivery timeout: an instance it
// has not started on by then is left out and reported.
const scanDeliveryTimeout = 2 * time.Hour

// planScan decides about every instance the scan tag opts in. A scan is
// due for an instance when the latest occurrence of the scan schedule has
// no opsd scan command that covers it: at the occurrence for every
// instance SSM can reach, later (at the next reconcile that finds it
// Online) for one that was stopped or offline then.
func (p *Planner) planScan(pl *Plan, ix *index, instances []Instance, now time.Time) {
	run, ok := p.scanRun(now)
	if !ok {
		return
	}
	var due []*Item
	for _, i := range instances {
		if !p.wantsScan(i) {
			continue
		}
		m := ix.managed(i.ID)
		mark := i.Tags[p.keys.ScanReported]
		item := func(v Verb, reason string) *Item {
			it := newItem(i, PurposeScan, run, m, v, reason)
			pl.Items = append(pl.Items, it)
			return it
		}
		c, covered := ix.cover(run, i.ID)
		switch {
		case covered && mark == run.doneMark():
			item(VerbNone, fmt.Sprintf("scanned for %s (command %s) and reported", p.scanLocal(run), c.cmd.ID)).Command = c.cmd.ID
		case covered && !c.terminal():
			item(VerbWait, fmt.Sprintf("scan for %s under way (command %s: %s)", p.scanLocal(run), c.cmd.ID, c.status)).Command = c.cmd.ID
		case covered && m == nil && !(c.known && c.success()):
			// A command that names an instance SSM does not manage says
			// nothing about it: only its own successful invocation would.
			why, _ := unscannable(i, m)
			it := item(VerbReport, "not scanned: "+why)
			it.Command = c.cmd.ID
			it.Mark = run.skipMark()
		case covered:
			it := item(VerbResult, "")
			it.Command = c.cmd.ID
			it.Outcome = ix.outcome(c, i.ID, instancePlatform(i, m))
			it.Reason = scanResultReason(it.Outcome)
			it.Mark = run.doneMark()
		case mark == run.doneMark():
			item(VerbNone, fmt.Sprintf("scanned for %s and reported", p.scanLocal(run)))
		default:
			why, wait := unscannable(i, m)
			switch {
			case wait:
				item(VerbWait, why)
			case why != "":
				it := item(VerbReport, "not scanned: "+why)
				it.Mark = run.skipMark()
			default:
				due = append(due, item(VerbScan, fmt.Sprintf("no scan yet for %s", p.scanLocal(run))))
			}
		}
	}
	pl.addSends(due, Send{
		Run:            run,
		MaxConcurrency: p.scanMaxConcurrency,
		MaxErrors:      p.scanMaxErrors,
		TimeoutSeconds: int32(scanDeliveryTimeout / time.Second),
	})
}

// scanLocal formats a scan run's time for people.
func (p *Planner) scanLocal(r Run) string { return localTime(r.Start, p.scan.loc) }

// unscannable says why SSM cannot run a command on the instance now, or
// "" when it can. wait is true when the reason passes by itself soon (the
// instance is starting).
func unscannable(i Instance, m *Managed) (why string, wait bool) {
	switch i.State {
	case statePending:
		return "starting; waiting for it to run", true
	case stateStopped:
		return "stopped", false
	case stateStopping:
		return "stopping", false
	}
	switch {
	case m == nil:
		return "not managed by SSM (no SSM Agent registration: check the agent and the instance profile)", false
	case !m.Online():
		return fmt.Sprintf("SSM Agent is %s", m.PingStatus), false
	case m.Platform() == PlatformOther:
		return fmt.Sprintf("unsupported platform %s (opsd patches Windows and Ubuntu only)", m.OS()), false
	}
	return "", false
}

// instancePlatform is the instance's platform from SSM, or from EC2 when
// SSM no longer knows it (EC2 tells Windows only).
func instancePlatform(i Instance, m *Managed) Platform {
	if m != nil {
		return m.Platform()
	}
	if strings.HasPrefix(i.PlatformDetails, "Windows") {
		return PlatformWindows
	}
	return PlatformOther
}

// scanResultReason describes a scan's outcome.
func scanResultReason(o *Outcome) string {
	switch {
	case o.Failed:
		return fmt.Sprintf("scan failed (command %s: %s)", o.Command, o.Status)
	case o.State == nil:
		return fmt.Sprintf("scanned (command %s), but SSM has no patch state for it", o.Command)
	case o.Critical+o.Important > 0:
		return fmt.Sprintf("missing %d critical and %d important patches", o.Critical, o.Important)
	}
	return "scanned: no critical or important patches missing"
}
