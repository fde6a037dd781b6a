// Package awsenv builds the AWS SDK configuration every opsd service uses:
// the default credential chain, adaptive retries, a timeout on every call,
// an optional emulator endpoint, OpenTelemetry spans for every call, a
// read-only guard that refuses mutating calls in plan mode, the outcome of
// every request for metrics, and the SDK's own log lines through slog.
package awsenv

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	//lint:ignore SA1019 otelaws is deprecated upstream in favour of the SDK's smithyoteltracing adapter; it still instruments every call and stays until opsd moves over.
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-sdk-go-v2/otelaws"
	"go.opentelemetry.io/otel/trace"
)

// Options say how to reach AWS.
type Options struct {
	// Region is the home region used for global calls (STS, Organizations).
	Region string
	// EndpointURL points every client at one endpoint (a local emulator).
	// Empty means the SDK's own resolution, which honours AWS_ENDPOINT_URL.
	EndpointURL string
	// MaxAttempts bounds retries of one call (adaptive mode).
	MaxAttempts int
	// CallTimeout bounds one call, retries included.
	CallTimeout time.Duration
	// ReadOnly refuses every call that could change AWS (plan mode).
	ReadOnly bool
	// TracerProvider receives a span for every AWS call; nil for none.
	TracerProvider trace.TracerProvider
	// OnCall, when set, is told of every call before it is sent.
	OnCall func(service, operation string)
	// OnOutcome, when set, is told of every request sent to AWS, retries
	// included, and its outcome (see [AddOutcomes]).
	OnOutcome func(ctx context.Context, service, operation, outcome string)
	// Logger receives the SDK's own log lines (see [SDKLogger]); nil
	// leaves the SDK's default, plain text on stderr.
	Logger *slog.Logger
}

// Load returns the base SDK configuration for opts.
func Load(ctx context.Context, opts Options) (aws.Config, error) {
	maxAttempts := opts.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 5
	}
	callTimeout := opts.CallTimeout
	if callTimeout <= 0 {
		callTimeout = 30 * time.Second
	}
	loadOpts := []func(*awsconfig.LoadOptions) error{
		awsconfig.WithRetryer(func() aws.Retryer {
			return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
				o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
					so.MaxAttempts = maxAttempts
				})
			})
		}),
		awsconfig.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(callTimeout).WithTransportOptions(keepConnections)),
	}
	if opts.Region != "" {
		loadOpts = append(loadOpts, awsconfig.WithRegion(opts.Region))
	}
	if opts.EndpointURL != "" {
		loadOpts = append(loadOpts, awsconfig.WithBaseEndpoint(opts.EndpointURL))
	}
	if opts.Logger != nil {
		// Here, not on the loaded configuration: the credential providers
		// (IMDS among them) are built while loading, with this logger.
		loadOpts = append(loadOpts, awsconfig.WithLogger(SDKLogger{Logger: opts.Logger}))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load aws configuration: %w", err)
	}
	Instrument(&cfg, opts.ReadOnly, callTimeout, opts.TracerProvider, opts.OnCall)
	AddOutcomes(&cfg, opts.OnOutcome)
	return cfg, nil
}

// Idle connections kept for reuse. The SDK's default keeps 10 per host,
// fewer than the calls opsd has in flight to one endpoint when it works
// on many accounts at once (aws.concurrency targets, each with parallel
// calls), so every call beyond them opened, and shook hands on, a new TLS
// connection.
const (
	maxIdleConns        = 256
	maxIdleConnsPerHost = 128
)

// keepConnections lets the HTTP transport keep enough idle connections
// for opsd's concurrency.
func keepConnections(tr *http.Transport) {
	tr.MaxIdleConns = maxIdleConns
	tr.MaxIdleConnsPerHost = maxIdleConnsPerHost
}

// Instrument adds opsd's middleware to cfg: the call timeout, the read-only
// guard, the call observer and the OpenTelemetry spans.
func Instrument(cfg *aws.Config, readOnly bool, callTimeout time.Duration, tp trace.TracerProvider, onCall func(service, operation string)) {
	cfg.APIOptions = append(cfg.APIOptions, withCallTimeout(callTimeout), guard(readOnly, onCall))
	if tp != nil {
		otelaws.AppendMiddlewares(&cfg.APIOptions, otelaws.WithTracerProvider(tp))
	}
}
