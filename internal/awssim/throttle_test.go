package awssim

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// starved allows one call per service and account, then throttles.
func starved() map[string]Limit {
	lim := Limit{Rate: 0.001, Burst: 1}
	return map[string]Limit{"ec2": lim, "sts": lim, "sqs": lim, "s3": lim, "autoscaling": lim}
}

func TestThrottlingErrorsAreTheServicesOwn(t *testing.T) {
	s := start(t, Options{Limits: starved()})
	s.CreateQueue(acct, "eu-west-2", "q", nil, nil)
	s.CreateBucket("b", BucketOptions{})
	cfg := config(s, acct, "eu-west-2", 1)
	ctx := context.Background()
	calls := map[string]struct {
		status int
		call   func() error
	}{
		"RequestLimitExceeded": {503, func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
			return err
		}},
		"Throttling": {400, func() error {
			_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		}},
		"RequestThrottled": {400, func() error {
			_, err := sqs.NewFromConfig(cfg).ListQueues(ctx, &sqs.ListQueuesInput{})
			return err
		}},
		"SlowDown": {503, func() error {
			_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("b")})
			return err
		}},
	}
	throttles := retry.IsErrorThrottles(retry.DefaultThrottles)
	for code, c := range calls {
		if err := c.call(); err != nil {
			t.Fatalf("%s: first call failed: %v", code, err)
		}
		err := c.call()
		if got := errorCode(err); got != code {
			t.Errorf("second call: error %v, want code %s", err, code)
			continue
		}
		var re *smithyhttp.ResponseError
		if !errors.As(err, &re) || re.HTTPStatusCode() != c.status {
			t.Errorf("%s: HTTP status %v, want %d", code, err, c.status)
		}
		if throttles.IsErrorThrottle(err) != aws.TrueTernary {
			t.Errorf("%s: the SDK's retryer does not see a throttle in %v", code, err)
		}
	}
	if n := s.Calls().Throttled; n["ec2.DescribeInstances"] != 1 || n["s3.GetBucketEncryption"] != 1 {
		t.Errorf("throttled calls %v", n)
	}
}

func TestTheSDKRetriesThrottledCalls(t *testing.T) {
	s := start(t, Options{Limits: map[string]Limit{"autoscaling": {Rate: 50, Burst: 1}}})
	client := autoscaling.NewFromConfig(config(s, acct, "eu-west-2", 20))
	for range 5 {
		out, err := client.DescribeAutoScalingGroups(context.Background(), &autoscaling.DescribeAutoScalingGroupsInput{})
		if err != nil {
			t.Fatalf("throttled call not retried to success: %v", err)
		}
		if len(out.AutoScalingGroups) != 0 {
			t.Errorf("groups %v", out.AutoScalingGroups)
		}
	}
	calls := s.Calls()
	if calls.Throttled["autoscaling.DescribeAutoScalingGroups"] == 0 {
		t.Error("no call was throttled: the limit did not bite")
	}
	if got := calls.ByOp["autoscaling.DescribeAutoScalingGroups"] - calls.Throttled["autoscaling.DescribeAutoScalingGroups"]; got != 5 {
		t.Errorf("%d calls answered, want 5", got)
	}
}

func TestLimitsAreKeptPerAccount(t *testing.T) {
	s := start(t, Options{Limits: map[string]Limit{"ec2": {Rate: 0.001, Burst: 1}}})
	ctx := context.Background()
	for _, a := range []string{"111111111111", "222222222222"} {
		if _, err := ec2.NewFromConfig(config(s, a, "eu-west-2", 1)).DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
			t.Errorf("first call of %s: %v", a, err)
		}
	}
	_, err := ec2.NewFromConfig(config(s, "111111111111", "eu-west-2", 1)).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if !strings.Contains(errorCode(err), "RequestLimitExceeded") {
		t.Errorf("second call of one account: %v, want RequestLimitExceeded", err)
	}
}
