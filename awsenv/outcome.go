package awsenv

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
)

// Outcomes of one request to AWS.
const (
	// OutcomeOK is a request AWS answered with success.
	OutcomeOK = "ok"
	// OutcomeThrottled is a request AWS refused for its rate
	// (ThrottlingException, RequestLimitExceeded, SlowDown, ...).
	OutcomeThrottled = "throttled"
	// OutcomeError is any other failure: an error AWS answered, or no
	// answer at all.
	OutcomeError = "error"
)

// throttles is how the SDK's retryer tells a throttling error.
var throttles = retry.IsErrorThrottles(retry.DefaultThrottles)

// Outcome is OutcomeOK for a nil err, OutcomeThrottled for an error the
// SDK's retryer counts as throttling, and OutcomeError otherwise.
func Outcome(err error) string {
	switch {
	case err == nil:
		return OutcomeOK
	case throttles.IsErrorThrottle(err) == aws.TrueTernary:
		return OutcomeThrottled
	default:
		return OutcomeError
	}
}

// AddOutcomes makes every request sent with cfg tell observe its service,
// operation and outcome once it is answered. It sees each attempt, so a
// call throttled twice and then answered is two throttled requests and
// one ok; a call refused before it is sent (plan mode, the fence) is not
// a request.
func AddOutcomes(cfg *aws.Config, observe func(ctx context.Context, service, operation, outcome string)) {
	if observe == nil {
		return
	}
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		// The end of Finalize is past the retryer and the signer: once
		// per attempt, just before the request goes out.
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("opsdOutcome",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleFinalize(ctx, in)
				service, op := callName(ctx)
				observe(ctx, service, op, Outcome(err))
				return out, md, err
			}), middleware.After)
	})
}
