package faults

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// newProxy starts a proxy in front of the shared moto server.
func newProxy(t *testing.T, seed uint64) *Proxy {
	t.Helper()
	srv := mototest.Shared(t)
	p, err := New(srv.URL(), Options{Seed: seed, HangLimit: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// clientConfig is SDK configuration through p with at most attempts
// attempts per call, short backoff and no retry quota.
func clientConfig(p *Proxy, region string, attempts int) aws.Config {
	cfg := mototest.Config(p.URL(), region)
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.MaxBackoff = 20 * time.Millisecond
			o.RateLimiter = ratelimit.None
		})
	}
	return cfg
}

func apiError(t *testing.T, err error) (code string, status int) {
	t.Helper()
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("error %v is not an AWS API error", err)
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return api.ErrorCode(), status
}

// Each fault is answered as the service really spells it, so the SDK sees
// the same error code, HTTP status and retry classification as from AWS.
func TestErrorsAreSpelledAsEachServiceDoes(t *testing.T) {
	p := newProxy(t, 1)
	cfg := clientConfig(p, "eu-west-2", 1)
	ctx := context.Background()
	calls := map[string]func() error{
		"ec2": func() error {
			_, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
			return err
		},
		"sts": func() error {
			_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			return err
		},
		"sqs": func() error { _, err := sqs.NewFromConfig(cfg).ListQueues(ctx, &sqs.ListQueuesInput{}); return err },
		"s3": func() error {
			_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		},
	}
	want := map[Fault]map[string]struct {
		code   string
		status int
	}{
		Throttle:      {"ec2": {"RequestLimitExceeded", 503}, "sts": {"Throttling", 400}, "sqs": {"ThrottlingException", 400}, "s3": {"SlowDown", 503}},
		InternalError: {"ec2": {"InternalError", 500}, "sts": {"InternalFailure", 500}, "sqs": {"InternalFailure", 500}, "s3": {"InternalError", 500}},
		Unavailable:   {"ec2": {"Unavailable", 503}, "sts": {"ServiceUnavailable", 503}, "sqs": {"ServiceUnavailable", 503}, "s3": {"ServiceUnavailable", 503}},
		Deny:          {"ec2": {"UnauthorizedOperation", 403}, "sts": {"AccessDenied", 403}, "sqs": {"AccessDeniedException", 400}, "s3": {"AccessDenied", 403}},
	}
	throttles := retry.IsErrorThrottles(retry.DefaultThrottles)
	retryable := retry.IsErrorRetryables(retry.DefaultRetryables)
	for fault, bySvc := range want {
		for svc, w := range bySvc {
			p.Clear()
			p.Add(Rule{Fault: fault, Service: svc, Times: 1})
			err := calls[svc]()
			if err == nil {
				t.Errorf("%s %s: no error", fault, svc)
				continue
			}
			code, status := apiError(t, err)
			if code != w.code || status != w.status {
				t.Errorf("%s %s: got %s %d, want %s %d", fault, svc, code, status, w.code, w.status)
			}
			isThrottle := throttles.IsErrorThrottle(err) == aws.TrueTernary
			if isThrottle != (fault == Throttle) {
				t.Errorf("%s %s: SDK throttle classification %v", fault, svc, isThrottle)
			}
			isRetryable := retryable.IsErrorRetryable(err) == aws.TrueTernary
			if isRetryable != (fault != Deny) {
				t.Errorf("%s %s: SDK retryable classification %v", fault, svc, isRetryable)
			}
			if err := calls[svc](); err != nil {
				t.Errorf("%s %s: the call after the only fault failed: %v", fault, svc, err)
			}
		}
	}
}

