package monitor

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
)

// CloudWatchAPI is the part of CloudWatch the monitor service calls.
type CloudWatchAPI interface {
	DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
	ListTagsForResource(ctx context.Context, in *cloudwatch.ListTagsForResourceInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.ListTagsForResourceOutput, error)
	ListMetrics(ctx context.Context, in *cloudwatch.ListMetricsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.ListMetricsOutput, error)
	ListDashboards(ctx context.Context, in *cloudwatch.ListDashboardsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.ListDashboardsOutput, error)
	GetDashboard(ctx context.Context, in *cloudwatch.GetDashboardInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.GetDashboardOutput, error)
	PutMetricAlarm(ctx context.Context, in *cloudwatch.PutMetricAlarmInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error)
	TagResource(ctx context.Context, in *cloudwatch.TagResourceInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.TagResourceOutput, error)
	DeleteAlarms(ctx context.Context, in *cloudwatch.DeleteAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error)
	PutDashboard(ctx context.Context, in *cloudwatch.PutDashboardInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.PutDashboardOutput, error)
	DeleteDashboards(ctx context.Context, in *cloudwatch.DeleteDashboardsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DeleteDashboardsOutput, error)
}

// LogsAPI is the part of CloudWatch Logs the monitor service calls.
type LogsAPI interface {
	DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error)
	ListTagsForResource(ctx context.Context, in *cloudwatchlogs.ListTagsForResourceInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error)
	DescribeMetricFilters(ctx context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error)
	PutRetentionPolicy(ctx context.Context, in *cloudwatchlogs.PutRetentionPolicyInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutRetentionPolicyOutput, error)
	PutMetricFilter(ctx context.Context, in *cloudwatchlogs.PutMetricFilterInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutMetricFilterOutput, error)
	DeleteMetricFilter(ctx context.Context, in *cloudwatchlogs.DeleteMetricFilterInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DeleteMetricFilterOutput, error)
}

// EC2API is the part of EC2 the monitor service calls.
type EC2API interface {
	DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
}

// RDSAPI is the part of RDS the monitor service calls.
type RDSAPI interface {
	DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
	DescribeEventSubscriptions(ctx context.Context, in *rds.DescribeEventSubscriptionsInput, optFns ...func(*rds.Options)) (*rds.DescribeEventSubscriptionsOutput, error)
	CreateEventSubscription(ctx context.Context, in *rds.CreateEventSubscriptionInput, optFns ...func(*rds.Options)) (*rds.CreateEventSubscriptionOutput, error)
	ModifyEventSubscription(ctx context.Context, in *rds.ModifyEventSubscriptionInput, optFns ...func(*rds.Options)) (*rds.ModifyEventSubscriptionOutput, error)
	AddSourceIdentifierToSubscription(ctx context.Context, in *rds.AddSourceIdentifierToSubscriptionInput, optFns ...func(*rds.Options)) (*rds.AddSourceIdentifierToSubscriptionOutput, error)
	RemoveSourceIdentifierFromSubscription(ctx context.Context, in *rds.RemoveSourceIdentifierFromSubscriptionInput, optFns ...func(*rds.Options)) (*rds.RemoveSourceIdentifierFromSubscriptionOutput, error)
	DeleteEventSubscription(ctx context.Context, in *rds.DeleteEventSubscriptionInput, optFns ...func(*rds.Options)) (*rds.DeleteEventSubscriptionOutput, error)
}

// APIGatewayAPI is the part of API Gateway the monitor service calls.
type APIGatewayAPI interface {
	GetRestApis(ctx context.Context, in *apigateway.GetRestApisInput, optFns ...func(*apigateway.Options)) (*apigateway.GetRestApisOutput, error)
}

// ELBAPI is the part of Elastic Load Balancing (v2) the monitor service
// calls.
type ELBAPI interface {
	DescribeLoadBalancers(ctx context.Context, in *elb.DescribeLoadBalancersInput, optFns ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error)
	DescribeTags(ctx context.Context, in *elb.DescribeTagsInput, optFns ...func(*elb.Options)) (*elb.DescribeTagsOutput, error)
}

// SyntheticsAPI is the part of CloudWatch Synthetics the monitor service
// calls.
type SyntheticsAPI interface {
	DescribeCanaries(ctx context.Context, in *synthetics.DescribeCanariesInput, optFns ...func(*synthetics.Options)) (*synthetics.DescribeCanariesOutput, error)
}

// SNSAPI is the part of SNS the monitor service calls.
type SNSAPI interface {
	ListTopics(ctx context.Context, in *sns.ListTopicsInput, optFns ...func(*sns.Options)) (*sns.ListTopicsOutput, error)
	GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	ListSubscriptionsByTopic(ctx context.Context, in *sns.ListSubscriptionsByTopicInput, optFns ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error)
	ListTagsForResource(ctx context.Context, in *sns.ListTagsForResourceInput, optFns ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error)
	SetTopicAttributes(ctx context.Context, in *sns.SetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.SetTopicAttributesOutput, error)
}

// SQSAPI is the part of SQS the monitor service calls.
type SQSAPI interface {
	ListQueues(ctx context.Context, in *sqs.ListQueuesInput, optFns ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error)
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
	ListQueueTags(ctx context.Context, in *sqs.ListQueueTagsInput, optFns ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error)
}

