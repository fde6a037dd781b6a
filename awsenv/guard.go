package awsenv

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// ErrReadOnly is returned for a mutating AWS call made in plan mode.
var ErrReadOnly = errors.New("mutating aws call refused in read-only (plan) mode")

// readOnlyPrefixes are the operation-name prefixes that never change AWS.
var readOnlyPrefixes = []string{"Describe", "List", "Get", "Search", "Lookup", "BatchGet", "Head", "Scan", "Query"}

// readOnlyOperations are read-only calls whose names do not say so.
var readOnlyOperations = map[string]bool{
	"AssumeRole":        true, // obtains credentials; changes nothing
	"GetCallerIdentity": true,
}

// IsReadOnly reports whether an AWS operation name is one that never changes
// anything.
func IsReadOnly(operation string) bool {
	if readOnlyOperations[operation] {
		return true
	}
	for _, p := range readOnlyPrefixes {
		if strings.HasPrefix(operation, p) {
			return true
		}
	}
	return false
}

// guard is the one place every AWS call passes through: it tells the
// observer and, in read-only mode, refuses mutating operations before they
// are signed or sent.
func guard(readOnly bool, onCall func(service, operation string)) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("opsdGuard",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				service, op := callName(ctx)
				if onCall != nil {
					onCall(service, op)
				}
				if readOnly && !IsReadOnly(op) {
					return middleware.InitializeOutput{}, middleware.Metadata{}, fmt.Errorf("%s %s: %w", service, op, ErrReadOnly)
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}
}

// withCallTimeout bounds one call, retries included.
func withCallTimeout(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("opsdCallTimeout",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if awsmiddleware.GetOperationName(ctx) == "GetObject" {
					// The body is read after the call returns; a deadline
					// here would cut it off. The HTTP client timeout still
					// bounds the exchange.
					return next.HandleInitialize(ctx, in)
				}
				ctx, cancel := context.WithTimeout(ctx, d)
				defer cancel()
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}
}

// callName returns the service and operation of the call in ctx. Clients
// generated before the SDK set these for the aws middleware package at the
// start of the Initialize step (elasticfilesystem, in the version opsd
// uses) only have them in smithy's context by then; an empty operation
// would make a read-only call look mutating.
func callName(ctx context.Context) (service, operation string) {
	service, operation = awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	if service == "" {
		service = middleware.GetServiceID(ctx)
	}
	if operation == "" {
		operation = middleware.GetOperationName(ctx)
	}
	return service, operation
}
