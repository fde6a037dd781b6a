package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/scheduler"
)

// TestOnceTraceHasJobTargetAndAWSCallSpans checks the trace of one run
// --once: a span for the job, a child per account/region, and a span per
// AWS call beneath that.
func TestOnceTraceHasJobTargetAndAWSCallSpans(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	cfg, err := config.Parse([]byte(fmt.Sprintf("aws: {regions: [eu-west-2, eu-west-1], endpoint_url: %q}\nshutdown: {enabled: true}\n", srv.URL())), nil)
	if err != nil {
		t.Fatal(err)
	}
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	now := time.Date(2026, 11, 24, 19, 5, 0, 0, time.UTC)
	env, err := NewEnv(context.Background(), cfg, EnvOptions{TracerProvider: tp, Notifier: &notify.Recorder{}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	services, err := Build(env)
	if err != nil {
		t.Fatal(err)
	}
	runner := &scheduler.Runner{Tracer: tp.Tracer("test")}
	results, runs := Once(context.Background(), runner, services, reconcile.Request{Now: now}, nil, nil)
	if len(results) != 1 || runs[0].Outcome != scheduler.OutcomeOK {
		t.Fatalf("once: results %+v runs %+v", results, runs)
	}

	spans := exp.GetSpans()
	byID := map[string]tracetest.SpanStub{}
	var job *tracetest.SpanStub
	for i, s := range spans {
		byID[s.SpanContext.SpanID().String()] = s
		if s.Name == "job shutdown" {
			job = &spans[i]
		}
	}
	if job == nil {
		t.Fatalf("no job span among %d spans", len(spans))
	}
	parentOf := func(s tracetest.SpanStub) (tracetest.SpanStub, bool) {
		p, ok := byID[s.Parent.SpanID().String()]
		return p, ok
	}
	targets := map[string]bool{}
	awsCalls := 0
	for _, s := range spans {
		if s.SpanContext.TraceID() != job.SpanContext.TraceID() {
			t.Errorf("span %q is in another trace", s.Name)
		}
		p, ok := parentOf(s)
		if ok && p.SpanContext.SpanID() == job.SpanContext.SpanID() {
			for _, a := range s.Attributes {
				if a.Key == "cloud.region" {
					targets[a.Value.AsString()] = true
				}
			}
		}
		if strings.HasPrefix(s.Name, "EC2.") {
			awsCalls++
			// An AWS call span sits under a target span under the job.
			tp, ok := parentOf(s)
			for ok && tp.SpanContext.SpanID() != job.SpanContext.SpanID() {
				tp, ok = parentOf(tp)
			}
			if !ok {
				t.Errorf("AWS call span %q is not beneath the job span", s.Name)
			}
		}
	}
	if !targets["eu-west-2"] || !targets["eu-west-1"] {
		t.Errorf("target spans under the job: %v, want eu-west-2 and eu-west-1", targets)
	}
	if awsCalls == 0 {
		names := []string{}
		for _, s := range spans {
			names = append(names, s.Name)
		}
		t.Errorf("no EC2 call spans; spans: %v", names)
	}
}