// SSMAPI is the part of Systems Manager the monitor service calls: the
// agent's configuration parameters and its install and configure
// commands.
type SSMAPI interface {
	GetParameters(ctx context.Context, in *ssm.GetParametersInput, optFns ...func(*ssm.Options)) (*ssm.GetParametersOutput, error)
	ListTagsForResource(ctx context.Context, in *ssm.ListTagsForResourceInput, optFns ...func(*ssm.Options)) (*ssm.ListTagsForResourceOutput, error)
	PutParameter(ctx context.Context, in *ssm.PutParameterInput, optFns ...func(*ssm.Options)) (*ssm.PutParameterOutput, error)
	AddTagsToResource(ctx context.Context, in *ssm.AddTagsToResourceInput, optFns ...func(*ssm.Options)) (*ssm.AddTagsToResourceOutput, error)
	DescribeInstanceInformation(ctx context.Context, in *ssm.DescribeInstanceInformationInput, optFns ...func(*ssm.Options)) (*ssm.DescribeInstanceInformationOutput, error)
	ListCommands(ctx context.Context, in *ssm.ListCommandsInput, optFns ...func(*ssm.Options)) (*ssm.ListCommandsOutput, error)
	ListCommandInvocations(ctx context.Context, in *ssm.ListCommandInvocationsInput, optFns ...func(*ssm.Options)) (*ssm.ListCommandInvocationsOutput, error)
	SendCommand(ctx context.Context, in *ssm.SendCommandInput, optFns ...func(*ssm.Options)) (*ssm.SendCommandOutput, error)
}

// AutoScalingAPI is the part of EC2 Auto Scaling the monitor service
// calls.
type AutoScalingAPI interface {
	DescribeAutoScalingGroups(ctx context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, optFns ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error)
}

// LambdaAPI is the part of Lambda the monitor service calls.
type LambdaAPI interface {
	ListFunctions(ctx context.Context, in *lambda.ListFunctionsInput, optFns ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error)
	ListTags(ctx context.Context, in *lambda.ListTagsInput, optFns ...func(*lambda.Options)) (*lambda.ListTagsOutput, error)
}

// ECSAPI is the part of ECS the monitor service calls.
type ECSAPI interface {
	ListClusters(ctx context.Context, in *ecs.ListClustersInput, optFns ...func(*ecs.Options)) (*ecs.ListClustersOutput, error)
	DescribeClusters(ctx context.Context, in *ecs.DescribeClustersInput, optFns ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error)
	ListServices(ctx context.Context, in *ecs.ListServicesInput, optFns ...func(*ecs.Options)) (*ecs.ListServicesOutput, error)
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
}

var (
	_ AutoScalingAPI = (*autoscaling.Client)(nil)
	_ LambdaAPI      = (*lambda.Client)(nil)
	_ ECSAPI         = (*ecs.Client)(nil)
	_ SSMAPI         = (*ssm.Client)(nil)
	_ CloudWatchAPI  = (*cloudwatch.Client)(nil)
	_ LogsAPI        = (*cloudwatchlogs.Client)(nil)
	_ EC2API         = (*ec2.Client)(nil)
	_ RDSAPI         = (*rds.Client)(nil)
	_ APIGatewayAPI  = (*apigateway.Client)(nil)
	_ ELBAPI         = (*elb.Client)(nil)
	_ SyntheticsAPI  = (*synthetics.Client)(nil)
	_ SNSAPI         = (*sns.Client)(nil)
	_ SQSAPI         = (*sqs.Client)(nil)
)

// Clients are the AWS clients for one account and region.
type Clients struct {
	CloudWatch  CloudWatchAPI
	Logs        LogsAPI
	EC2         EC2API
	RDS         RDSAPI
	APIGateway  APIGatewayAPI
	ELB         ELBAPI
	Synthetics  SyntheticsAPI
	SNS         SNSAPI
	SQS         SQSAPI
	SSM         SSMAPI
	AutoScaling AutoScalingAPI
	Lambda      LambdaAPI
	ECS         ECSAPI
}

// NewClients returns the SDK's clients for cfg: the default
// [Deps.Clients]. When cfg points at an emulator (BaseEndpoint set), the
// CloudWatch client speaks AWS JSON 1.0 instead of CBOR, which emulators
// such as moto do not understand.
func NewClients(cfg aws.Config) Clients {
	var cwOpts []func(*cloudwatch.Options)
	if cfg.BaseEndpoint != nil {
		cwOpts = append(cwOpts, func(o *cloudwatch.Options) {
			o.Protocol = awsjson.New10(cwschemas.GraniteServiceVersion20100801)
		})
	}
	return Clients{
		CloudWatch:  cloudwatch.NewFromConfig(cfg, cwOpts...),
		Logs:        cloudwatchlogs.NewFromConfig(cfg),
		EC2:         ec2.NewFromConfig(cfg),
		RDS:         rds.NewFromConfig(cfg),
		APIGateway:  apigateway.NewFromConfig(cfg),
		ELB:         elb.NewFromConfig(cfg),
		Synthetics:  synthetics.NewFromConfig(cfg),
		SNS:         sns.NewFromConfig(cfg),
		SQS:         sqs.NewFromConfig(cfg),
		SSM:         ssm.NewFromConfig(cfg),
		AutoScaling: autoscaling.NewFromConfig(cfg),
		Lambda:      lambda.NewFromConfig(cfg),
		ECS:         ecs.NewFromConfig(cfg),
	}
}
