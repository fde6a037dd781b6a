package monitor

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"
	"github.com/aws/smithy-go"
)

// Hand-written fakes of the narrow interfaces: in-memory state, pages of
// pageSize items (so the SDK paginators page), every call recorded,
// failures injected per call.

const pageSize = 2

// calls records the operations a fake was asked for, in order.
type calls struct {
	mu  sync.Mutex
	ops []string
}

func (c *calls) add(op string, detail ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(detail) > 0 {
		op += " " + strings.Join(detail, ",")
	}
	c.ops = append(c.ops, op)
}

func (c *calls) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.ops)
}

// mutating returns the calls that are not Describe, List or Get calls.
func (c *calls) mutating() []string {
	var out []string
	for _, op := range c.all() {
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") {
			out = append(out, op)
		}
	}
	return out
}

func apiError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

// page returns the items of one page and the next token.
func page[T any](items []T, token *string) ([]T, *string) {
	from := 0
	if token != nil {
		from, _ = strconv.Atoi(*token)
	}
	from = min(from, len(items))
	to := min(from+pageSize, len(items))
	var next *string
	if to < len(items) {
		next = aws.String(strconv.Itoa(to))
	}
	return items[from:to], next
}

// fakeAWS is one account and region.
type fakeAWS struct {
	calls
	mu sync.Mutex

	instances []ec2types.Instance
	dbs       []rdstypes.DBInstance
	sub       *rdstypes.EventSubscription

	alarms     map[string]cwtypes.MetricAlarm
	alarmTags  map[string]map[string]string // by alarm name
	dashboards map[string]string
	metrics    []cwtypes.Metric
	groups     []logtypes.LogGroup
	groupTags  map[string]map[string]string // by ARN
	filters    []logtypes.MetricFilter

	// Failures: describeInstancesErr fails DescribeInstances;
	// putAlarmErr and deleteErr may fail a PutMetricAlarm or DeleteAlarms
	// call; listAlarmTagsErr fails ListTagsForResource.
	describeInstancesErr error
	putAlarmErr          func(name string) error
	deleteErr            func(names []string) error
	listAlarmTagsErr     error
	// deleteBatches are the sizes of DeleteAlarms calls.
	deleteBatches []int
}

func newFakeAWS() *fakeAWS {
	return &fakeAWS{
		alarms:     map[string]cwtypes.MetricAlarm{},
		alarmTags:  map[string]map[string]string{},
		dashboards: map[string]string{},
		groupTags:  map[string]map[string]string{},
	}
}

func (f *fakeAWS) clients() Clients {
	return Clients{
		CloudWatch: (*fakeCloudWatch)(f), Logs: (*fakeLogs)(f), EC2: (*fakeEC2)(f), RDS: (*fakeRDS)(f),
		APIGateway: (*fakeAPIGateway)(f), ELB: (*fakeELB)(f), Synthetics: (*fakeSynthetics)(f), SNS: (*fakeSNS)(f), SQS: (*fakeSQS)(f),
		AutoScaling: (*fakeAutoScaling)(f), Lambda: (*fakeLambda)(f), ECS: (*fakeECS)(f),
	}
}

