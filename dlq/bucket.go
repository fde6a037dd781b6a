package dlq

import (
	"context"
	"errors"
	"fmt"

	"github.com/opsd-dev/opsd/awsenv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// errBucketRefused marks an archive bucket opsd will not write to.
var errBucketRefused = errors.New("archive bucket refused")

// checkBucket makes sure the archive bucket is neither public nor
// unencrypted: its public access block must have all four settings on and
// it must have default encryption. Any other answer, or no answer, is a
// refusal: the messages stay in their queues.
//
// The account-wide public access block (S3 Control) is not read: a
// bucket that relies on it alone must get its own block.
func checkBucket(ctx context.Context, c S3API, bucket string) error {
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	switch {
	case awsenv.ErrorCode(err) == "NoSuchPublicAccessBlockConfiguration":
		return fmt.Errorf("%w: bucket %s has no public access block; turn on all four Block Public Access settings on it", errBucketRefused, bucket)
	case err != nil:
		return fmt.Errorf("%w: get public access block of bucket %s: %w", errBucketRefused, bucket, err)
	}
	b := pab.PublicAccessBlockConfiguration
	if b == nil || !aws.ToBool(b.BlockPublicAcls) || !aws.ToBool(b.IgnorePublicAcls) || !aws.ToBool(b.BlockPublicPolicy) || !aws.ToBool(b.RestrictPublicBuckets) {
		return fmt.Errorf("%w: bucket %s does not block all public access; turn on all four Block Public Access settings on it", errBucketRefused, bucket)
	}
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	switch {
	case awsenv.ErrorCode(err) == "ServerSideEncryptionConfigurationNotFoundError":
		return fmt.Errorf("%w: bucket %s has no default encryption", errBucketRefused, bucket)
	case err != nil:
		return fmt.Errorf("%w: get encryption of bucket %s: %w", errBucketRefused, bucket, err)
	}
	if enc.ServerSideEncryptionConfiguration != nil {
		for _, r := range enc.ServerSideEncryptionConfiguration.Rules {
			if r.ApplyServerSideEncryptionByDefault != nil && r.ApplyServerSideEncryptionByDefault.SSEAlgorithm != "" {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: bucket %s has no default encryption", errBucketRefused, bucket)
}
