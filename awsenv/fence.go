package awsenv

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
)

// AddFence makes every mutating call made with cfg ask fence first and
// fail with its error, unsent, when it returns one. opsd's leader election
// fences calls this way, so a replica that lost the leader lease in the
// middle of a run changes nothing more. Read-only calls are never fenced.
func AddFence(cfg *aws.Config, fence func() error) {
	if fence == nil {
		return
	}
	cfg.APIOptions = append(cfg.APIOptions, func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("opsdFence",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				service, op := callName(ctx)
				if !IsReadOnly(op) {
					if err := fence(); err != nil {
						return middleware.InitializeOutput{}, middleware.Metadata{}, fmt.Errorf("%s %s: %w", service, op, err)
					}
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	})
}
