package monitor

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

// logGroups lists every log group, and reads the tags of those outside
// the retention policy (the only ones whose exemption matters).
func (ob observer) logGroups(ctx context.Context) ([]LogGroup, error) {
	var out []LogGroup
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(ob.c.Logs, &cloudwatchlogs.DescribeLogGroupsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe log groups: %w", err)
		}
		for _, g := range page.LogGroups {
			arn := aws.ToString(g.LogGroupArn)
			if arn == "" {
				arn = strings.TrimSuffix(aws.ToString(g.Arn), ":*")
			}
			out = append(out, LogGroup{
				Name:          aws.ToString(g.LogGroupName),
				ARN:           arn,
				RetentionDays: aws.ToInt32(g.RetentionInDays),
				Class:         string(g.LogGroupClass),
			})
		}
	}
	for i := range out {
		g := &out[i]
		if !needsTags(ob.cfg.LogRetention, *g) {
			continue
		}
		res, err := ob.c.Logs.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(g.ARN)})
		if err != nil {
			return nil, fmt.Errorf("list tags of log group %s: %w", g.Name, err)
		}
		g.Tags = res.Tags
		if g.Tags == nil {
			g.Tags = map[string]string{}
		}
	}
	return out, nil
}

// filters lists opsd's metric filters on the RDS PostgreSQL log groups
// among groups.
func (ob observer) filters(ctx context.Context, groups []LogGroup) ([]MetricFilter, error) {
	var out []MetricFilter
	for _, g := range groups {
		if _, ok := dbOfLogGroup(g.Name); !ok {
			continue
		}
		p := cloudwatchlogs.NewDescribeMetricFiltersPaginator(ob.c.Logs, &cloudwatchlogs.DescribeMetricFiltersInput{
			LogGroupName:     aws.String(g.Name),
			FilterNamePrefix: aws.String(alarmPrefix),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("describe metric filters of log group %s: %w", g.Name, err)
			}
			for _, f := range page.MetricFilters {
				mf := MetricFilter{LogGroup: aws.ToString(f.LogGroupName), Name: aws.ToString(f.FilterName), Pattern: aws.ToString(f.FilterPattern)}
				if mf.LogGroup == "" {
					mf.LogGroup = g.Name
				}
				if len(f.MetricTransformations) > 0 {
					t := f.MetricTransformations[0]
					mf.Namespace, mf.MetricName, mf.Value = aws.ToString(t.MetricNamespace), aws.ToString(t.MetricName), aws.ToString(t.MetricValue)
				}
				out = append(out, mf)
			}
		}
	}
	return out, nil
}
