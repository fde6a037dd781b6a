package audit

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"

	"github.com/opsd-dev/opsd/awsenv"
)

// Every call below is read-only: the assessment never changes anything,
// in Apply mode or Plan mode.

// RDSAPI is the part of RDS the audit calls.
type RDSAPI interface {
	DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
	DescribeDBClusters(ctx context.Context, in *rds.DescribeDBClustersInput, optFns ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error)
}

// SNSAPI is the part of SNS the audit calls.
type SNSAPI interface {
	ListTopics(ctx context.Context, in *sns.ListTopicsInput, optFns ...func(*sns.Options)) (*sns.ListTopicsOutput, error)
	GetTopicAttributes(ctx context.Context, in *sns.GetTopicAttributesInput, optFns ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	ListTagsForResource(ctx context.Context, in *sns.ListTagsForResourceInput, optFns ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error)
}

// OpenSearchAPI is the part of OpenSearch Service the audit calls.
type OpenSearchAPI interface {
	ListDomainNames(ctx context.Context, in *opensearch.ListDomainNamesInput, optFns ...func(*opensearch.Options)) (*opensearch.ListDomainNamesOutput, error)
	DescribeDomains(ctx context.Context, in *opensearch.DescribeDomainsInput, optFns ...func(*opensearch.Options)) (*opensearch.DescribeDomainsOutput, error)
	ListTags(ctx context.Context, in *opensearch.ListTagsInput, optFns ...func(*opensearch.Options)) (*opensearch.ListTagsOutput, error)
}

// S3API is the part of S3 the audit calls.
type S3API interface {
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
	GetBucketPolicyStatus(ctx context.Context, in *s3.GetBucketPolicyStatusInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error)
	GetBucketAcl(ctx context.Context, in *s3.GetBucketAclInput, optFns ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
}

// KafkaAPI is the part of Amazon MSK the audit calls.
type KafkaAPI interface {
	ListClustersV2(ctx context.Context, in *kafka.ListClustersV2Input, optFns ...func(*kafka.Options)) (*kafka.ListClustersV2Output, error)
}

// DynamoDBAPI is the part of DynamoDB the audit calls.
type DynamoDBAPI interface {
	ListTables(ctx context.Context, in *dynamodb.ListTablesInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ListTablesOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	DescribeContinuousBackups(ctx context.Context, in *dynamodb.DescribeContinuousBackupsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error)
	ListTagsOfResource(ctx context.Context, in *dynamodb.ListTagsOfResourceInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error)
}

// RedshiftAPI is the part of Redshift the audit calls.
type RedshiftAPI interface {
	DescribeClusters(ctx context.Context, in *redshift.DescribeClustersInput, optFns ...func(*redshift.Options)) (*redshift.DescribeClustersOutput, error)
}

// APIGatewayAPI is the part of API Gateway (REST APIs) the audit calls.
type APIGatewayAPI interface {
	GetRestApis(ctx context.Context, in *apigateway.GetRestApisInput, optFns ...func(*apigateway.Options)) (*apigateway.GetRestApisOutput, error)
	GetResources(ctx context.Context, in *apigateway.GetResourcesInput, optFns ...func(*apigateway.Options)) (*apigateway.GetResourcesOutput, error)
	GetStages(ctx context.Context, in *apigateway.GetStagesInput, optFns ...func(*apigateway.Options)) (*apigateway.GetStagesOutput, error)
}

// LambdaAPI is the part of Lambda the audit calls.
type LambdaAPI interface {
	ListFunctions(ctx context.Context, in *lambda.ListFunctionsInput, optFns ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error)
	GetPolicy(ctx context.Context, in *lambda.GetPolicyInput, optFns ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error)
	ListTags(ctx context.Context, in *lambda.ListTagsInput, optFns ...func(*lambda.Options)) (*lambda.ListTagsOutput, error)
}

// EC2API is the part of EC2 the audit calls.
type EC2API interface {
	DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error)
	DescribeRouteTables(ctx context.Context, in *ec2.DescribeRouteTablesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error)
	DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	DescribeAvailabilityZones(ctx context.Context, in *ec2.DescribeAvailabilityZonesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error)
	DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	DescribeNetworkInterfaces(ctx context.Context, in *ec2.DescribeNetworkInterfacesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error)
}

// ELBAPI is the part of Elastic Load Balancing (Classic Load Balancers)
// the audit calls.
type ELBAPI interface {
	DescribeLoadBalancers(ctx context.Context, in *elb.DescribeLoadBalancersInput, optFns ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error)
	DescribeLoadBalancerAttributes(ctx context.Context, in *elb.DescribeLoadBalancerAttributesInput, optFns ...func(*elb.Options)) (*elb.DescribeLoadBalancerAttributesOutput, error)
	DescribeTags(ctx context.Context, in *elb.DescribeTagsInput, optFns ...func(*elb.Options)) (*elb.DescribeTagsOutput, error)
}

// ELBv2API is the part of Elastic Load Balancing v2 (Application, Network
// and Gateway Load Balancers) the audit calls.
type ELBv2API interface {
	DescribeLoadBalancers(ctx context.Context, in *elbv2.DescribeLoadBalancersInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancersOutput, error)
	DescribeLoadBalancerAttributes(ctx context.Context, in *elbv2.DescribeLoadBalancerAttributesInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancerAttributesOutput, error)
	DescribeTags(ctx context.Context, in *elbv2.DescribeTagsInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTagsOutput, error)
	DescribeTargetGroups(ctx context.Context, in *elbv2.DescribeTargetGroupsInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error)
	DescribeTargetGroupAttributes(ctx context.Context, in *elbv2.DescribeTargetGroupAttributesInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupAttributesOutput, error)
}

// AutoScalingAPI is the part of EC2 Auto Scaling the audit calls.
type AutoScalingAPI interface {
	DescribeAutoScalingGroups(ctx context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, optFns ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error)
}

// CloudWatchAPI is the part of CloudWatch the audit calls.
type CloudWatchAPI interface {
	DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
}

// SyntheticsAPI is the part of CloudWatch Synthetics the audit calls.
type SyntheticsAPI interface {
	DescribeCanaries(ctx context.Context, in *synthetics.DescribeCanariesInput, optFns ...func(*synthetics.Options)) (*synthetics.DescribeCanariesOutput, error)
}

// LogsAPI is the part of CloudWatch Logs the audit calls.
type LogsAPI interface {
	DescribeLogGroups(ctx context.Context, in *cloudwatchlogs.DescribeLogGroupsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error)
	ListTagsForResource(ctx context.Context, in *cloudwatchlogs.ListTagsForResourceInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error)
}

// SQSAPI is the part of SQS the audit calls.
type SQSAPI interface {
	ListQueues(ctx context.Context, in *sqs.ListQueuesInput, optFns ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error)
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
	ListQueueTags(ctx context.Context, in *sqs.ListQueueTagsInput, optFns ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error)
}

// EFSAPI is the part of Amazon EFS the audit calls.
type EFSAPI interface {
	DescribeFileSystems(ctx context.Context, in *efs.DescribeFileSystemsInput, optFns ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error)
}

// RestoreTestingAPI is the part of AWS Backup restore testing the audit
// calls: the plans and their restore jobs.
type RestoreTestingAPI interface {
	ListRestoreTestingPlans(ctx context.Context, in *backup.ListRestoreTestingPlansInput, optFns ...func(*backup.Options)) (*backup.ListRestoreTestingPlansOutput, error)
	ListRestoreJobs(ctx context.Context, in *backup.ListRestoreJobsInput, optFns ...func(*backup.Options)) (*backup.ListRestoreJobsOutput, error)
}

var (
	_ RestoreTestingAPI = (*backup.Client)(nil)
	_ RDSAPI            = (*rds.Client)(nil)
	_ SNSAPI            = (*sns.Client)(nil)
	_ OpenSearchAPI     = (*opensearch.Client)(nil)
	_ S3API             = (*s3.Client)(nil)
	_ KafkaAPI          = (*kafka.Client)(nil)
	_ DynamoDBAPI       = (*dynamodb.Client)(nil)
	_ RedshiftAPI       = (*redshift.Client)(nil)
	_ APIGatewayAPI     = (*apigateway.Client)(nil)
	_ LambdaAPI         = (*lambda.Client)(nil)
	_ EC2API            = (*ec2.Client)(nil)
	_ AutoScalingAPI    = (*autoscaling.Client)(nil)
	_ CloudWatchAPI     = (*cloudwatch.Client)(nil)
	_ SyntheticsAPI     = (*synthetics.Client)(nil)
	_ LogsAPI           = (*cloudwatchlogs.Client)(nil)
	_ SQSAPI            = (*sqs.Client)(nil)
	_ EFSAPI            = (*efs.Client)(nil)
	_ ELBAPI            = (*elb.Client)(nil)
	_ ELBv2API          = (*elbv2.Client)(nil)
)

// Clients are the AWS clients for one account and region.
type Clients struct {
	RDS         RDSAPI
	SNS         SNSAPI
	OpenSearch  OpenSearchAPI
	S3          S3API
	Kafka       KafkaAPI
	DynamoDB    DynamoDBAPI
	Redshift    RedshiftAPI
	APIGateway  APIGatewayAPI
	Lambda      LambdaAPI
	EC2         EC2API
	AutoScaling AutoScalingAPI
	CloudWatch  CloudWatchAPI
	Synthetics  SyntheticsAPI
	Logs        LogsAPI
	SQS         SQSAPI
	EFS         EFSAPI
	ELB         ELBAPI
	ELBv2       ELBv2API
	ACM         ACMAPI
	// RestoreTesting is called only when backup restore testing is on.
	RestoreTesting RestoreTestingAPI
	// MonitorCoverage is the monitor planner, read-only; nil when the
	// monitor service is off. The assessment sets it per target.
	MonitorCoverage MonitorCoverageFunc
}

// NewClients returns the SDK's clients for cfg: the default
// [Deps.Clients]. With an emulator endpoint (cfg.BaseEndpoint set), S3
// uses path-style addressing and CloudWatch the AWS JSON 1.0 protocol.
func NewClients(cfg aws.Config) Clients {
	emulated := cfg.BaseEndpoint != nil
	return Clients{
		RDS:        rds.NewFromConfig(cfg),
		SNS:        sns.NewFromConfig(cfg),
		OpenSearch: opensearch.NewFromConfig(cfg),
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = emulated
		}),
		Kafka:       kafka.NewFromConfig(cfg),
		DynamoDB:    dynamodb.NewFromConfig(cfg),
		Redshift:    redshift.NewFromConfig(cfg),
		APIGateway:  apigateway.NewFromConfig(cfg),
		Lambda:      lambda.NewFromConfig(cfg),
		EC2:         ec2.NewFromConfig(cfg),
		AutoScaling: autoscaling.NewFromConfig(cfg),
		CloudWatch:  awsenv.CloudWatch(cfg),
		Synthetics:  synthetics.NewFromConfig(cfg),
		Logs:        cloudwatchlogs.NewFromConfig(cfg),
		SQS:         sqs.NewFromConfig(cfg),
		EFS:         efs.NewFromConfig(cfg),
		ELB:         elb.NewFromConfig(cfg),
		ELBv2:       elbv2.NewFromConfig(cfg),
		ACM:         acm.NewFromConfig(cfg),
		// RestoreTesting: AWS Backup.
		RestoreTesting: backup.NewFromConfig(cfg),
	}
}
