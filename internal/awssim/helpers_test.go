package awssim

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// start runs a Server for one test, with no latency unless opts say.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Latency == 0 {
		opts.Latency = -1
	}
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}

// config is an SDK configuration for account and region whose retries
// wait only a few milliseconds, so tests of throttling stay fast.
func config(s *Server, account, region string, maxAttempts int) aws.Config {
	cfg := s.Config(account, region)
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 5 * time.Millisecond, nil })
			o.RateLimiter = ratelimit.None
		})
	}
	return cfg
}

func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
