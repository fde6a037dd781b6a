package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"
)

// collectAlarms lists metric alarms, reduced to the metrics each watches
// (directly or in a metric-math expression).
func collectAlarms(ctx context.Context, c Clients, inv *Inventory) error {
	p := cloudwatch.NewDescribeAlarmsPaginator(c.CloudWatch, &cloudwatch.DescribeAlarmsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe cloudwatch alarms: %w", err)
		}
		for _, a := range page.MetricAlarms {
			inv.Alarms = append(inv.Alarms, alarm(a))
		}
	}
	return nil
}

func alarm(a cwtypes.MetricAlarm) Alarm {
	out := Alarm{Name: aws.ToString(a.AlarmName)}
	if name := aws.ToString(a.MetricName); name != "" {
		out.Metrics = append(out.Metrics, MetricRef{Namespace: aws.ToString(a.Namespace), Name: name, Dimensions: dimensions(a.Dimensions)})
	}
	for _, q := range a.Metrics {
		if q.MetricStat == nil || q.MetricStat.Metric == nil {
			continue
		}
		m := q.MetricStat.Metric
		out.Metrics = append(out.Metrics, MetricRef{Namespace: aws.ToString(m.Namespace), Name: aws.ToString(m.MetricName), Dimensions: dimensions(m.Dimensions)})
	}
	return out
}

func dimensions(ds []cwtypes.Dimension) map[string]string {
	out := make(map[string]string, len(ds))
	for _, d := range ds {
		out[aws.ToString(d.Name)] = aws.ToString(d.Value)
	}
	return out
}

// collectCanaries lists Synthetics canaries.
func collectCanaries(ctx context.Context, c Clients, inv *Inventory) error {
	p := synthetics.NewDescribeCanariesPaginator(c.Synthetics, &synthetics.DescribeCanariesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe synthetics canaries: %w", err)
		}
		for _, cn := range page.Canaries {
			can := Canary{Name: aws.ToString(cn.Name), Tags: copyTags(cn.Tags)}
			if cn.Status != nil {
				can.State = string(cn.Status.State)
			}
			if cn.Schedule != nil {
				can.Schedule = aws.ToString(cn.Schedule.Expression)
			}
			inv.Canaries = append(inv.Canaries, can)
		}
	}
	return nil
}

// collectLogGroups lists log groups with their retention and tags.
func collectLogGroups(ctx context.Context, c Clients, inv *Inventory) error {
	var e errs
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c.Logs, &cloudwatchlogs.DescribeLogGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe log groups: %w", err)
		}
		for _, g := range page.LogGroups {
			name := aws.ToString(g.LogGroupName)
			arn := aws.ToString(g.LogGroupArn)
			if arn == "" {
				arn = strings.TrimSuffix(aws.ToString(g.Arn), ":*")
			}
			lg := LogGroup{
				Resource:      Resource{Kind: KindLogGroup, ID: name, ARN: arn, Tags: map[string]string{}},
				RetentionDays: int(aws.ToInt32(g.RetentionInDays)),
			}
			tags, err := c.Logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
			switch {
			case isCode(err, "ResourceNotFoundException"):
				continue
			case err != nil:
				e.add(fmt.Errorf("list tags of log group %s: %w", name, err))
				continue
			}
			for k, v := range tags.Tags {
				lg.Tags[k] = v
			}
			inv.LogGroups = append(inv.LogGroups, lg)
		}
	}
	return e.err()
}
