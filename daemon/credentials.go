package daemon

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// CheckCredentials fetches the base credentials once, so that a run or a
// plan with none says so, and how opsd looks for them, before any service
// could report that there is nothing to do when nothing could be read.
func CheckCredentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return fmt.Errorf("no AWS credentials found: %s", whereCredentials)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return fmt.Errorf("no AWS credentials found: %s (the SDK said: %w)", whereCredentials, err)
	}
	return nil
}

// whereCredentials is how the SDK's default chain looks for credentials,
// in its order.
const whereCredentials = "opsd uses the AWS SDK's default chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; " +
	"AWS_PROFILE (or the default profile) in ~/.aws/config and ~/.aws/credentials, SSO included; " +
	"web identity (AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE); the ECS task role; the EC2 instance role"
