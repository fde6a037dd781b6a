package dlq

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// CloudWatch names of the SQS metrics read.
const (
	sqsNamespace     = "AWS/SQS"
	metricAge        = "ApproximateAgeOfOldestMessage"
	metricVisible    = "ApproximateNumberOfMessagesVisible"
	queueNameDim     = "QueueName"
	ageWindow        = 15 * time.Minute
	agePeriodSeconds = 60
)

// AlarmNone is the alarm state of a queue no alarm watches.
const AlarmNone = "none"

// depth is a queue's message counts, retention and visibility timeout,
// from GetQueueAttributes.
type depth struct {
	// Visible, InFlight and Delayed are SQS's approximate counts.
	Visible, InFlight, Delayed int64
	// Retention is the queue's MessageRetentionPeriod; zero when unknown.
	Retention time.Duration
	// VisibilityTimeout is the queue's default: how long a message a
	// consumer received stays hidden unless that consumer asked for
	// another time.
	VisibilityTimeout time.Duration
}

// total is every message in the queue, whatever its state.
func (d depth) total() int64 { return d.Visible + d.InFlight + d.Delayed }

// readDepth reads a queue's counts, retention period and visibility
// timeout.
func readDepth(ctx context.Context, c SQSAPI, q Queue) (depth, error) {
	out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(q.URL),
		AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameApproximateNumberOfMessages,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed,
			sqstypes.QueueAttributeNameMessageRetentionPeriod,
			sqstypes.QueueAttributeNameVisibilityTimeout,
		},
	})
	if err != nil {
		return depth{}, fmt.Errorf("get depth of queue %s: %w", q.Name, err)
	}
	n := func(name sqstypes.QueueAttributeName) int64 {
		v, _ := strconv.ParseInt(out.Attributes[string(name)], 10, 64)
		return max(v, 0)
	}
	return depth{
		Visible:           n(sqstypes.QueueAttributeNameApproximateNumberOfMessages),
		InFlight:          n(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible),
		Delayed:           n(sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed),
		Retention:         time.Duration(n(sqstypes.QueueAttributeNameMessageRetentionPeriod)) * time.Second,
		VisibilityTimeout: time.Duration(n(sqstypes.QueueAttributeNameVisibilityTimeout)) * time.Second,
	}, nil
}

// oldestAge reads the queue's ApproximateAgeOfOldestMessage metric: the
// latest one-minute maximum of the quarter hour up to now. ok is false
// when CloudWatch has no datapoint. For a dead-letter queue the metric
// counts from when a message was moved in, not from its original send.
func oldestAge(ctx context.Context, c CloudWatchAPI, q Queue, now time.Time) (age time.Duration, ok bool, err error) {
	out, err := c.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{
		Namespace:  aws.String(sqsNamespace),
		MetricName: aws.String(metricAge),
		Dimensions: []cwtypes.Dimension{{Name: aws.String(queueNameDim), Value: aws.String(q.Name)}},
		StartTime:  aws.Time(now.Add(-ageWindow)),
		EndTime:    aws.Time(now),
		Period:     aws.Int32(agePeriodSeconds),
		Statistics: []cwtypes.Statistic{cwtypes.StatisticMaximum},
	})
	if err != nil {
		return 0, false, fmt.Errorf("get age of oldest message in queue %s: %w", q.Name, err)
	}
	var latest *cwtypes.Datapoint
	for i := range out.Datapoints {
		dp := &out.Datapoints[i]
		if dp.Maximum == nil || dp.Timestamp == nil {
			continue
		}
		if latest == nil || dp.Timestamp.After(*latest.Timestamp) {
			latest = dp
		}
	}
	if latest == nil {
		return 0, false, nil
	}
	return time.Duration(*latest.Maximum * float64(time.Second)), true, nil
}

// AlarmStatus is the state of the CloudWatch alarms on a queue's
// ApproximateNumberOfMessagesVisible metric.
type AlarmStatus struct {
	// State is the most urgent state of those alarms (ALARM, then
	// INSUFFICIENT_DATA, then OK), or AlarmNone when there is none.
	State string `json:"state"`
	// Names are the alarms, sorted.
	Names []string `json:"names,omitempty"`
}

// String is "ALARM (orders-dlq-depth)" or "none".
func (a AlarmStatus) String() string {
	if a.State == "" || a.State == AlarmNone {
		return AlarmNone
	}
	return a.State + " (" + strings.Join(a.Names, ", ") + ")"
}

// alarmStatus finds the alarms on the queue's visible-messages metric.
func alarmStatus(ctx context.Context, c CloudWatchAPI, q Queue) (AlarmStatus, error) {
	out, err := c.DescribeAlarmsForMetric(ctx, &cloudwatch.DescribeAlarmsForMetricInput{
		Namespace:  aws.String(sqsNamespace),
		MetricName: aws.String(metricVisible),
		Dimensions: []cwtypes.Dimension{{Name: aws.String(queueNameDim), Value: aws.String(q.Name)}},
	})
	if err != nil {
		return AlarmStatus{State: "unknown"}, fmt.Errorf("describe alarms of queue %s: %w", q.Name, err)
	}
	st := AlarmStatus{State: AlarmNone}
	rank := map[string]int{AlarmNone: 0, string(cwtypes.StateValueOk): 1, string(cwtypes.StateValueInsufficientData): 2, string(cwtypes.StateValueAlarm): 3}
	for _, a := range out.MetricAlarms {
		if !onQueue(a.Dimensions, q.Name) {
			continue
		}
		st.Names = append(st.Names, aws.ToString(a.AlarmName))
		if s := string(a.StateValue); rank[s] > rank[st.State] {
			st.State = s
		}
	}
	slices.Sort(st.Names)
	return st, nil
}

// onQueue reports whether an alarm's dimensions are exactly QueueName=name.
func onQueue(dims []cwtypes.Dimension, name string) bool {
	return len(dims) == 1 && aws.ToString(dims[0].Name) == queueNameDim && aws.ToString(dims[0].Value) == name
}
