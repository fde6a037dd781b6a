package monitor

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Planner turns what one account and region holds into the changes that
// bring its alarms, dashboards, metric filters, RDS event subscription,
// SNS delivery logging and log retention in line with the configuration.
// It is pure: it calls nothing and reads no clock.
type Planner struct {
	cfg Config
}

// NewPlanner returns the planner for cfg, which must be valid.
func NewPlanner(cfg Config) *Planner { return &Planner{cfg: cfg} }

// planning is one Plan call's state.
type planning struct {
	cfg Config
	obs *Observation
	// topics are the alarm actions: the configured topics in this
	// account and region.
	topics []string
	// existing are the observed opsd-prefixed alarms by name.
	existing map[string]Alarm
	metrics  metricIndex
	// logGroups holds every observed log group's name.
	logGroups map[string]bool
	// resources are the observed resources in plan order, with their
	// standing.
	resources []*Resource
	standings map[*Resource]standing

	// desired are the alarms opsd wants, in plan order.
	desired []Alarm
	// unwanted says why opsd wants no alarm of a name it knows: the
	// resource is not watched, the metric is switched off.
	unwanted map[string]string
	// refs are the observed resources' refs.
	refs map[string]*Resource
	// reports are findings about resources, in plan order.
	reports []*Change
	// agent is where the CloudWatch agent stands on each watched
	// instance, by id.
	agent map[string]agentState
}

// Plan returns the changes for obs, in a stable order: target reports,
// alarms, the agent's parameters and commands, dashboards, metric filters, the RDS event subscription, SNS
// delivery logging, log retention, then reports about resources.
func (p *Planner) Plan(obs *Observation) []*Change {
	_, out := p.plan(obs)
	return out
}

// plan is Plan, with the planning state the coverage is measured from.
func (p *Planner) plan(obs *Observation) (*planning, []*Change) {
	pl := p.start(obs)
	var out []*Change
	out = append(out, pl.resolveTopics()...)
	pl.judgeResources()
	pl.buildAlarms()
	out = append(out, pl.alarmChanges()...)
	out = append(out, pl.parameterChanges()...)
	out = append(out, pl.agentChanges()...)
	out = append(out, pl.dashboardChanges()...)
	out = append(out, pl.filterChanges()...)
	out = append(out, pl.subscriptionChanges()...)
	out = append(out, pl.deliveryChanges()...)
	out = append(out, pl.retentionChanges()...)
	return pl, append(out, pl.reports...)
}

// planAgent returns only the agent's commands and reports for obs: what
// a reconcile following its install commands sends next.
func (p *Planner) planAgent(obs *Observation) []*Change {
	pl := p.start(obs)
	pl.judgeResources()
	return pl.agentChanges()
}

// start begins planning obs.
func (p *Planner) start(obs *Observation) *planning {
	pl := &planning{
		cfg:       p.cfg,
		obs:       obs,
		existing:  map[string]Alarm{},
		metrics:   indexMetrics(obs.Metrics),
		logGroups: map[string]bool{},
		standings: map[*Resource]standing{},
		unwanted:  map[string]string{},
		refs:      map[string]*Resource{},
	}
	for _, a := range obs.Alarms {
		pl.existing[a.Name] = a
	}
	for _, g := range obs.LogGroups {
		pl.logGroups[g.Name] = true
	}
	return pl
}

// resolveTopics fills in the alarm topics for this account and region and
// reports those CloudWatch would refuse, and a target without any.
func (pl *planning) resolveTopics() []*Change {
	var out []*Change
	for _, t := range pl.cfg.AlarmTopics {
		topic := fillTemplate(t, pl.obs.Account, pl.obs.Region)
		a, err := arn.Parse(topic)
		if err != nil || a.Region != pl.obs.Region {
			out = append(out, report(topic, "alarm topic is not in region "+pl.obs.Region+": CloudWatch alarms notify topics in their own region only; left out", nil))
			continue
		}
		if !slices.Contains(pl.topics, topic) {
			pl.topics = append(pl.topics, topic)
		}
	}
	if len(pl.topics) == 0 {
		out = append(out, report(pl.obs.Account+"/"+pl.obs.Region, "no alarm topic for this account and region (monitor.alarm_topics): alarms are made without actions and no RDS event subscription is kept", nil))
	}
	return out
}

