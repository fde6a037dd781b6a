package shutdown

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/state"
)

// alarmBatch is how many alarm names one Enable/DisableAlarmActions call
// takes.
const alarmBatch = 100

// silencedReportAfter is how long into its on period a resource may keep
// the alarm actions opsd turned off before it is reported: the morning
// start normally turns them back on within a run or two, once the
// resource is healthy.
const silencedReportAfter = time.Hour

// silenced is what opsd turned off for one resource it stopped: the
// alarms whose actions it disabled, and when.
type silenced struct {
	Alarms []string  `json:"alarms"`
	At     time.Time `json:"at"`
}

// alarmState is one account and region's document in the state store:
// the silenced resources, by resource key (kind/id).
type alarmState struct {
	Silenced map[string]silenced `json:"silenced"`
}

// silencer turns off the actions of the CloudWatch alarms on what the
// shutdown service stops for the night, before the stop, and turns them
// back on once the resource runs again and is healthy (or is no longer
// opsd's to stop, or its stop failed). What it turned off is written to
// the state store before it turns anything off, so a restart, a failover
// or a kill in between turns exactly those back on and never leaves an
// alarm silenced. Alarms whose actions were off before opsd came are not
// touched, now or later. A resource stopped by hand keeps its alarms'
// actions: only opsd's own stops silence.
type silencer struct {
	cw     CloudWatchAPI
	ec2    EC2API
	keeper state.Keeper
	key    string
	now    time.Time
	log    *slog.Logger
	st     alarmState
	// index is the target's alarms by resource key, read once a run when
	// something is to be silenced.
	index map[string][]alarmRef
}

// alarmRef is an alarm on a resource and whether its actions are on.
type alarmRef struct {
	name    string
	enabled bool
}

// newSilencer returns the silencer of one target, or nil when alarms are
// not silenced (monitor is off, or no CloudWatch client).
func (s *Service) newSilencer(ctx context.Context, c Clients, t accounts.Target, now time.Time) *silencer {
	if !s.cfg.SilenceAlarms || c.CloudWatch == nil {
		return nil
	}
	sl := &silencer{cw: c.CloudWatch, ec2: c.EC2, keeper: s.deps.State, key: "alarms-" + t.Account + "-" + t.Region, now: now,
		log: s.log.With("account", t.Account, "region", t.Region)}
	if st, ok := state.Load[alarmState](ctx, s.deps.State, ServiceName, sl.key); ok {
		sl.st = st
	}
	if sl.st.Silenced == nil {
		sl.st.Silenced = map[string]silenced{}
	}
	// Without a state store the record lives in this process only.
	if sl.keeper == nil {
		s.mu.Lock()
		if s.silencedMem == nil {
			s.silencedMem = map[string]alarmState{}
		}
		if mem, ok := s.silencedMem[sl.key]; ok {
			sl.st = mem
		}
		s.mu.Unlock()
		sl.keeper = memKeeper{s: s, key: sl.key}
	}
	return sl
}

func resourceKey(r *resource) string { return string(r.Kind) + "/" + r.ID }