// addInstance adds a running Linux instance.
func (f *fakeAWS) addInstance(id string, tags map[string]string) {
	inst := ec2types.Instance{InstanceId: aws.String(id), State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning}}
	for _, k := range sortedKeys(tags) {
		inst.Tags = append(inst.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	f.mu.Lock()
	f.instances = append(f.instances, inst)
	f.mu.Unlock()
}

// addAlarm adds an alarm with tags.
func (f *fakeAWS) addAlarm(a cwtypes.MetricAlarm, tags map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(a.AlarmName)
	a.AlarmArn = aws.String(alarmARN(testAccount, testRegion, name))
	f.alarms[name] = a
	f.alarmTags[name] = tags
}

func (f *fakeAWS) alarm(name string) (cwtypes.MetricAlarm, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.alarms[name]
	return a, ok
}

func (f *fakeAWS) tagsOf(name string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.alarmTags[name]
}

type fakeCloudWatch fakeAWS

func (c *fakeCloudWatch) f() *fakeAWS { return (*fakeAWS)(c) }

func (c *fakeCloudWatch) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	f := c.f()
	f.add("DescribeAlarms")
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	for n := range f.alarms {
		if strings.HasPrefix(n, aws.ToString(in.AlarmNamePrefix)) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	items, next := page(names, in.NextToken)
	out := &cloudwatch.DescribeAlarmsOutput{NextToken: next}
	for _, n := range items {
		out.MetricAlarms = append(out.MetricAlarms, f.alarms[n])
	}
	return out, nil
}

func (c *fakeCloudWatch) ListTagsForResource(_ context.Context, in *cloudwatch.ListTagsForResourceInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListTagsForResourceOutput, error) {
	f := c.f()
	f.add("ListTagsForResource")
	if f.listAlarmTagsErr != nil {
		return nil, f.listAlarmTagsErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.ResourceARN)
	name = name[strings.LastIndex(name, ":alarm:")+len(":alarm:"):]
	out := &cloudwatch.ListTagsForResourceOutput{}
	tags := f.alarmTags[name]
	for _, k := range sortedKeys(tags) {
		out.Tags = append(out.Tags, cwtypes.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out, nil
}

func (c *fakeCloudWatch) ListMetrics(_ context.Context, in *cloudwatch.ListMetricsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error) {
	f := c.f()
	f.add("ListMetrics")
	f.mu.Lock()
	defer f.mu.Unlock()
	var ms []cwtypes.Metric
	for _, m := range f.metrics {
		if aws.ToString(m.Namespace) != aws.ToString(in.Namespace) || aws.ToString(m.MetricName) != aws.ToString(in.MetricName) {
			continue
		}
		ok := true
		for _, want := range in.Dimensions {
			ok = ok && slices.ContainsFunc(m.Dimensions, func(d cwtypes.Dimension) bool {
				return aws.ToString(d.Name) == aws.ToString(want.Name) && aws.ToString(d.Value) == aws.ToString(want.Value)
			})
		}
		if ok {
			ms = append(ms, m)
		}
	}
	items, next := page(ms, in.NextToken)
	return &cloudwatch.ListMetricsOutput{Metrics: items, NextToken: next}, nil
}

func (c *fakeCloudWatch) ListDashboards(_ context.Context, in *cloudwatch.ListDashboardsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.ListDashboardsOutput, error) {
	f := c.f()
	f.add("ListDashboards")
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	for n := range f.dashboards {
		if strings.HasPrefix(n, aws.ToString(in.DashboardNamePrefix)) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	items, next := page(names, in.NextToken)
	out := &cloudwatch.ListDashboardsOutput{NextToken: next}
	for _, n := range items {
		out.DashboardEntries = append(out.DashboardEntries, cwtypes.DashboardEntry{DashboardName: aws.String(n)})
	}
	return out, nil
}

func (c *fakeCloudWatch) GetDashboard(_ context.Context, in *cloudwatch.GetDashboardInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.GetDashboardOutput, error) {
	f := c.f()
	f.add("GetDashboard")
	f.mu.Lock()
	defer f.mu.Unlock()
	body, ok := f.dashboards[aws.ToString(in.DashboardName)]
	if !ok {
		return nil, apiError("ResourceNotFound", "Dashboard does not exist")
	}
	return &cloudwatch.GetDashboardOutput{DashboardName: in.DashboardName, DashboardBody: aws.String(body)}, nil
}

func (c *fakeCloudWatch) PutMetricAlarm(_ context.Context, in *cloudwatch.PutMetricAlarmInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error) {
	f := c.f()
	name := aws.ToString(in.AlarmName)
	f.add("PutMetricAlarm", name, "tags="+strconv.Itoa(len(in.Tags)))
	if f.putAlarmErr != nil {
		if err := f.putAlarmErr(name); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a := cwtypes.MetricAlarm{
		AlarmName: in.AlarmName, AlarmArn: aws.String(alarmARN(testAccount, testRegion, name)), AlarmDescription: in.AlarmDescription,
		Namespace: in.Namespace, MetricName: in.MetricName, Dimensions: in.Dimensions, Statistic: in.Statistic, Metrics: in.Metrics,
		Period: in.Period, EvaluationPeriods: in.EvaluationPeriods, DatapointsToAlarm: in.DatapointsToAlarm, Threshold: in.Threshold,
		ComparisonOperator: in.ComparisonOperator, TreatMissingData: in.TreatMissingData, ActionsEnabled: in.ActionsEnabled,
		AlarmActions: in.AlarmActions, OKActions: in.OKActions, InsufficientDataActions: in.InsufficientDataActions,
	}
	_, existed := f.alarms[name]
	f.alarms[name] = a
	if !existed {
		// Like AWS: tags are applied when the alarm is created only.
		tags := map[string]string{}
		for _, t := range in.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		f.alarmTags[name] = tags
	}
	return &cloudwatch.PutMetricAlarmOutput{}, nil
}

func (c *fakeCloudWatch) TagResource(_ context.Context, in *cloudwatch.TagResourceInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.TagResourceOutput, error) {
	f := c.f()
	arn := aws.ToString(in.ResourceARN)
	name := arn[strings.LastIndex(arn, ":alarm:")+len(":alarm:"):]
	f.add("TagResource", name)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.alarmTags[name] == nil {
		f.alarmTags[name] = map[string]string{}
	}
	for _, t := range in.Tags {
		f.alarmTags[name][aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return &cloudwatch.TagResourceOutput{}, nil
}

func (c *fakeCloudWatch) DeleteAlarms(_ context.Context, in *cloudwatch.DeleteAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error) {
	f := c.f()
	f.add("DeleteAlarms", strconv.Itoa(len(in.AlarmNames)))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleteBatches = append(f.deleteBatches, len(in.AlarmNames))
	if len(in.AlarmNames) > 100 {
		return nil, apiError("LimitExceeded", "at most 100 alarm names")
	}
	if f.deleteErr != nil {
		if err := f.deleteErr(in.AlarmNames); err != nil {
			return nil, err
		}
	}
	for _, n := range in.AlarmNames {
		delete(f.alarms, n)
		delete(f.alarmTags, n)
	}
	return &cloudwatch.DeleteAlarmsOutput{}, nil
}

func (c *fakeCloudWatch) PutDashboard(_ context.Context, in *cloudwatch.PutDashboardInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutDashboardOutput, error) {
	f := c.f()
	f.add("PutDashboard", aws.ToString(in.DashboardName))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dashboards[aws.ToString(in.DashboardName)] = aws.ToString(in.DashboardBody)
	return &cloudwatch.PutDashboardOutput{}, nil
}

func (c *fakeCloudWatch) DeleteDashboards(_ context.Context, in *cloudwatch.DeleteDashboardsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DeleteDashboardsOutput, error) {
	f := c.f()
	f.add("DeleteDashboards", in.DashboardNames...)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range in.DashboardNames {
		delete(f.dashboards, n)
	}
	return &cloudwatch.DeleteDashboardsOutput{}, nil
}

type fakeLogs fakeAWS

func (l *fakeLogs) f() *fakeAWS { return (*fakeAWS)(l) }

func (l *fakeLogs) DescribeLogGroups(_ context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	f := l.f()
	f.add("DescribeLogGroups")
	f.mu.Lock()
	defer f.mu.Unlock()
	items, next := page(f.groups, in.NextToken)
	return &cloudwatchlogs.DescribeLogGroupsOutput{LogGroups: slices.Clone(items), NextToken: next}, nil
}

func (l *fakeLogs) ListTagsForResource(_ context.Context, in *cloudwatchlogs.ListTagsForResourceInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
	f := l.f()
	f.add("ListTagsForResource", aws.ToString(in.ResourceArn))
	f.mu.Lock()
	defer f.mu.Unlock()
	return &cloudwatchlogs.ListTagsForResourceOutput{Tags: f.groupTags[aws.ToString(in.ResourceArn)]}, nil
}

func (l *fakeLogs) DescribeMetricFilters(_ context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
	f := l.f()
	f.add("DescribeMetricFilters")
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []logtypes.MetricFilter
	for _, mf := range f.filters {
		if aws.ToString(mf.LogGroupName) == aws.ToString(in.LogGroupName) && strings.HasPrefix(aws.ToString(mf.FilterName), aws.ToString(in.FilterNamePrefix)) {
			out = append(out, mf)
		}
	}
	return &cloudwatchlogs.DescribeMetricFiltersOutput{MetricFilters: out}, nil
}

func (l *fakeLogs) PutRetentionPolicy(_ context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error) {
	f := l.f()
	f.add("PutRetentionPolicy", aws.ToString(in.LogGroupName))
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.groups {
		if aws.ToString(f.groups[i].LogGroupName) == aws.ToString(in.LogGroupName) {
			f.groups[i].RetentionInDays = in.RetentionInDays
		}
	}
	return &cloudwatchlogs.PutRetentionPolicyOutput{}, nil
}

func (l *fakeLogs) PutMetricFilter(_ context.Context, in *cloudwatchlogs.PutMetricFilterInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutMetricFilterOutput, error) {
	f := l.f()
	f.add("PutMetricFilter", aws.ToString(in.LogGroupName))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, logtypes.MetricFilter{LogGroupName: in.LogGroupName, FilterName: in.FilterName, FilterPattern: in.FilterPattern, MetricTransformations: in.MetricTransformations})
	return &cloudwatchlogs.PutMetricFilterOutput{}, nil
}

func (l *fakeLogs) DeleteMetricFilter(_ context.Context, in *cloudwatchlogs.DeleteMetricFilterInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteMetricFilterOutput, error) {
	l.f().add("DeleteMetricFilter", aws.ToString(in.LogGroupName))
	return &cloudwatchlogs.DeleteMetricFilterOutput{}, nil
}

type fakeEC2 fakeAWS

func (e *fakeEC2) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	f := (*fakeAWS)(e)
	f.add("DescribeInstances")
	if f.describeInstancesErr != nil {
		return nil, f.describeInstancesErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	items, next := page(f.instances, in.NextToken)
	return &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{{Instances: slices.Clone(items)}}, NextToken: next}, nil
}

type fakeRDS fakeAWS

func (r *fakeRDS) f() *fakeAWS { return (*fakeAWS)(r) }

func (r *fakeRDS) DescribeDBInstances(_ context.Context, in *rds.DescribeDBInstancesInput, _ ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	f := r.f()
	f.add("DescribeDBInstances")
	f.mu.Lock()
	defer f.mu.Unlock()
	items, next := page(f.dbs, in.Marker)
	return &rds.DescribeDBInstancesOutput{DBInstances: slices.Clone(items), Marker: next}, nil
}

func (r *fakeRDS) DescribeEventSubscriptions(context.Context, *rds.DescribeEventSubscriptionsInput, ...func(*rds.Options)) (*rds.DescribeEventSubscriptionsOutput, error) {
	f := r.f()
	f.add("DescribeEventSubscriptions")
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &rds.DescribeEventSubscriptionsOutput{}
	if f.sub != nil {
		out.EventSubscriptionsList = []rdstypes.EventSubscription{*f.sub}
	}
	return out, nil
}

func (r *fakeRDS) CreateEventSubscription(_ context.Context, in *rds.CreateEventSubscriptionInput, _ ...func(*rds.Options)) (*rds.CreateEventSubscriptionOutput, error) {
	f := r.f()
	f.add("CreateEventSubscription", aws.ToString(in.SubscriptionName))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sub = &rdstypes.EventSubscription{CustSubscriptionId: in.SubscriptionName, SnsTopicArn: in.SnsTopicArn, SourceType: in.SourceType,
		EventCategoriesList: in.EventCategories, SourceIdsList: in.SourceIds, Enabled: in.Enabled}
	return &rds.CreateEventSubscriptionOutput{}, nil
}

func (r *fakeRDS) ModifyEventSubscription(_ context.Context, in *rds.ModifyEventSubscriptionInput, _ ...func(*rds.Options)) (*rds.ModifyEventSubscriptionOutput, error) {
	f := r.f()
	f.add("ModifyEventSubscription")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sub.SnsTopicArn, f.sub.SourceType, f.sub.EventCategoriesList, f.sub.Enabled = in.SnsTopicArn, in.SourceType, in.EventCategories, in.Enabled
	return &rds.ModifyEventSubscriptionOutput{}, nil
}

func (r *fakeRDS) AddSourceIdentifierToSubscription(_ context.Context, in *rds.AddSourceIdentifierToSubscriptionInput, _ ...func(*rds.Options)) (*rds.AddSourceIdentifierToSubscriptionOutput, error) {
	f := r.f()
	f.add("AddSourceIdentifierToSubscription", aws.ToString(in.SourceIdentifier))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sub.SourceIdsList = append(f.sub.SourceIdsList, aws.ToString(in.SourceIdentifier))
	return &rds.AddSourceIdentifierToSubscriptionOutput{}, nil
}

func (r *fakeRDS) RemoveSourceIdentifierFromSubscription(_ context.Context, in *rds.RemoveSourceIdentifierFromSubscriptionInput, _ ...func(*rds.Options)) (*rds.RemoveSourceIdentifierFromSubscriptionOutput, error) {
	f := r.f()
	f.add("RemoveSourceIdentifierFromSubscription", aws.ToString(in.SourceIdentifier))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sub.SourceIdsList = slices.DeleteFunc(f.sub.SourceIdsList, func(s string) bool { return s == aws.ToString(in.SourceIdentifier) })
	return &rds.RemoveSourceIdentifierFromSubscriptionOutput{}, nil
}

func (r *fakeRDS) DeleteEventSubscription(_ context.Context, in *rds.DeleteEventSubscriptionInput, _ ...func(*rds.Options)) (*rds.DeleteEventSubscriptionOutput, error) {
	f := r.f()
	f.add("DeleteEventSubscription", aws.ToString(in.SubscriptionName))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sub = nil
	return &rds.DeleteEventSubscriptionOutput{}, nil
}

// The services the service tests leave empty.

type fakeAPIGateway fakeAWS

func (a *fakeAPIGateway) GetRestApis(context.Context, *apigateway.GetRestApisInput, ...func(*apigateway.Options)) (*apigateway.GetRestApisOutput, error) {
	(*fakeAWS)(a).add("GetRestApis")
	return &apigateway.GetRestApisOutput{}, nil
}

type fakeELB fakeAWS

func (e *fakeELB) DescribeLoadBalancers(context.Context, *elb.DescribeLoadBalancersInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error) {
	(*fakeAWS)(e).add("DescribeLoadBalancers")
	return &elb.DescribeLoadBalancersOutput{}, nil
}

func (e *fakeELB) DescribeTags(context.Context, *elb.DescribeTagsInput, ...func(*elb.Options)) (*elb.DescribeTagsOutput, error) {
	(*fakeAWS)(e).add("DescribeTags")
	return &elb.DescribeTagsOutput{}, nil
}

type fakeSynthetics fakeAWS

func (s *fakeSynthetics) DescribeCanaries(context.Context, *synthetics.DescribeCanariesInput, ...func(*synthetics.Options)) (*synthetics.DescribeCanariesOutput, error) {
	(*fakeAWS)(s).add("DescribeCanaries")
	return &synthetics.DescribeCanariesOutput{}, nil
}

type fakeSNS fakeAWS

func (s *fakeSNS) ListTopics(context.Context, *sns.ListTopicsInput, ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	(*fakeAWS)(s).add("ListTopics")
	return &sns.ListTopicsOutput{}, nil
}

func (s *fakeSNS) GetTopicAttributes(context.Context, *sns.GetTopicAttributesInput, ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	(*fakeAWS)(s).add("GetTopicAttributes")
	return &sns.GetTopicAttributesOutput{}, nil
}

func (s *fakeSNS) ListSubscriptionsByTopic(context.Context, *sns.ListSubscriptionsByTopicInput, ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	(*fakeAWS)(s).add("ListSubscriptionsByTopic")
	return &sns.ListSubscriptionsByTopicOutput{}, nil
}

func (s *fakeSNS) ListTagsForResource(context.Context, *sns.ListTagsForResourceInput, ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error) {
	(*fakeAWS)(s).add("ListTagsForResource")
	return &sns.ListTagsForResourceOutput{}, nil
}

func (s *fakeSNS) SetTopicAttributes(context.Context, *sns.SetTopicAttributesInput, ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error) {
	(*fakeAWS)(s).add("SetTopicAttributes")
	return &sns.SetTopicAttributesOutput{}, nil
}

type fakeSQS fakeAWS

func (q *fakeSQS) ListQueues(context.Context, *sqs.ListQueuesInput, ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error) {
	(*fakeAWS)(q).add("ListQueues")
	return &sqs.ListQueuesOutput{}, nil
}

func (q *fakeSQS) GetQueueAttributes(context.Context, *sqs.GetQueueAttributesInput, ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	(*fakeAWS)(q).add("GetQueueAttributes")
	return &sqs.GetQueueAttributesOutput{}, nil
}

func (q *fakeSQS) ListQueueTags(context.Context, *sqs.ListQueueTagsInput, ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error) {
	(*fakeAWS)(q).add("ListQueueTags")
	return &sqs.ListQueueTagsOutput{}, nil
}