// judgeResources decides which resources are watched and reports their
// malformed tags.
func (pl *planning) judgeResources() {
	pl.resources = slices.Clone(pl.obs.Resources)
	slices.SortStableFunc(pl.resources, func(a, b *Resource) int {
		if c := kindOrder(a.Kind) - kindOrder(b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	for _, r := range pl.resources {
		st := judge(pl.cfg, r, pl.obs.Now, pl.obs.Location)
		pl.standings[r] = st
		pl.refs[r.Ref] = r
		for _, p := range st.problems {
			pl.reports = append(pl.reports, report(r.Ref, p, resourceDetails(r)))
		}
	}
}

// buildAlarms makes the desired alarms of every watched resource, and
// records why the others' alarms are not wanted.
func (pl *planning) buildAlarms() {
	for _, r := range pl.resources {
		st := pl.standings[r]
		if pl.memberOfWatchedGroup(r) && st.watched {
			for _, m := range kindMetrics[r.Kind] {
				pl.unwanted[alarmName(r.Kind, r.ID, m)] = "member of Auto Scaling group " + r.Group + ": alarmed by its group, not per instance"
			}
			continue
		}
		if !st.watched {
			for _, m := range kindMetrics[r.Kind] {
				pl.unwanted[alarmName(r.Kind, r.ID, m)] = fmt.Sprintf("%s %s is not watched: %s", kindNoun(r.Kind), r.ID, st.why)
			}
			continue
		}
		switch r.Kind {
		case KindEC2:
			pl.ec2Alarms(r, st)
		case KindRDS:
			pl.rdsAlarms(r, st)
		case KindAPI:
			pl.apiAlarms(r, st)
		case KindALB:
			pl.albAlarms(r, st)
		case KindCanary:
			pl.canaryAlarms(r, st)
		case KindSNS:
			pl.snsAlarms(r, st)
		case KindDLQ:
			pl.dlqAlarms(r, st)
		case KindASG:
			pl.asgAlarms(r, st)
		case KindLambda:
			pl.lambdaAlarms(r, st)
		case KindECS:
			pl.ecsAlarms(r, st)
		}
	}
}

// newAlarm starts r's alarm for metric from its settings and r's tags, or
// returns false (and records why) when it is switched off.
func (pl *planning) newAlarm(r *Resource, st standing, metric string) (Alarm, bool) {
	name := alarmName(r.Kind, r.ID, metric)
	spec, _ := pl.cfg.Alarms.spec(r.Kind, metric)
	if !spec.Enabled {
		pl.unwanted[name] = fmt.Sprintf("alarms.%s.%s is disabled in the configuration", r.Kind, metric)
		return Alarm{}, false
	}
	muted := ""
	if st.muted {
		muted = fmt.Sprintf("muted until %s by tag %s", st.mutedUntil.In(pl.location()).Format("Mon 2 Jan 15:04 MST"), pl.cfg.Tags.MuteUntil)
	}
	if tag, off := st.off[metric]; off {
		pl.unwanted[name] = "switched off by tag " + tag
		return Alarm{}, false
	}
	threshold := spec.Threshold
	if v, ok := st.thresholds[metric]; ok {
		threshold = v
	}
	d2a := int32(spec.DatapointsToAlarm)
	if d2a == int32(spec.EvaluationPeriods) {
		d2a = 0
	}
	return Alarm{
		Name:              name,
		Muted:             muted,
		Kind:              r.Kind,
		Metric:            metric,
		Resource:          r.Ref,
		Period:            int32(spec.Period / time.Second),
		EvaluationPeriods: int32(spec.EvaluationPeriods),
		DatapointsToAlarm: d2a,
		Threshold:         threshold,
		AlarmActions:      slices.Clone(pl.topics),
		OKActions:         slices.Clone(pl.topics),
		ActionsEnabled:    !st.muted,
		Tags:              map[string]string{pl.cfg.Tags.Managed: "true", pl.cfg.Tags.Resource: r.Ref},
	}, true
}

// finish sets how a's missing data is treated and its description, and
// adds it to the desired alarms. always is the treatment for a resource
// that runs all the time; one stopped out of hours (st.shutdown) treats
// missing data as not breaching, so the evening's silence raises nothing
// and the morning brings no OK notifications.
func (pl *planning) finish(a Alarm, st standing, always, what, cond string) {
	a.TreatMissingData = always
	if st.shutdown {
		a.TreatMissingData = missingNotBreaching
	}
	a.Description = describe(a, what, cond)
	pl.desired = append(pl.desired, a)
}

// maxDescription is the longest alarm description CloudWatch accepts.
const maxDescription = 1024

// describe writes an alarm's description: "CPUUtilization of EC2 instance
// i-0abc above 80% for 3 periods of 5m. Managed by opsd: changes made
// elsewhere are reverted."
func describe(a Alarm, what, cond string) string {
	period := a.Period
	if period == 0 && len(a.Queries) > 0 {
		period = a.Queries[0].Period
	}
	when := fmt.Sprintf("for %d periods of %s", a.EvaluationPeriods, formatSeconds(period))
	if a.EvaluationPeriods == 1 {
		when = "in a period of " + formatSeconds(period)
	}
	if a.DatapointsToAlarm != 0 {
		when = fmt.Sprintf("in %d of %d periods of %s", a.DatapointsToAlarm, a.EvaluationPeriods, formatSeconds(period))
	}
	s := fmt.Sprintf("%s %s %s. Managed by opsd: changes made elsewhere are reverted.", what, cond, when)
	if len(s) > maxDescription {
		s = strings.ToValidUTF8(s[:maxDescription], "")
	}
	return s
}

// formatSeconds writes a period: "5m", "1h", "90s".
func formatSeconds(s int32) string {
	d := time.Duration(s) * time.Second
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return fmt.Sprintf("%ds", s)
}

// resourceDetails are the details naming r in an action.
func resourceDetails(r *Resource) map[string]string {
	d := map[string]string{"kind": string(r.Kind), "id": r.ID}
	if r.Name != "" && r.Name != r.ID {
		d["name"] = r.Name
	}
	return d
}

// location is the timezone the observation's times are shown in.
func (pl *planning) location() *time.Location {
	if pl.obs.Location != nil {
		return pl.obs.Location
	}
	return time.UTC
}