// before turns off the alarm actions of every resource about to be
// stopped, recording them first. A failure is noted on the task and the
// stop goes ahead: a stop matters more than a quiet night.
func (sl *silencer) before(ctx context.Context, tasks []*task) {
	var stops []*task
	for _, t := range tasks {
		if t.d.Action == ActionStop && t.err == nil {
			stops = append(stops, t)
		}
	}
	if sl == nil || len(stops) == 0 {
		return
	}
	if err := sl.readAlarms(ctx); err != nil {
		sl.log.WarnContext(ctx, "alarm actions not turned off before the stop", "error", err.Error())
		for _, t := range stops {
			t.alarmNote = "alarm actions not turned off: " + err.Error()
		}
		return
	}
	var names []string
	var silencedTasks []*task
	for _, t := range stops {
		var on []string
		for _, a := range sl.index[resourceKey(t.r)] {
			if a.enabled {
				on = append(on, a.name)
			}
		}
		if len(on) == 0 {
			continue
		}
		k := resourceKey(t.r)
		rec := sl.st.Silenced[k]
		if rec.At.IsZero() {
			rec.At = sl.now
		}
		for _, n := range on {
			if !slices.Contains(rec.Alarms, n) {
				rec.Alarms = append(rec.Alarms, n)
			}
		}
		sl.st.Silenced[k] = rec
		names = append(names, on...)
		silencedTasks = append(silencedTasks, t)
	}
	if len(names) == 0 {
		return
	}
	sl.save(ctx)
	if err := sl.set(ctx, names, false); err != nil {
		sl.log.WarnContext(ctx, "alarm actions not turned off before the stop", "error", err.Error())
		for _, t := range silencedTasks {
			t.alarmNote = "alarm actions not turned off: " + err.Error()
		}
		return
	}
	for _, t := range silencedTasks {
		t.alarmNote = fmt.Sprintf("alarm actions off until it runs again: %s", strings.Join(sl.st.Silenced[resourceKey(t.r)].Alarms, ", "))
	}
}

// after turns back on the alarm actions of the silenced resources that
// run again and are healthy, whose stop failed, or that opsd no longer
// stops; it notes on the task those still silenced well into their on
// period.
func (sl *silencer) after(ctx context.Context, tasks []*task) {
	if sl == nil || len(sl.st.Silenced) == 0 {
		return
	}
	byKey := map[string]*task{}
	for _, t := range tasks {
		byKey[resourceKey(t.r)] = t
	}
	var check []string // EC2 instances to ask the status checks of
	for k := range sl.st.Silenced {
		if t := byKey[k]; t != nil && t.r.Kind == KindEC2 && t.r.State == StateRunning && t.d.Action != ActionStop {
			check = append(check, t.r.ID)
		}
	}
	healthy, err := sl.statusOK(ctx, check)
	if err != nil {
		sl.log.WarnContext(ctx, "read instance status checks", "error", err.Error())
	}
	var enable []string
	var done []string
	for _, k := range slices.Sorted(maps.Keys(sl.st.Silenced)) {
		rec := sl.st.Silenced[k]
		t := byKey[k]
		var why string
		switch {
		case t == nil:
			why = "no longer stopped by opsd"
		case t.d.Action == ActionStop && t.err != nil:
			why = "its stop failed"
		case t.d.Action == ActionStop || t.r.State != StateRunning:
			if !t.d.Window.Off && !t.d.Window.Start.IsZero() && sl.now.Sub(t.d.Window.Start) >= silencedReportAfter {
				t.silencedSince = rec.At
			}
			continue
		case t.r.Kind == KindEC2 && !healthy[t.r.ID]:
			if !t.d.Window.Off && !t.d.Window.Start.IsZero() && sl.now.Sub(t.d.Window.Start) >= silencedReportAfter {
				t.silencedSince = rec.At
			}
			continue
		default:
			why = "running and healthy again"
		}
		sl.log.InfoContext(ctx, "turning alarm actions back on", "resource", k, "why", why, "alarms", len(rec.Alarms))
		enable = append(enable, rec.Alarms...)
		done = append(done, k)
	}
	if len(enable) == 0 {
		return
	}
	if err := sl.set(ctx, enable, true); err != nil {
		sl.log.WarnContext(ctx, "alarm actions not turned back on; tried again next run", "error", err.Error())
		return
	}
	for _, k := range done {
		delete(sl.st.Silenced, k)
	}
	sl.save(ctx)
}

// statusOK returns which of ids pass both EC2 status checks.
func (sl *silencer) statusOK(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for batch := range slices.Chunk(ids, alarmBatch) {
		p := ec2.NewDescribeInstanceStatusPaginator(sl.ec2, &ec2.DescribeInstanceStatusInput{InstanceIds: batch})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return out, fmt.Errorf("describe instance status of %s: %w", strings.Join(batch, ", "), err)
			}
			for _, s := range page.InstanceStatuses {
				if ok(s.InstanceStatus) && ok(s.SystemStatus) {
					out[aws.ToString(s.InstanceId)] = true
				}
			}
		}
	}
	return out, nil
}

