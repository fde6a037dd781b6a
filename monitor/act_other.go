package monitor

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// dashboard puts or deletes a dashboard. PutDashboard's validation
// messages (warnings on a dashboard that was saved) are kept in the
// change's details.
func (a actor) dashboard(ctx context.Context, c *Change) error {
	if c.Op == OpDelete {
		if _, err := a.c.CloudWatch.DeleteDashboards(ctx, &cloudwatch.DeleteDashboardsInput{DashboardNames: []string{c.Name}}); err != nil {
			return fmt.Errorf("delete dashboard %s: %w", c.Name, err)
		}
		return nil
	}
	out, err := a.c.CloudWatch.PutDashboard(ctx, &cloudwatch.PutDashboardInput{DashboardName: aws.String(c.Name), DashboardBody: aws.String(c.body)})
	if err != nil {
		return fmt.Errorf("put dashboard %s: %w", c.Name, err)
	}
	var msgs []string
	for _, m := range out.DashboardValidationMessages {
		msgs = append(msgs, aws.ToString(m.DataPath)+": "+aws.ToString(m.Message))
	}
	if len(msgs) > 0 {
		c.Details["validation"] = strings.Join(msgs, "; ")
	}
	return nil
}

// retention sets a log group's retention.
func (a actor) retention(ctx context.Context, c *Change) error {
	if _, err := a.c.Logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{
		LogGroupName: aws.String(c.Name), RetentionInDays: aws.Int32(c.retention),
	}); err != nil {
		return fmt.Errorf("put retention policy of log group %s: %w", c.Name, err)
	}
	return nil
}

// filter puts or deletes a metric filter.
func (a actor) filter(ctx context.Context, c *Change) error {
	f := c.filter
	if c.Op == OpDelete {
		if _, err := a.c.Logs.DeleteMetricFilter(ctx, &cloudwatchlogs.DeleteMetricFilterInput{
			LogGroupName: aws.String(f.LogGroup), FilterName: aws.String(f.Name),
		}); err != nil {
			return fmt.Errorf("delete metric filter %s of log group %s: %w", f.Name, f.LogGroup, err)
		}
		return nil
	}
	if _, err := a.c.Logs.PutMetricFilter(ctx, &cloudwatchlogs.PutMetricFilterInput{
		LogGroupName:  aws.String(f.LogGroup),
		FilterName:    aws.String(f.Name),
		FilterPattern: aws.String(f.Pattern),
		MetricTransformations: []logtypes.MetricTransformation{{
			MetricNamespace: aws.String(f.Namespace), MetricName: aws.String(f.MetricName), MetricValue: aws.String(f.Value),
		}},
	}); err != nil {
		return fmt.Errorf("put metric filter %s of log group %s: %w", f.Name, f.LogGroup, err)
	}
	return nil
}

// subscription creates, modifies or deletes the RDS event subscription.
// A modification changes the settings with ModifyEventSubscription only
// when they differ, then adds and removes source ids one at a time.
func (a actor) subscription(ctx context.Context, c *Change) error {
	switch c.Op {
	case OpDelete:
		if _, err := a.c.RDS.DeleteEventSubscription(ctx, &rds.DeleteEventSubscriptionInput{SubscriptionName: aws.String(c.Name)}); err != nil {
			return fmt.Errorf("delete rds event subscription %s: %w", c.Name, err)
		}
		return nil
	case OpCreate:
		s := c.subscription
		if _, err := a.c.RDS.CreateEventSubscription(ctx, &rds.CreateEventSubscriptionInput{
			SubscriptionName: aws.String(s.Name),
			SnsTopicArn:      aws.String(s.TopicARN),
			SourceType:       aws.String(s.SourceType),
			EventCategories:  s.Categories,
			SourceIds:        s.SourceIDs,
			Enabled:          aws.Bool(s.Enabled),
			Tags:             []rdstypes.Tag{{Key: aws.String(a.cfg.Tags.Managed), Value: aws.String("true")}},
		}); err != nil {
			return fmt.Errorf("create rds event subscription %s: %w", s.Name, err)
		}
		return nil
	}
	want, have := c.subscription, c.current
	if settingsDiffer(*have, *want) {
		if _, err := a.c.RDS.ModifyEventSubscription(ctx, &rds.ModifyEventSubscriptionInput{
			SubscriptionName: aws.String(want.Name),
			SnsTopicArn:      aws.String(want.TopicARN),
			SourceType:       aws.String(want.SourceType),
			EventCategories:  want.Categories,
			Enabled:          aws.Bool(want.Enabled),
		}); err != nil {
			return fmt.Errorf("modify rds event subscription %s: %w", want.Name, err)
		}
	}
	add, remove := sourceDelta(*have, *want)
	for _, id := range add {
		if _, err := a.c.RDS.AddSourceIdentifierToSubscription(ctx, &rds.AddSourceIdentifierToSubscriptionInput{
			SubscriptionName: aws.String(want.Name), SourceIdentifier: aws.String(id),
		}); err != nil {
			return fmt.Errorf("add db instance %s to rds event subscription %s: %w", id, want.Name, err)
		}
	}
	for _, id := range remove {
		if _, err := a.c.RDS.RemoveSourceIdentifierFromSubscription(ctx, &rds.RemoveSourceIdentifierFromSubscriptionInput{
			SubscriptionName: aws.String(want.Name), SourceIdentifier: aws.String(id),
		}); err != nil {
			return fmt.Errorf("remove db instance %s from rds event subscription %s: %w", id, want.Name, err)
		}
	}
	return nil
}

// deliveryLogging sets a topic's delivery status logging attributes, one
// SetTopicAttributes call each.
func (a actor) deliveryLogging(ctx context.Context, c *Change) error {
	for _, at := range c.attributes {
		if _, err := a.c.SNS.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{
			TopicArn: aws.String(c.Name), AttributeName: aws.String(at.name), AttributeValue: aws.String(at.value),
		}); err != nil {
			return fmt.Errorf("set %s of sns topic %s: %w", at.name, c.Name, err)
		}
	}
	return nil
}
