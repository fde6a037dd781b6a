// Package telemetry sets up opsd's traces, metrics and logs: OpenTelemetry
// traces exported over OTLP when the standard OTEL_* variables ask for it,
// OpenTelemetry metrics served for Prometheus, and JSON logs carrying the
// trace and span ids of the work they describe.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
)

// Options configure telemetry.
type Options struct {
	// Version is reported as service.version.
	Version string
	// Getenv reads OTEL_* variables; nil means no exporter.
	Getenv func(string) string
	// SpanProcessors are added to the tracer provider (tests pass an
	// in-memory exporter here).
	SpanProcessors []sdktrace.SpanProcessor
}

// Telemetry holds the providers and instruments opsd reports through.
type Telemetry struct {
	TracerProvider *sdktrace.TracerProvider
	MeterProvider  *sdkmetric.MeterProvider
	Metrics        *Metrics
	registry       *prometheus.Registry
	meter          metric.Meter
}

// Setup builds the tracer and meter providers. Traces are exported over
// OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set and OTEL_TRACES_EXPORTER is not
// "none"; the exporter reads the other OTEL_* variables itself. Spans are
// still made (for trace ids in logs) when nothing is exported.
func Setup(ctx context.Context, opts Options) (*Telemetry, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
		semconv.ServiceName("opsd"), semconv.ServiceVersion(opts.Version)))
	if err != nil {
		return nil, fmt.Errorf("build telemetry resource: %w", err)
	}

	tpOpts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if exportTraces(getenv) {
		exp, err := otlptracehttp.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("create otlp trace exporter: %w", err)
		}
		tpOpts = append(tpOpts, sdktrace.WithBatcher(exp))
	}
	for _, sp := range opts.SpanProcessors {
		tpOpts = append(tpOpts, sdktrace.WithSpanProcessor(sp))
	}
	tp := sdktrace.NewTracerProvider(tpOpts...)

	// The Go runtime (go_*) and the process (process_*: CPU, memory,
	// open files) beside opsd's own metrics.
	reg := prometheus.NewRegistry()
	if err := errors.Join(reg.Register(collectors.NewGoCollector()),
		reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))); err != nil {
		return nil, fmt.Errorf("register go and process metric collectors: %w", err)
	}
	promExp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo())
	if err != nil {
		return nil, fmt.Errorf("create prometheus metric exporter: %w", err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(promExp), sdkmetric.WithResource(res))
	meter := mp.Meter("github.com/opsd-dev/opsd")
	m, err := newMetrics(meter)
	if err != nil {
		return nil, err
	}
	// Counters without labels are there at zero from the start, so that
	// the first one counted shows as an increase.
	m.StateErrors.Add(ctx, 0)
	return &Telemetry{TracerProvider: tp, MeterProvider: mp, Metrics: m, registry: reg, meter: meter}, nil
}

func exportTraces(getenv func(string) string) bool {
	if strings.EqualFold(getenv("OTEL_TRACES_EXPORTER"), "none") || strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") {
		return false
	}
	return getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// Tracer returns opsd's tracer.
func (t *Telemetry) Tracer() trace.Tracer { return t.TracerProvider.Tracer("github.com/opsd-dev/opsd") }

// MetricsHandler serves the metrics in the Prometheus text format.
func (t *Telemetry) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(t.registry, promhttp.HandlerOpts{})
}

// ObserveLeader reports leading() at every scrape as opsd_leader: 1 while
// this replica leads (runs jobs), 0 while it follows.
func (t *Telemetry) ObserveLeader(leading func() bool) error {
	_, err := t.meter.Int64ObservableGauge("opsd.leader",
		metric.WithDescription("1 while this replica leads and runs jobs, 0 while it follows."),
		metric.WithInt64Callback(func(_ context.Context, o metric.Int64Observer) error {
			var v int64
			if leading() {
				v = 1
			}
			o.Observe(v)
			return nil
		}))
	if err != nil {
		return fmt.Errorf("create leader gauge: %w", err)
	}
	return nil
}

// Shutdown flushes and stops the providers.
func (t *Telemetry) Shutdown(ctx context.Context) error {
	return errors.Join(t.TracerProvider.Shutdown(ctx), t.MeterProvider.Shutdown(ctx))
}

// DurationBuckets are the upper bounds, in seconds, of the job duration
// histogram: from 50 ms, where a reconcile with nothing to do ends, to 30
// minutes, a large estate's first run. The SDK's default bounds start at 5
// s, which put every ordinary run in one bucket.
var DurationBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800}