func ok(s *ec2types.InstanceStatusSummary) bool {
	return s != nil && s.Status == ec2types.SummaryStatusOk
}

// readAlarms indexes the target's metric alarms by the resource their
// dimensions name (a metric math alarm by every metric in it).
func (sl *silencer) readAlarms(ctx context.Context) error {
	if sl.index != nil {
		return nil
	}
	idx := map[string][]alarmRef{}
	p := cloudwatch.NewDescribeAlarmsPaginator(sl.cw, &cloudwatch.DescribeAlarmsInput{AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe alarms: %w", err)
		}
		for _, a := range page.MetricAlarms {
			ref := alarmRef{name: aws.ToString(a.AlarmName), enabled: aws.ToBool(a.ActionsEnabled)}
			dims := [][]cwtypes.Dimension{a.Dimensions}
			for _, m := range a.Metrics {
				if m.MetricStat != nil && m.MetricStat.Metric != nil {
					dims = append(dims, m.MetricStat.Metric.Dimensions)
				}
			}
			var keys []string
			for _, d := range dims {
				for _, k := range dimensionKeys(d) {
					if !slices.Contains(keys, k) {
						keys = append(keys, k)
					}
				}
			}
			for _, k := range keys {
				idx[k] = append(idx[k], ref)
			}
		}
	}
	sl.index = idx
	return nil
}

// dimensionKeys are the resource keys a metric's dimensions name.
func dimensionKeys(ds []cwtypes.Dimension) []string {
	v := map[string]string{}
	for _, d := range ds {
		v[aws.ToString(d.Name)] = aws.ToString(d.Value)
	}
	var out []string
	add := func(k Kind, id string) {
		if id != "" {
			out = append(out, string(k)+"/"+id)
		}
	}
	add(KindEC2, v["InstanceId"])
	add(KindASG, v["AutoScalingGroupName"])
	add(KindRDSInstance, v["DBInstanceIdentifier"])
	add(KindRDSCluster, v["DBClusterIdentifier"])
	if v["ClusterName"] != "" && v["ServiceName"] != "" {
		add(KindECSService, v["ClusterName"]+"/"+v["ServiceName"])
	}
	return out
}

// set turns the actions of names on or off, in batches.
func (sl *silencer) set(ctx context.Context, names []string, on bool) error {
	slices.Sort(names)
	names = slices.Compact(names)
	for batch := range slices.Chunk(names, alarmBatch) {
		var err error
		if on {
			_, err = sl.cw.EnableAlarmActions(ctx, &cloudwatch.EnableAlarmActionsInput{AlarmNames: batch})
		} else {
			_, err = sl.cw.DisableAlarmActions(ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: batch})
		}
		if err != nil {
			verb := "disable"
			if on {
				verb = "enable"
			}
			return fmt.Errorf("%s actions of alarms %s: %w", verb, strings.Join(batch, ", "), err)
		}
	}
	return nil
}

func (sl *silencer) save(ctx context.Context) {
	sl.keeper.Save(ctx, ServiceName, sl.key, alarmState{Silenced: sl.st.Silenced})
}

// memKeeper keeps a target's record in the service's memory when there is
// no state store.
type memKeeper struct {
	s   *Service
	key string
}

func (m memKeeper) Load(context.Context, string, string, any) bool { return false }

func (m memKeeper) Save(_ context.Context, _, _ string, v any) {
	st, _ := v.(alarmState)
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	m.s.silencedMem[m.key] = alarmState{Silenced: cloneSilenced(st.Silenced)}
}

func cloneSilenced(m map[string]silenced) map[string]silenced {
	out := make(map[string]silenced, len(m))
	for k, v := range m {
		v.Alarms = slices.Clone(v.Alarms)
		out[k] = v
	}
	return out
}
