package patching

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/opsd-dev/opsd/accounts"
)

// ref names an instance across targets: "account/region/id".
func ref(t accounts.Target, id string) string { return t.Account + "/" + t.Region + "/" + id }

// runInvocations reads, in one target, the invocations of the commands
// opsd sent for run: each instance's final status. An instance whose
// post-install step failed after its install has that step's failed
// invocation instead: it counts as a failed install.
func (s *Service) runInvocations(ctx context.Context, c Clients, run Run, occ occurrence) (map[string]Invocation, error) {
	ob := observer{c: c, p: s.planner}
	o := &Observation{}
	if err := ob.listCommands(ctx, o, occ.Start.Add(-time.Hour)); err != nil {
		return nil, err
	}
	out, posts := map[string]Invocation{}, map[string]Invocation{}
	for _, cmd := range o.Commands {
		into := out
		switch {
		case sameRun(cmd.Run, run.hookRun(opPostInstall)):
			into = posts
		case !sameRun(cmd.Run, run):
			continue
		}
		invs, err := ob.invocations(ctx, cmd.ID)
		if err != nil {
			return nil, err
		}
		for _, id := range cmd.InstanceIDs {
			inv, ok := invs[id]
			if !ok {
				inv = Invocation{InstanceID: id, Status: cmd.Status}
			}
			into[id] = inv
		}
	}
	for id, inv := range posts {
		if prev, installed := out[id]; installed && prev.Status == "Success" && terminalStatus(inv.Status) && inv.Status != "Success" {
			out[id] = inv
		}
	}
	return out, nil
}

// evidence reads how run went in every target: who was sent the install
// and who failed it, then, of those patched, who fails an EC2 status check
// and who has a CloudWatch alarm on it in ALARM since the install.
func (s *Service) evidence(ctx context.Context, targets []accounts.Target, run Run, occ occurrence, now time.Time) (RingEvidence, error) {
	ev := RingEvidence{Impaired: map[string]string{}, Alarms: map[string][]string{}}
	for _, t := range targets {
		c := s.deps.Clients(t.Config)
		invs, err := s.runInvocations(ctx, c, run, occ)
		if err != nil {
			return ev, &accounts.TargetError{Target: t, Err: err}
		}
		var patched []string
		for _, id := range sortedKeys(invs) {
			ev.Members = append(ev.Members, ref(t, id))
			if invs[id].Status == "Success" {
				patched = append(patched, id)
			} else {
				ev.Failed = append(ev.Failed, ref(t, id))
			}
		}
		if len(patched) == 0 {
			continue
		}
		impaired, err := statusChecks(ctx, c.EC2, patched)
		if err != nil {
			return ev, &accounts.TargetError{Target: t, Err: err}
		}
		for id, why := range impaired {
			ev.Impaired[ref(t, id)] = why
		}
		if c.CloudWatch == nil {
			continue
		}
		alarms, err := alarmsSince(ctx, c.CloudWatch, patched, occ.Start, now)
		if err != nil {
			return ev, &accounts.TargetError{Target: t, Err: err}
		}
		for id, names := range alarms {
			ev.Alarms[ref(t, id)] = names
		}
	}
	return ev, nil
}

// statusChecks returns the instances failing an EC2 status check
// (instance or system status impaired), with which.
func statusChecks(ctx context.Context, c EC2API, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range chunk(ids, 100) {
		p := ec2.NewDescribeInstanceStatusPaginator(c, &ec2.DescribeInstanceStatusInput{InstanceIds: part, IncludeAllInstances: aws.Bool(true)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("describe instance status of %s: %w", strings.Join(part, ", "), err)
			}
			for _, st := range page.InstanceStatuses {
				var bad []string
				if st.InstanceStatus != nil && st.InstanceStatus.Status == ec2types.SummaryStatusImpaired {
					bad = append(bad, "instance status check impaired")
				}
				if st.SystemStatus != nil && st.SystemStatus.Status == ec2types.SummaryStatusImpaired {
					bad = append(bad, "system status check impaired")
				}
				if len(bad) > 0 {
					out[aws.ToString(st.InstanceId)] = strings.Join(bad, ", ")
				}
			}
		}
	}
	return out, nil
}

// alarmsSince returns, by instance, the metric alarms with an InstanceId
// dimension of one of ids that are in ALARM now or went to ALARM since
// (their StateUpdate history). DescribeAlarms cannot filter by dimension,
// so every metric alarm is read and matched here.
func alarmsSince(ctx context.Context, c CloudWatchAPI, ids []string, since, now time.Time) (map[string][]string, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	out := map[string][]string{}
	p := cloudwatch.NewDescribeAlarmsPaginator(c, &cloudwatch.DescribeAlarmsInput{AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe cloudwatch alarms: %w", err)
		}
		for _, a := range page.MetricAlarms {
			for _, id := range alarmInstances(a) {
				if !want[id] {
					continue
				}
				name := aws.ToString(a.AlarmName)
				hit := a.StateValue == cwtypes.StateValueAlarm
				if !hit {
					if hit, err = wentToAlarm(ctx, c, name, since, now); err != nil {
						return nil, err
					}
				}
				if hit {
					out[id] = append(out[id], name)
				}
			}
		}
	}
	for id := range out {
		sort.Strings(out[id])
	}
	return out, nil
}