// Metrics are the instruments opsd records.
type Metrics struct {
	// Runs counts job runs by job and outcome.
	Runs metric.Int64Counter
	// Duration records job run durations in seconds by job.
	Duration metric.Float64Histogram
	// Actions counts actions by service, action and status.
	Actions metric.Int64Counter
	// Errors counts failures by service.
	Errors metric.Int64Counter
	// JobLastSuccess is the Unix time, in seconds, of each job's last
	// successful run, by job.
	JobLastSuccess metric.Float64Gauge
	// AWSCalls counts requests sent to AWS, retries included, by
	// service, operation and outcome (see [AWSCall]).
	AWSCalls metric.Int64Counter
	// Notifications counts deliveries by channel (slack, pagerduty,
	// sns) and outcome (ok, failed).
	Notifications metric.Int64Counter
	// StateErrors counts failed loads and saves of the state store.
	StateErrors metric.Int64Counter
}

// Outcomes of a notification.
const (
	NotifyOK     = "ok"
	NotifyFailed = "failed"
)

// AWSCall counts one request to AWS. outcome is ok, throttled or error.
func (m *Metrics) AWSCall(ctx context.Context, service, operation, outcome string) {
	m.AWSCalls.Add(ctx, 1, metric.WithAttributes(attribute.String("service", service),
		attribute.String("operation", operation), attribute.String("outcome", outcome)))
}

// Notification counts one delivery over channel: ok when err is nil,
// failed otherwise.
func (m *Metrics) Notification(ctx context.Context, channel string, err error) {
	outcome := NotifyOK
	if err != nil {
		outcome = NotifyFailed
	}
	m.Notifications.Add(ctx, 1, metric.WithAttributes(attribute.String("channel", channel), attribute.String("outcome", outcome)))
}

// NotificationChannel makes channel's deliveries and failures show at
// zero before the first.
func (m *Metrics) NotificationChannel(ctx context.Context, channel string) {
	for _, outcome := range []string{NotifyOK, NotifyFailed} {
		m.Notifications.Add(ctx, 0, metric.WithAttributes(attribute.String("channel", channel), attribute.String("outcome", outcome)))
	}
}

// Service makes service's failures show at zero before the first.
func (m *Metrics) Service(ctx context.Context, service string) {
	m.Errors.Add(ctx, 0, metric.WithAttributes(attribute.String("service", service)))
}

// JobSucceeded records that job's last successful run ended at t.
func (m *Metrics) JobSucceeded(ctx context.Context, job string, t time.Time) {
	m.JobLastSuccess.Record(ctx, float64(t.UnixNano())/1e9, metric.WithAttributes(attribute.String("job", job)))
}

func newMetrics(m metric.Meter) (*Metrics, error) {
	runs, err1 := m.Int64Counter("opsd.job.runs", metric.WithDescription("Job runs by job and outcome."))
	dur, err2 := m.Float64Histogram("opsd.job.duration", metric.WithUnit("s"), metric.WithDescription("Job run duration."),
		metric.WithExplicitBucketBoundaries(DurationBuckets...))
	acts, err3 := m.Int64Counter("opsd.actions", metric.WithDescription("Actions by service, action and status."))
	errs, err4 := m.Int64Counter("opsd.errors", metric.WithDescription("Failures by service."))
	last, err5 := m.Float64Gauge("opsd.job.last_success.timestamp", metric.WithUnit("s"),
		metric.WithDescription("Unix time of each job's last successful run."))
	calls, err6 := m.Int64Counter("opsd.aws.calls",
		metric.WithDescription("Requests sent to AWS, retries included, by service, operation and outcome (ok, throttled, error)."))
	notes, err7 := m.Int64Counter("opsd.notifications",
		metric.WithDescription("Slack, PagerDuty and SNS deliveries by channel and outcome (ok, failed)."))
	stateErrs, err8 := m.Int64Counter("opsd.state.errors", metric.WithDescription("Failed loads and saves of the state store."))
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7, err8); err != nil {
		return nil, fmt.Errorf("create metric instruments: %w", err)
	}
	return &Metrics{Runs: runs, Duration: dur, Actions: acts, Errors: errs, JobLastSuccess: last,
		AWSCalls: calls, Notifications: notes, StateErrors: stateErrs}, nil
}
