package accounts

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// FanOut runs work for many targets at once, at most Limit at a time.
type FanOut struct {
	// Limit is the most targets worked on at once; values below 1 mean 1.
	Limit int
	// Tracer starts one span per target; nil for none.
	Tracer trace.Tracer
}

// TargetError is the failure of one target's work.
type TargetError struct {
	Target Target
	Err    error
}

// Error names the account and region.
func (e *TargetError) Error() string {
	return fmt.Sprintf("account %s region %s: %v", e.Target.Account, e.Target.Region, e.Err)
}

// Unwrap returns the underlying error.
func (e *TargetError) Unwrap() error { return e.Err }

// Run calls fn for every target and returns the failures, one per failed
// target, in target order. One target failing never stops the others; a
// cancelled ctx stops targets not yet started.
func (f FanOut) Run(ctx context.Context, name string, targets []Target, fn func(ctx context.Context, t Target) error) []error {
	return f.run(ctx, name, targets, func(ctx context.Context, _ int, t Target) error { return fn(ctx, t) })
}

// Collect is Run for work that returns a value: it returns each target's
// value in target order (the zero value for a target fn never ran on) and
// the failures, one per failed target, in target order.
func Collect[T any](ctx context.Context, f FanOut, name string, targets []Target, fn func(ctx context.Context, t Target) (T, error)) ([]T, []error) {
	out := make([]T, len(targets))
	errs := f.run(ctx, name, targets, func(ctx context.Context, i int, t Target) error {
		v, err := fn(ctx, t)
		out[i] = v
		return err
	})
	return out, errs
}

// ListTargets calls list, the targets source a service was given, and
// names the failure; a nil source is an error too.
func ListTargets(ctx context.Context, list func(ctx context.Context) ([]Target, error)) ([]Target, error) {
	if list == nil {
		return nil, errors.New("list accounts and regions: no target source configured")
	}
	targets, err := list(ctx)
	if err != nil {
		return nil, fmt.Errorf("list accounts and regions: %w", err)
	}
	return targets, nil
}

func (f FanOut) run(ctx context.Context, name string, targets []Target, fn func(ctx context.Context, i int, t Target) error) []error {
	limit := f.Limit
	if limit < 1 {
		limit = 1
	}
	tracer := f.Tracer
	if tracer == nil {
		tracer = noop.NewTracerProvider().Tracer("")
	}
	errs := make([]error, len(targets))
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, t := range targets {
		if err := ctx.Err(); err != nil {
			errs[i] = &TargetError{Target: t, Err: err}
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			errs[i] = &TargetError{Target: t, Err: ctx.Err()}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = f.one(ctx, tracer, name, t, func(ctx context.Context, t Target) error { return fn(ctx, i, t) })
		}()
	}
	wg.Wait()
	var out []error
	for _, err := range errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

func (f FanOut) one(ctx context.Context, tracer trace.Tracer, name string, t Target, fn func(ctx context.Context, t Target) error) (err error) {
	ctx, span := tracer.Start(ctx, name+" "+t.String(), trace.WithAttributes(
		attribute.String("cloud.account.id", t.Account),
		attribute.String("cloud.region", t.Region),
	))
	defer span.End()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
			err = &TargetError{Target: t, Err: err}
		}
	}()
	if err := credentials(ctx, t); err != nil {
		return err
	}
	return fn(ctx, t)
}

// credentials obtains the target's credentials (assuming its account's
// role) before any of its work, so that a role that cannot be assumed
// fails the target once, with one error, instead of every call the work
// makes failing with the same error: a summary naming each failed target
// then stays short enough to name them all.
func credentials(ctx context.Context, t Target) error {
	if t.Config.Credentials == nil {
		return nil
	}
	if _, err := t.Config.Credentials.Retrieve(ctx); err != nil {
		return fmt.Errorf("get credentials: %w", err)
	}
	return nil
}