// alarmInstances are the InstanceId dimensions of an alarm's metric, or
// of its metric math's metrics.
func alarmInstances(a cwtypes.MetricAlarm) []string {
	var out []string
	add := func(ds []cwtypes.Dimension) {
		for _, d := range ds {
			if aws.ToString(d.Name) == "InstanceId" {
				out = append(out, aws.ToString(d.Value))
			}
		}
	}
	add(a.Dimensions)
	for _, m := range a.Metrics {
		if m.MetricStat != nil && m.MetricStat.Metric != nil {
			add(m.MetricStat.Metric.Dimensions)
		}
	}
	return out
}

// wentToAlarm reports whether the alarm's state went to ALARM between
// since and now.
func wentToAlarm(ctx context.Context, c CloudWatchAPI, name string, since, now time.Time) (bool, error) {
	p := cloudwatch.NewDescribeAlarmHistoryPaginator(c, &cloudwatch.DescribeAlarmHistoryInput{
		AlarmName: aws.String(name), HistoryItemType: cwtypes.HistoryItemTypeStateUpdate,
		StartDate: aws.Time(since), EndDate: aws.Time(now),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false, fmt.Errorf("describe history of alarm %s: %w", name, err)
		}
		for _, h := range page.AlarmHistoryItems {
			if toAlarm(aws.ToString(h.HistoryData), aws.ToString(h.HistorySummary)) {
				return true, nil
			}
		}
	}
	return false, nil
}

// toAlarm reads a StateUpdate history item: its HistoryData's
// newState.stateValue, or else its summary ("Alarm updated from OK to
// ALARM").
func toAlarm(data, summary string) bool {
	var d struct {
		NewState struct {
			StateValue string `json:"stateValue"`
		} `json:"newState"`
	}
	if json.Unmarshal([]byte(data), &d) == nil && d.NewState.StateValue != "" {
		return d.NewState.StateValue == string(cwtypes.StateValueAlarm)
	}
	return strings.HasSuffix(strings.TrimSpace(summary), "to ALARM")
}

// released looks for the release tag on the halted ring's instances: the
// first whose value is an RFC 3339 time at or after the halt. A value
// that is no such time releases nothing.
func (s *Service) released(ctx context.Context, targets []accounts.Target, rec *GateRecord) (by string, at time.Time, err error) {
	key := s.planner.keys.Release
	for _, t := range targets {
		var ids []string
		for _, m := range rec.Members {
			if strings.HasPrefix(m, t.Account+"/"+t.Region+"/") {
				ids = append(ids, shortRef(m))
			}
		}
		if len(ids) == 0 {
			continue
		}
		c := s.deps.Clients(t.Config)
		p := ec2.NewDescribeInstancesPaginator(c.EC2, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
			{Name: aws.String("instance-id"), Values: ids},
			{Name: aws.String("tag-key"), Values: []string{key}},
		}})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return "", time.Time{}, &accounts.TargetError{Target: t, Err: fmt.Errorf("describe instances tagged %s: %w", key, err)}
			}
			for _, r := range page.Reservations {
				for _, i := range r.Instances {
					for _, tag := range i.Tags {
						if aws.ToString(tag.Key) != key {
							continue
						}
						v, err := time.Parse(time.RFC3339, strings.TrimSpace(aws.ToString(tag.Value)))
						if err == nil && !v.Before(rec.Decided) {
							return ref(t, aws.ToString(i.InstanceId)), v.UTC(), nil
						}
					}
				}
			}
		}
	}
	return "", time.Time{}, nil
}

// installedPatches reads the patches installed on an instance by the end
// of the first ring's window (DescribeInstancePatches, State Installed or
// InstalledPendingReboot), by id with their titles.
func installedPatches(ctx context.Context, c SSMAPI, id string, by time.Time, into map[string]string) error {
	p := ssm.NewDescribeInstancePatchesPaginator(c, &ssm.DescribeInstancePatchesInput{
		InstanceId: aws.String(id),
		Filters:    []ssmtypes.PatchOrchestratorFilter{{Key: aws.String("State"), Values: []string{"Installed", "InstalledPendingReboot"}}},
		MaxResults: aws.Int32(50),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe instance patches of %s: %w", id, err)
		}
		for _, pc := range page.Patches {
			if pc.InstalledTime != nil && pc.InstalledTime.After(by) {
				continue
			}
			if k := aws.ToString(pc.KBId); k != "" {
				into[k] = aws.ToString(pc.Title)
			}
		}
	}
	return nil
}
