package patching

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
)

// EC2API is the part of EC2 the patching service calls.
type EC2API interface {
	DescribeInstances(ctx context.Context, in *ec2.DescribeInstancesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error)
	StartInstances(ctx context.Context, in *ec2.StartInstancesInput, optFns ...func(*ec2.Options)) (*ec2.StartInstancesOutput, error)
	StopInstances(ctx context.Context, in *ec2.StopInstancesInput, optFns ...func(*ec2.Options)) (*ec2.StopInstancesOutput, error)
	CreateTags(ctx context.Context, in *ec2.CreateTagsInput, optFns ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	DeleteTags(ctx context.Context, in *ec2.DeleteTagsInput, optFns ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error)
	DescribeInstanceStatus(ctx context.Context, in *ec2.DescribeInstanceStatusInput, optFns ...func(*ec2.Options)) (*ec2.DescribeInstanceStatusOutput, error)
}

// SSMAPI is the part of Systems Manager the patching service calls.
type SSMAPI interface {
	DescribeInstanceInformation(ctx context.Context, in *ssm.DescribeInstanceInformationInput, optFns ...func(*ssm.Options)) (*ssm.DescribeInstanceInformationOutput, error)
	SendCommand(ctx context.Context, in *ssm.SendCommandInput, optFns ...func(*ssm.Options)) (*ssm.SendCommandOutput, error)
	ListCommands(ctx context.Context, in *ssm.ListCommandsInput, optFns ...func(*ssm.Options)) (*ssm.ListCommandsOutput, error)
	ListCommandInvocations(ctx context.Context, in *ssm.ListCommandInvocationsInput, optFns ...func(*ssm.Options)) (*ssm.ListCommandInvocationsOutput, error)
	DescribeInstancePatchStates(ctx context.Context, in *ssm.DescribeInstancePatchStatesInput, optFns ...func(*ssm.Options)) (*ssm.DescribeInstancePatchStatesOutput, error)
	DescribeInstancePatches(ctx context.Context, in *ssm.DescribeInstancePatchesInput, optFns ...func(*ssm.Options)) (*ssm.DescribeInstancePatchesOutput, error)
}

// CloudWatchAPI is the part of CloudWatch the patching service calls: a
// ring's gate looks at the alarms on its patched instances.
type CloudWatchAPI interface {
	DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error)
	DescribeAlarmHistory(ctx context.Context, in *cloudwatch.DescribeAlarmHistoryInput, optFns ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmHistoryOutput, error)
}

// S3API is the part of S3 the patching service calls: the frozen patch
// lists are written there.
type S3API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// SNSAPI is the part of SNS the patching service calls.
type SNSAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var (
	_ EC2API        = (*ec2.Client)(nil)
	_ SSMAPI        = (*ssm.Client)(nil)
	_ SNSAPI        = (*sns.Client)(nil)
	_ CloudWatchAPI = (*cloudwatch.Client)(nil)
	_ S3API         = (*s3.Client)(nil)
)

// Clients are the AWS clients for one account and region.
type Clients struct {
	EC2 EC2API
	SSM SSMAPI
	SNS SNSAPI
	// CloudWatch and S3 serve rollouts in rings.
	CloudWatch CloudWatchAPI
	S3         S3API
}

// NewClients returns the SDK's clients for cfg: the default
// [Deps.Clients]. When cfg points at an emulator (BaseEndpoint set), the
// CloudWatch client speaks AWS JSON 1.0 instead of CBOR and the S3 client
// addresses buckets by path, as emulators such as moto need.
func NewClients(cfg aws.Config) Clients {
	emulated := cfg.BaseEndpoint != nil
	return Clients{
		EC2: ec2.NewFromConfig(cfg),
		SSM: ssm.NewFromConfig(cfg),
		SNS: sns.NewFromConfig(cfg),
		CloudWatch: cloudwatch.NewFromConfig(cfg, func(o *cloudwatch.Options) {
			if emulated {
				o.Protocol = awsjson.New10(cwschemas.GraniteServiceVersion20100801)
			}
		}),
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = emulated }),
	}
}
