package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/opsd-dev/opsd/state"
	"github.com/opsd-dev/opsd/telemetry"
)

// Job is one piece of scheduled work.
type Job struct {
	// Name identifies the job in /status, metrics and logs.
	Name string
	// Cron is a standard five-field cron expression (a sixth, leading
	// seconds field is accepted) in the scheduler's timezone.
	Cron string
	// Timeout is the deadline of one run.
	Timeout time.Duration
	// Immediately runs the job once as soon as it is scheduled, then on its
	// cron schedule (a reconcile after start-up catches up at once).
	Immediately bool
	// Run does the work and returns counts to record with the run.
	Run func(ctx context.Context) (map[string]int, error)
}

// ErrSkip, wrapped in the error a job returns, records the run as skipped
// rather than failed: the job chose not to act (a follower replica, say).
var ErrSkip = errors.New("run skipped")

// Outcome of one run.
const (
	OutcomeOK      = "ok"
	OutcomeFailed  = "failed"
	OutcomeTimeout = "timeout"
	OutcomeSkipped = "skipped"
)

// Run is the record of one run of a job.
type Run struct {
	Job     string         `json:"job"`
	Start   time.Time      `json:"start"`
	End     time.Time      `json:"end"`
	Outcome string         `json:"outcome"`
	Error   string         `json:"error,omitempty"`
	Counts  map[string]int `json:"counts,omitempty"`
	TraceID string         `json:"trace_id,omitempty"`
}

// Runner executes jobs: one run of a job at a time, each run with its
// deadline, its span and its record.
type Runner struct {
	// Tracer starts a span per run; nil for none.
	Tracer trace.Tracer
	// Metrics records runs and durations; nil for none.
	Metrics *telemetry.Metrics
	// Logger receives a record per run.
	Logger *slog.Logger
	// Keep is how many runs per job are kept (default 20).
	Keep int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Store keeps each job's runs across restarts; nil keeps them in
	// memory only.
	Store state.Keeper

	mu      sync.Mutex
	running map[string]bool
	history map[string][]Run
	wg      sync.WaitGroup
}

// Execute runs job once under ctx, unless a run of the same job is already
// going, in which case the run is skipped and recorded as such.
func (r *Runner) Execute(ctx context.Context, job Job) Run {
	now := r.clock()
	r.mu.Lock()
	if r.running == nil {
		r.running = map[string]bool{}
	}
	if r.running[job.Name] {
		r.mu.Unlock()
		run := Run{Job: job.Name, Start: now(), Outcome: OutcomeSkipped, Error: "previous run still running"}
		run.End = run.Start
		r.record(ctx, run, 0)
		return run
	}
	r.running[job.Name] = true
	r.wg.Add(1)
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.running, job.Name)
		r.mu.Unlock()
		r.wg.Done()
	}()

	tracer := r.Tracer
	if tracer == nil {
		tracer = noop.NewTracerProvider().Tracer("")
	}
	ctx, span := tracer.Start(ctx, "job "+job.Name, trace.WithAttributes(attribute.String("opsd.job", job.Name)))
	defer span.End()
	if job.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, job.Timeout)
		defer cancel()
	}

	run := Run{Job: job.Name, Start: now(), TraceID: span.SpanContext().TraceID().String()}
	counts, err := r.call(ctx, job)
	run.End = now()
	run.Counts = counts
	switch {
	case err == nil:
		run.Outcome = OutcomeOK
	case errors.Is(err, ErrSkip):
		run.Outcome = OutcomeSkipped
		run.Error = err.Error()
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		run.Outcome = OutcomeTimeout
		run.Error = fmt.Sprintf("run of job %s exceeded its %s deadline: %v", job.Name, job.Timeout, err)
	default:
		run.Outcome = OutcomeFailed
		run.Error = err.Error()
	}
	if err != nil && run.Outcome != OutcomeSkipped {
		span.RecordError(err)
		span.SetStatus(codes.Error, run.Error)
	}
	r.record(ctx, run, run.End.Sub(run.Start))
	return run
}

// call runs the job, turning a panic into an error so one bad run never
// takes the daemon down.
func (r *Runner) call(ctx context.Context, job Job) (counts map[string]int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %s panicked: %v", job.Name, p)
		}
	}()
	return job.Run(ctx)
}

func (r *Runner) record(ctx context.Context, run Run, d time.Duration) {
	limit := r.Keep
	if limit < 1 {
		limit = 20
	}
	r.mu.Lock()
	if r.history == nil {
		r.history = map[string][]Run{}
	}
	h := append(r.history[run.Job], run)
	if len(h) > limit {
		h = h[len(h)-limit:]
	}
	r.history[run.Job] = h
	kept := append([]Run(nil), h...)
	r.mu.Unlock()
	r.keep(ctx, run, kept)

	if r.Metrics != nil {
		attrs := metric.WithAttributes(attribute.String("job", run.Job), attribute.String("outcome", run.Outcome))
		r.Metrics.Runs.Add(ctx, 1, attrs)
		if run.Outcome != OutcomeSkipped {
			r.Metrics.Duration.Record(ctx, d.Seconds(), metric.WithAttributes(attribute.String("job", run.Job)))
		}
	}
	if r.Logger != nil {
		level := slog.LevelInfo
		if run.Outcome != OutcomeOK {
			level = slog.LevelWarn
		}
		r.Logger.Log(ctx, level, "job run", "job", run.Job, "outcome", run.Outcome,
			"duration", d.String(), "counts", run.Counts, "error", run.Error)
	}
}

// History returns the kept runs of a job, oldest first.
func (r *Runner) History(job string) []Run {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Run(nil), r.history[job]...)
}

// Running reports whether a run of job is in progress.
func (r *Runner) Running(job string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running[job]
}

// Wait blocks until no run is in progress or ctx ends, and reports whether
// every run finished.
func (r *Runner) Wait(ctx context.Context) bool {
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

func (r *Runner) clock() func() time.Time {
	if r.Now != nil {
		return r.Now
	}
	return time.Now
}