// A burst of throttles shorter than the SDK's attempts is ridden out by
// its retries; Times bounds the rule.
func TestThrottlingBurstIsRetriedThrough(t *testing.T) {
	p := newProxy(t, 1)
	p.Add(Rule{Fault: Throttle, Operations: []string{"GetCallerIdentity"}, Times: 3})
	client := sts.NewFromConfig(clientConfig(p, "eu-west-2", 4))
	if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("a 3-call burst defeated 4 attempts: %v", err)
	}
	s := p.Stats()
	if s.Calls != 4 || s.Injected[Throttle] != 3 || s.Forwarded != 1 {
		t.Errorf("stats %s, want 4 calls, 3 throttled, 1 forwarded", s)
	}
}

// A rule with a rate and a burst faults runs of consecutive calls, and the
// same seed makes the same choices.
func TestSeededBurstsRepeat(t *testing.T) {
	pattern := func(seed uint64) string {
		p := newProxy(t, seed)
		p.Add(Rule{Fault: Throttle, Rate: 0.2, Burst: 3})
		client := sts.NewFromConfig(clientConfig(p, "eu-west-2", 1))
		var b strings.Builder
		for range 40 {
			if _, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := pattern(42), pattern(42)
	if a != b {
		t.Errorf("same seed, different faults:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, "xxx") {
		t.Errorf("no burst of three in %s", a)
	}
	for _, run := range strings.FieldsFunc(a, func(r rune) bool { return r == '.' }) {
		if len(run)%3 != 0 {
			t.Errorf("a burst of %d, want multiples of 3: %s", len(run), a)
		}
	}
}

func runInstance(t *testing.T, client *ec2.Client) string {
	t.Helper()
	out, err := client.RunInstances(context.Background(), &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"),
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1), InstanceType: ec2types.InstanceTypeT3Micro})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Instances[0].InstanceId)
}

// A reset after forwarding is the nasty case: the stop took effect, the
// client saw a connection reset and retried. The proxy shows both calls
// reaching moto; only the first changed the instance (running → stopping),
// the retry of an already stopped instance is a repeat that changes
// nothing, as StopInstances on a stopped instance is in AWS.
func TestResetAfterForwardAppliesOnceAndRetryIsARepeat(t *testing.T) {
	p := newProxy(t, 1)
	client := ec2.NewFromConfig(clientConfig(p, "eu-west-2", 3))
	id := runInstance(t, client)
	p.Add(Rule{Fault: ResetAfter, Operations: []string{"StopInstances"}, Times: 1})
	if _, err := client.StopInstances(context.Background(), &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatalf("the retry after a reset failed: %v", err)
	}
	changes := p.StateChanges()
	if len(changes) != 2 {
		t.Fatalf("state changes %+v, want the applied call and its repeat", changes)
	}
	first, second := changes[0], changes[1]
	if !first.Applied() || first.Delivered || first.InstanceID != id || first.Account != DefaultBaseAccount || first.Region != "eu-west-2" {
		t.Errorf("first %+v: want applied, not delivered, in %s/eu-west-2", first, DefaultBaseAccount)
	}
	if second.Applied() || !second.Delivered || second.Previous != "stopped" {
		t.Errorf("second %+v: want a delivered repeat of a stopped instance", second)
	}
	tally := TallyChanges(changes, "StopInstances")
	if tally.Applied[id] != 1 || tally.Repeats[id] != 1 {
		t.Errorf("tally %+v", tally)
	}
}

// A reset before forwarding never reaches moto.
func TestResetBeforeForwardNeverReachesUpstream(t *testing.T) {
	p := newProxy(t, 1)
	client := ec2.NewFromConfig(clientConfig(p, "eu-west-2", 1))
	id := runInstance(t, client)
	p.Add(Rule{Fault: ResetBefore, Operations: []string{"StopInstances"}})
	_, err := client.StopInstances(context.Background(), &ec2.StopInstancesInput{InstanceIds: []string{id}})
	if err == nil || !retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err).Bool() {
		t.Fatalf("err = %v, want a retryable connection error", err)
	}
	if n := len(p.StateChanges()); n != 0 {
		t.Errorf("%d state changes reached moto", n)
	}
	if p.Stats().Injected[ResetBefore] != 1 {
		t.Errorf("stats %s", p.Stats())
	}
}

