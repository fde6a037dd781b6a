package dlq

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/opsd-dev/opsd/awsenv"
)

// SQSAPI is the part of SQS the dlq service calls.
type SQSAPI interface {
	ListQueues(ctx context.Context, in *sqs.ListQueuesInput, optFns ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error)
	GetQueueAttributes(ctx context.Context, in *sqs.GetQueueAttributesInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error)
	ListQueueTags(ctx context.Context, in *sqs.ListQueueTagsInput, optFns ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error)
	GetQueueUrl(ctx context.Context, in *sqs.GetQueueUrlInput, optFns ...func(*sqs.Options)) (*sqs.GetQueueUrlOutput, error)
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, optFns ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
	ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, optFns ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error)
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
	SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error)
}

// S3API is the part of S3 the dlq service calls.
type S3API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

// CloudWatchAPI is the part of CloudWatch the dlq service calls.
type CloudWatchAPI interface {
	GetMetricStatistics(ctx context.Context, in *cloudwatch.GetMetricStatisticsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricStatisticsOutput, error)
	DescribeAlarmsForMetric(ctx context.Context, in *cloudwatch.DescribeAlarmsForMetricInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsForMetricOutput, error)
}

var (
	_ SQSAPI        = (*sqs.Client)(nil)
	_ S3API         = (*s3.Client)(nil)
	_ CloudWatchAPI = (*cloudwatch.Client)(nil)
)

// Clients are the AWS clients for one account and region.
type Clients struct {
	SQS        SQSAPI
	S3         S3API
	CloudWatch CloudWatchAPI
}

// NewClients returns the SDK's clients for cfg: the default
// [Deps.Clients]. With an emulator endpoint (cfg.BaseEndpoint set) S3
// uses path-style addressing and CloudWatch the AWS JSON 1.0 protocol.
func NewClients(cfg aws.Config) Clients {
	return Clients{
		SQS:        sqs.NewFromConfig(cfg),
		S3:         newS3(cfg, ""),
		CloudWatch: newCloudWatch(cfg),
	}
}

// ReplayClients are the clients [Replay] uses: S3 where the archive is,
// SQS where the messages go.
type ReplayClients struct {
	S3  S3API
	SQS SQSAPI
}

// NewReplayClients returns the SDK's clients for a replay: SQS in cfg's
// region, S3 in archiveRegion (the bucket's region; empty means cfg's).
func NewReplayClients(cfg aws.Config, archiveRegion string) ReplayClients {
	return ReplayClients{S3: newS3(cfg, archiveRegion), SQS: sqs.NewFromConfig(cfg)}
}

func newS3(cfg aws.Config, region string) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		if region != "" {
			o.Region = region
		}
		if cfg.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
	})
}

func newCloudWatch(cfg aws.Config) *cloudwatch.Client { return awsenv.CloudWatch(cfg) }
