package monitor

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// NoApplication is the application of the coverage of instances without
// the application tag.
const NoApplication = "(none)"

// Coverage is how far monitoring reaches over one application's EC2
// instances in one account and region: how many are in scope, how many
// have the CloudWatch agent reporting, how many have every alarm they
// should have, and why the others do not.
type Coverage struct {
	// Account, Region and Application say whose instances these are;
	// Application is "(none)" for instances without the tag.
	Account, Region, Application string
	// Instances are the instances in scope (watched).
	Instances int
	// AgentReporting are those whose agent publishes the metrics opsd
	// alarms on.
	AgentReporting int
	// FullyAlarmed are those with every alarm they should have.
	FullyAlarmed int
	// Gaps are the instances short of either, by id.
	Gaps []CoverageGap
}

// CoverageGap is one instance in scope short of the agent or of an alarm.
type CoverageGap struct {
	// Instance is the instance id, Name its Name tag.
	Instance, Name string
	// Agent says its agent reports.
	Agent bool
	// Missing are the alarms it should have and has not, by metric key
	// (memory, disk, cpu…).
	Missing []string
	// Why says why, one reason per missing alarm or the agent.
	Why []string
}

// expectation is what one watched instance should have, as planned.
type expectation struct {
	r *Resource
	// alarms are the names of the alarms it should have, by metric.
	alarms map[string]string
	// blocked are the metrics it cannot have yet, with why.
	blocked map[string]string
}

// expectations returns what every watched EC2 instance should have: the
// alarms planned for it, and the memory and disk alarms that wait on its
// agent. Metrics switched off (by tag or configuration), EBS burst balance
// where it is not published, and every per-instance alarm of an Auto
// Scaling group's member are not expected.
func (pl *planning) expectations() []expectation {
	byRef := map[string][]*Alarm{}
	for i := range pl.desired {
		byRef[pl.desired[i].Resource] = append(byRef[pl.desired[i].Resource], &pl.desired[i])
	}
	var out []expectation
	for _, r := range pl.resources {
		if r.Kind != KindEC2 || !pl.standings[r].watched {
			continue
		}
		e := expectation{r: r, alarms: map[string]string{}, blocked: map[string]string{}}
		for _, a := range byRef[r.Ref] {
			e.alarms[a.Metric] = a.Name
		}
		agent := pl.agent[r.ID]
		for _, m := range []string{MetricMemory, MetricDisk} {
			name := alarmName(KindEC2, r.ID, m)
			if _, ok := e.alarms[m]; ok || pl.memberOfWatchedGroup(r) {
				continue
			}
			if why := pl.unwanted[name]; strings.HasPrefix(why, "instance publishes no") || why == "metrics could not be listed" {
				e.blocked[m] = cmp.Or(agent.why, why)
			}
		}
		out = append(out, e)
	}
	return out
}

// measureCoverage counts, per application, the expectations met once
// changes were carried out: an alarm exists when it was observed and not
// deleted, or was created.
func measureCoverage(account, region string, obs *Observation, es []expectation, agent map[string]agentState, changes []*Change, appTag string) []Coverage {
	exists := map[string]bool{}
	for _, a := range obs.Alarms {
		exists[a.Name] = true
	}
	for _, c := range changes {
		if c.Object != ObjectAlarm || !c.done {
			continue
		}
		exists[c.Name] = c.Op != OpDelete
	}
	byApp := map[string]*Coverage{}
	for _, e := range es {
		app := cmp.Or(e.r.Tags[appTag], NoApplication)
		cv := byApp[app]
		if cv == nil {
			cv = &Coverage{Account: account, Region: region, Application: app}
			byApp[app] = cv
		}
		cv.Instances++
		gap := CoverageGap{Instance: e.r.ID, Name: e.r.Name, Agent: agent[e.r.ID].reporting}
		if gap.Agent {
			cv.AgentReporting++
		} else if why := agent[e.r.ID].why; why != "" {
			gap.Why = append(gap.Why, "agent: "+why)
		}
		for _, m := range slices.Sorted(mapsKeys(e.alarms, e.blocked)) {
			if name, ok := e.alarms[m]; ok && exists[name] {
				continue
			}
			gap.Missing = append(gap.Missing, m)
			why, ok := e.blocked[m]
			if !ok {
				why = "alarm " + e.alarms[m] + " not created yet"
			}
			gap.Why = append(gap.Why, m+": "+why)
		}
		if len(gap.Missing) == 0 {
			cv.FullyAlarmed++
		}
		if len(gap.Missing) > 0 || !gap.Agent {
			cv.Gaps = append(cv.Gaps, gap)
		}
	}
	out := make([]Coverage, 0, len(byApp))
	for _, app := range slices.Sorted(mapsKeys(byApp)) {
		out = append(out, *byApp[app])
	}
	return out
}

// mapsKeys returns the keys of every map given, without repeats.
func mapsKeys[V any](ms ...map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		seen := map[string]bool{}
		for _, m := range ms {
			for k := range m {
				if seen[k] {
					continue
				}
				seen[k] = true
				if !yield(k) {
					return
				}
			}
		}
	}
}

// String writes the coverage in one line: "123456789012/eu-west-2 orders:
// 3 instances in scope, agent reporting on 2, every alarm on 2".
func (c Coverage) String() string {
	return fmt.Sprintf("%s/%s %s: %d instances in scope, agent reporting on %d, every alarm on %d", c.Account, c.Region, c.Application, c.Instances, c.AgentReporting, c.FullyAlarmed)
}

// String writes the gap: "i-0abc (web): memory, disk — memory: no agent
// metrics yet; install sent".
func (g CoverageGap) String() string {
	who := g.Instance
	if g.Name != "" && g.Name != g.Instance {
		who += " (" + g.Name + ")"
	}
	what := strings.Join(g.Missing, ", ")
	if what == "" {
		what = "no agent"
	}
	return who + ": " + what + " — " + strings.Join(g.Why, "; ")
}