// Calls made with credentials from an AssumeRole through the proxy are
// attributed to the role's account; a Deny rule for that account refuses
// its AssumeRole and nothing else's.
func TestAccountFromAssumeRole(t *testing.T) {
	p := newProxy(t, 1)
	cfg := clientConfig(p, "eu-west-2", 1)
	ctx := context.Background()
	stsClient := sts.NewFromConfig(cfg)
	p.Add(Rule{Fault: Deny, Operations: []string{"AssumeRole"}, Account: "333333333333"})
	_, err := stsClient.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::333333333333:role/opsd"), RoleSessionName: aws.String("t")})
	if code, status := apiError(t, err); code != "AccessDenied" || status != 403 {
		t.Fatalf("AssumeRole into the denied account: %s %d", code, status)
	}
	out, err := stsClient.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222222222222:role/opsd"), RoleSessionName: aws.String("t")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	assumed := cfg.Copy()
	assumed.Region = "eu-west-1"
	assumed.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	p.Add(Rule{Fault: Unavailable, Account: "222222222222", Region: "eu-west-1", Operations: []string{"DescribeVpcs"}})
	_, err = ec2.NewFromConfig(assumed).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if code, _ := apiError(t, err); code != "Unavailable" {
		t.Fatalf("DescribeVpcs in 222222222222/eu-west-1: %v, want the account's rule to fire", err)
	}
	if _, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
		t.Errorf("the base account's call was faulted: %v", err)
	}
}

// A hanging region holds calls until the client's timeout.
func TestHangHoldsUntilTheClientGivesUp(t *testing.T) {
	p := newProxy(t, 1)
	p.Add(Rule{Fault: Hang, Region: "us-east-1"})
	cfg := clientConfig(p, "us-east-1", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := ec2.NewFromConfig(cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the client's deadline", err)
	}
	if _, err := ec2.NewFromConfig(clientConfig(p, "eu-west-2", 1)).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{}); err != nil {
		t.Errorf("another region's call failed: %v", err)
	}
	if p.Stats().Injected[Hang] != 1 {
		t.Errorf("stats %s", p.Stats())
	}
}

// During an outage every call fails, refused or reset; afterwards calls
// go through again on the same address.
func TestDownAndUp(t *testing.T) {
	p := newProxy(t, 1)
	client := sts.NewFromConfig(clientConfig(p, "eu-west-2", 1))
	ctx := context.Background()
	call := func() error { _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); return err }
	if err := call(); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []DownMode{Refuse, Reset} {
		if err := p.Down(mode); err != nil {
			t.Fatal(err)
		}
		err := call()
		if err == nil {
			t.Fatalf("mode %d: a call succeeded during the outage", mode)
		}
		if mode == Refuse {
			// The first call may die on a pooled connection the outage
			// cut; the next finds the port closed.
			if err := call(); err == nil || !strings.Contains(err.Error(), "connection refused") {
				t.Errorf("refuse: %v, want connection refused", err)
			}
		}
		if err := p.Up(); err != nil {
			t.Fatal(err)
		}
		if err := call(); err != nil {
			t.Fatalf("mode %d: after the outage: %v", mode, err)
		}
	}
	if p.Stats().Injected[Down] != 1 {
		t.Errorf("stats %s: want one reset counted as down (refused calls never arrive)", p.Stats())
	}
}

// Slow calls are forwarded after the delay.
func TestSlowForwards(t *testing.T) {
	p := newProxy(t, 1)
	p.Add(Rule{Fault: Slow, Delay: 50 * time.Millisecond, Times: 1})
	if _, err := sts.NewFromConfig(clientConfig(p, "eu-west-2", 1)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	if s := p.Stats(); s.Injected[Slow] != 1 || s.Forwarded != 1 {
		t.Errorf("stats %s", s)
	}
}
