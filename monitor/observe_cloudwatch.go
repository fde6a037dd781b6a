package monitor

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// alarms lists the metric alarms whose names start with opsd's prefix, and
// the tags of each (DescribeAlarms returns none). Any failure fails the
// whole list: an alarm whose tags are unknown might be one opsd must not
// touch.
func (ob observer) alarms(ctx context.Context) ([]Alarm, error) {
	var out []Alarm
	p := cloudwatch.NewDescribeAlarmsPaginator(ob.c.CloudWatch, &cloudwatch.DescribeAlarmsInput{
		AlarmNamePrefix: aws.String(alarmPrefix),
		AlarmTypes:      []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe alarms: %w", err)
		}
		for _, m := range page.MetricAlarms {
			out = append(out, observedAlarm(m))
		}
	}
	for i := range out {
		a := &out[i]
		if a.ARN == "" {
			a.ARN = alarmARN(ob.target.Account, ob.target.Region, a.Name)
		}
		res, err := ob.c.CloudWatch.ListTagsForResource(ctx, &cloudwatch.ListTagsForResourceInput{ResourceARN: aws.String(a.ARN)})
		if err != nil {
			return nil, fmt.Errorf("list tags of alarm %s: %w", a.Name, err)
		}
		a.Tags = make(map[string]string, len(res.Tags))
		for _, t := range res.Tags {
			a.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return out, nil
}

// observedAlarm converts an SDK alarm.
func observedAlarm(m cwtypes.MetricAlarm) Alarm {
	a := Alarm{
		Name:                    aws.ToString(m.AlarmName),
		ARN:                     aws.ToString(m.AlarmArn),
		Description:             aws.ToString(m.AlarmDescription),
		Namespace:               aws.ToString(m.Namespace),
		MetricName:              aws.ToString(m.MetricName),
		Dimensions:              dimensionsOf(m.Dimensions),
		Statistic:               string(m.Statistic),
		ExtendedStatistic:       aws.ToString(m.ExtendedStatistic),
		Unit:                    string(m.Unit),
		Period:                  aws.ToInt32(m.Period),
		EvaluationPeriods:       aws.ToInt32(m.EvaluationPeriods),
		DatapointsToAlarm:       aws.ToInt32(m.DatapointsToAlarm),
		Threshold:               aws.ToFloat64(m.Threshold),
		Comparison:              string(m.ComparisonOperator),
		TreatMissingData:        aws.ToString(m.TreatMissingData),
		AlarmActions:            m.AlarmActions,
		OKActions:               m.OKActions,
		InsufficientDataActions: m.InsufficientDataActions,
		ActionsEnabled:          m.ActionsEnabled == nil || *m.ActionsEnabled,
	}
	for _, q := range m.Metrics {
		oq := Query{
			ID:         aws.ToString(q.Id),
			Expression: aws.ToString(q.Expression),
			Label:      aws.ToString(q.Label),
			ReturnData: q.ReturnData == nil || *q.ReturnData,
			Period:     aws.ToInt32(q.Period),
		}
		if s := q.MetricStat; s != nil {
			oq.Period = aws.ToInt32(s.Period)
			oq.Stat = aws.ToString(s.Stat)
			if s.Metric != nil {
				oq.Namespace = aws.ToString(s.Metric.Namespace)
				oq.MetricName = aws.ToString(s.Metric.MetricName)
				oq.Dimensions = dimensionsOf(s.Metric.Dimensions)
			}
		}
		a.Queries = append(a.Queries, oq)
	}
	return a
}

func dimensionsOf(ds []cwtypes.Dimension) []Dimension {
	var out []Dimension
	for _, d := range ds {
		out = append(out, Dimension{Name: aws.ToString(d.Name), Value: aws.ToString(d.Value)})
	}
	return out
}

// dashboards lists the dashboards whose names start with opsd's prefix,
// with their bodies.
func (ob observer) dashboards(ctx context.Context) ([]DashboardState, error) {
	var names []string
	p := cloudwatch.NewListDashboardsPaginator(ob.c.CloudWatch, &cloudwatch.ListDashboardsInput{DashboardNamePrefix: aws.String(alarmPrefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list dashboards: %w", err)
		}
		for _, e := range page.DashboardEntries {
			names = append(names, aws.ToString(e.DashboardName))
		}
	}
	out := make([]DashboardState, 0, len(names))
	for _, name := range names {
		d, err := ob.c.CloudWatch.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String(name)})
		if err != nil {
			return nil, fmt.Errorf("get dashboard %s: %w", name, err)
		}
		out = append(out, DashboardState{Name: name, Body: aws.ToString(d.DashboardBody)})
	}
	return out, nil
}

// metrics lists the dimension sets of the agent metrics (and EBS burst
// balance) opsd alarms on, across every instance of the account and
// region: one paginated call per metric.
func (ob observer) metrics(ctx context.Context) ([]Metric, error) {
	var out []Metric
	for _, m := range listedMetrics(ob.cfg.Agent) {
		in := &cloudwatch.ListMetricsInput{Namespace: aws.String(m.Namespace), MetricName: aws.String(m.Name)}
		for _, d := range m.Dimensions {
			in.Dimensions = append(in.Dimensions, cwtypes.DimensionFilter{Name: aws.String(d.Name), Value: aws.String(d.Value)})
		}
		p := cloudwatch.NewListMetricsPaginator(ob.c.CloudWatch, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return out, fmt.Errorf("list metrics %s %s: %w", m.Namespace, m.Name, err)
			}
			for _, lm := range page.Metrics {
				out = append(out, Metric{Namespace: aws.ToString(lm.Namespace), Name: aws.ToString(lm.MetricName), Dimensions: dimensionsOf(lm.Dimensions)})
			}
		}
	}
	return out, nil
}
