package monitor

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// putAlarm creates or updates an alarm, or only tags it. PutMetricAlarm
// replaces the alarm's whole configuration but ignores tags on an alarm
// that exists, so an update writes missing tags with TagResource.
func (a actor) putAlarm(ctx context.Context, c *Change) error {
	al := c.alarm
	if c.Op != OpTag {
		in := putMetricAlarmInput(al)
		if c.Op == OpCreate {
			in.Tags = cwTags(al.Tags)
		}
		if _, err := a.c.CloudWatch.PutMetricAlarm(ctx, in); err != nil {
			return fmt.Errorf("put metric alarm %s: %w", al.Name, err)
		}
	}
	if c.Op == OpCreate || len(c.tags) == 0 {
		return nil
	}
	if _, err := a.c.CloudWatch.TagResource(ctx, &cloudwatch.TagResourceInput{ResourceARN: aws.String(al.ARN), Tags: cwTags(c.tags)}); err != nil {
		return fmt.Errorf("tag alarm %s: %w", al.Name, err)
	}
	return nil
}

// putMetricAlarmInput is the PutMetricAlarm call that makes al.
func putMetricAlarmInput(al *Alarm) *cloudwatch.PutMetricAlarmInput {
	in := &cloudwatch.PutMetricAlarmInput{
		AlarmName:               aws.String(al.Name),
		AlarmDescription:        aws.String(al.Description),
		ActionsEnabled:          aws.Bool(al.ActionsEnabled),
		AlarmActions:            nonNil(al.AlarmActions),
		OKActions:               nonNil(al.OKActions),
		InsufficientDataActions: nonNil(al.InsufficientDataActions),
		EvaluationPeriods:       aws.Int32(al.EvaluationPeriods),
		Threshold:               aws.Float64(al.Threshold),
		ComparisonOperator:      cwtypes.ComparisonOperator(al.Comparison),
		TreatMissingData:        aws.String(al.TreatMissingData),
	}
	if al.DatapointsToAlarm != 0 {
		in.DatapointsToAlarm = aws.Int32(al.DatapointsToAlarm)
	}
	if len(al.Queries) == 0 {
		in.Namespace = aws.String(al.Namespace)
		in.MetricName = aws.String(al.MetricName)
		in.Dimensions = cwDimensions(al.Dimensions)
		if al.ExtendedStatistic != "" {
			in.ExtendedStatistic = aws.String(al.ExtendedStatistic)
		} else {
			in.Statistic = cwtypes.Statistic(al.Statistic)
		}
		in.Period = aws.Int32(al.Period)
		return in
	}
	for _, q := range al.Queries {
		mq := cwtypes.MetricDataQuery{Id: aws.String(q.ID), ReturnData: aws.Bool(q.ReturnData)}
		if q.Label != "" {
			mq.Label = aws.String(q.Label)
		}
		if q.Expression != "" {
			mq.Expression = aws.String(q.Expression)
			if q.Period != 0 {
				mq.Period = aws.Int32(q.Period)
			}
		} else {
			mq.MetricStat = &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{Namespace: aws.String(q.Namespace), MetricName: aws.String(q.MetricName), Dimensions: cwDimensions(q.Dimensions)},
				Period: aws.Int32(q.Period),
				Stat:   aws.String(q.Stat),
			}
		}
		in.Metrics = append(in.Metrics, mq)
	}
	return in
}

// nonNil returns s, or an empty list for nil, so PutMetricAlarm clears
// actions someone added by hand.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func cwDimensions(ds []Dimension) []cwtypes.Dimension {
	out := make([]cwtypes.Dimension, 0, len(ds))
	for _, d := range sortedDimensions(ds) {
		out = append(out, cwtypes.Dimension{Name: aws.String(d.Name), Value: aws.String(d.Value)})
	}
	return out
}

func cwTags(tags map[string]string) []cwtypes.Tag {
	out := make([]cwtypes.Tag, 0, len(tags))
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, cwtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// deleteAlarms deletes alarms in batches of at most 100 names. DeleteAlarms
// deletes nothing when any name is wrong, so a batch that fails is retried
// one name at a time and only the names that fail alone are failures.
func (a actor) deleteAlarms(ctx context.Context, cs []*Change) {
	del := func(ctx context.Context, names []string) error {
		_, err := a.c.CloudWatch.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: names})
		return err
	}
	for from := 0; from < len(cs); from += deleteAlarmsBatch {
		batch := cs[from:min(from+deleteAlarmsBatch, len(cs))]
		names := make([]string, len(batch))
		for i, c := range batch {
			names[i] = c.Name
		}
		if err := ctx.Err(); err != nil {
			fail(batch, err)
			continue
		}
		if del(ctx, names) == nil {
			for _, c := range batch {
				c.done = true
			}
			continue
		}
		for _, c := range batch {
			if err := ctx.Err(); err != nil {
				c.err = err
				continue
			}
			if err := del(ctx, []string{c.Name}); err != nil {
				c.err = fmt.Errorf("delete alarm %s: %w", c.Name, err)
				continue
			}
			c.done = true
		}
	}
}

func fail(cs []*Change, err error) {
	for _, c := range cs {
		c.err = err
	}
}
