package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestMetricsAreServedForPrometheus(t *testing.T) {
	tel, err := Setup(context.Background(), Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())
	ctx := context.Background()
	tel.Metrics.Runs.Add(ctx, 2, metric.WithAttributes(attribute.String("job", "shutdown"), attribute.String("outcome", "ok")))
	tel.Metrics.Actions.Add(ctx, 3, metric.WithAttributes(attribute.String("service", "shutdown"), attribute.String("action", "stop"), attribute.String("status", "done")))
	tel.Metrics.Duration.Record(ctx, 1.5, metric.WithAttributes(attribute.String("job", "shutdown")))

	rec := httptest.NewRecorder()
	tel.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`opsd_job_runs_total{job="shutdown",outcome="ok"} 2`,
		`opsd_actions_total{action="stop",service="shutdown",status="done"} 3`,
		`opsd_job_duration_seconds_count{job="shutdown"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s:\n%s", want, body)
		}
	}
}

func TestTracesExportOnlyWhenConfigured(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if exportTraces(getenv) {
		t.Error("exports with no OTEL_ variables set")
	}
	env["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318"
	if !exportTraces(getenv) {
		t.Error("does not export with OTEL_EXPORTER_OTLP_ENDPOINT set")
	}
	env["OTEL_TRACES_EXPORTER"] = "none"
	if exportTraces(getenv) {
		t.Error("exports with OTEL_TRACES_EXPORTER=none")
	}
}

func TestLogsCarryTraceIDs(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tel, err := Setup(context.Background(), Options{SpanProcessors: []sdktrace.SpanProcessor{sdktrace.NewSimpleSpanProcessor(exp)}})
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())
	var buf bytes.Buffer
	logger := NewLogger(&buf, ParseLevel("info"))
	ctx, span := tel.Tracer().Start(context.Background(), "job shutdown")
	logger.InfoContext(ctx, "job run", "job", "shutdown")
	span.End()
	logger.Debug("hidden at info")

	var rec map[string]any
	if err := json.Unmarshal(bytes.Split(buf.Bytes(), []byte("\n"))[0], &rec); err != nil {
		t.Fatalf("log is not JSON: %v\n%s", err, buf.String())
	}
	if rec["trace_id"] != span.SpanContext().TraceID().String() || rec["span_id"] != span.SpanContext().SpanID().String() {
		t.Errorf("log record %v lacks the span's ids", rec)
	}
	if strings.Contains(buf.String(), "hidden at info") {
		t.Error("debug record written at info level")
	}
	if len(exp.GetSpans()) != 1 {
		t.Errorf("spans exported: %d, want 1", len(exp.GetSpans()))
	}
}

// Job durations resolve 50 ms to 30 minutes: a 0.2 s run and a 3 s run
// land in different buckets, and a 20-minute run below the top one.
func TestDurationBucketsResolveShortAndLongRuns(t *testing.T) {
	tel, err := Setup(context.Background(), Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())
	ctx := context.Background()
	job := metric.WithAttributes(attribute.String("job", "dlq"))
	for _, d := range []float64{0.03, 0.2, 3, 1200} {
		tel.Metrics.Duration.Record(ctx, d, job)
	}
	rec := httptest.NewRecorder()
	tel.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`opsd_job_duration_seconds_bucket{job="dlq",le="0.05"} 1`,
		`opsd_job_duration_seconds_bucket{job="dlq",le="0.1"} 1`,
		`opsd_job_duration_seconds_bucket{job="dlq",le="0.25"} 2`,
		`opsd_job_duration_seconds_bucket{job="dlq",le="2.5"} 2`,
		`opsd_job_duration_seconds_bucket{job="dlq",le="5"} 3`,
		`opsd_job_duration_seconds_bucket{job="dlq",le="600"} 3`,
		`opsd_job_duration_seconds_bucket{job="dlq",le="1200"} 4`,
		`opsd_job_duration_seconds_bucket{job="dlq",le="1800"} 4`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s:\n%s", want, body)
		}
	}
}

// scrape returns what tel serves at /metrics.
func scrape(t *testing.T, tel *Telemetry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	tel.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

// Every metric the dashboard and the alert rules read is served, with
// its labels: the leader gauge, each job's last success, AWS calls by
// outcome, notifications, state store errors, and the Go runtime and
// process collectors.
func TestEveryMetricIsServedWithItsLabels(t *testing.T) {
	tel, err := Setup(context.Background(), Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())
	ctx := context.Background()
	leading := true
	if err := tel.ObserveLeader(func() bool { return leading }); err != nil {
		t.Fatal(err)
	}
	m := tel.Metrics
	m.JobSucceeded(ctx, "shutdown", time.Unix(1767225600, 500_000_000))
	m.AWSCall(ctx, "EC2", "DescribeInstances", "ok")
	m.AWSCall(ctx, "EC2", "DescribeInstances", "throttled")
	m.AWSCall(ctx, "EC2", "StopInstances", "error")
	m.Notification(ctx, "slack", nil)
	m.Notification(ctx, "pagerduty", errors.New("pagerduty answered 500"))
	m.StateErrors.Add(ctx, 1)
	m.Service(ctx, "backup")

	body := scrape(t, tel)
	for _, want := range []string{
		"opsd_leader 1",
		`opsd_job_last_success_timestamp_seconds{job="shutdown"} 1.7672256005e+09`,
		`opsd_aws_calls_total{operation="DescribeInstances",outcome="ok",service="EC2"} 1`,
		`opsd_aws_calls_total{operation="DescribeInstances",outcome="throttled",service="EC2"} 1`,
		`opsd_aws_calls_total{operation="StopInstances",outcome="error",service="EC2"} 1`,
		`opsd_notifications_total{channel="slack",outcome="ok"} 1`,
		`opsd_notifications_total{channel="pagerduty",outcome="failed"} 1`,
		"opsd_state_errors_total 1",
		`opsd_errors_total{service="backup"} 0`,
		"\ngo_goroutines ",
		"\ngo_memstats_heap_alloc_bytes ",
		"\nprocess_cpu_seconds_total ",
		"\nprocess_resident_memory_bytes ",
		"\nprocess_open_fds ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", body)
	}
	leading = false
	if body := scrape(t, tel); !strings.Contains(body, "opsd_leader 0") {
		t.Errorf("a follower's /metrics lacks opsd_leader 0:\n%s", body)
	}
}

// Before anything fails, the failure counters are there at zero, so the
// first failure is an increase a rule sees.
func TestFailureCountersStartAtZero(t *testing.T) {
	tel, err := Setup(context.Background(), Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(context.Background())
	ctx := context.Background()
	tel.Metrics.Service(ctx, "shutdown")
	tel.Metrics.NotificationChannel(ctx, "slack")
	body := scrape(t, tel)
	for _, want := range []string{
		"opsd_state_errors_total 0",
		`opsd_errors_total{service="shutdown"} 0`,
		`opsd_notifications_total{channel="slack",outcome="failed"} 0`,
		`opsd_notifications_total{channel="slack",outcome="ok"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, body)
		}
	}
}
