package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

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
