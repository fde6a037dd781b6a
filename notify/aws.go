package notify

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// SSMParameterAPI is the part of the SSM API notify uses: reading the Slack
// token from Parameter Store.
type SSMParameterAPI interface {
	GetParameter(ctx context.Context, params *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

var _ SSMParameterAPI = (*ssm.Client)(nil)

// SNSPublishAPI is the part of the SNS API notify uses: publishing
// messages and page events to a topic.
type SNSPublishAPI interface {
	Publish(ctx context.Context, params *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var _ SNSPublishAPI = (*sns.Client)(nil)
