package scheduler

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func london(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestRunnerRecordsOutcomes(t *testing.T) {
	r := &Runner{Keep: 2}
	ok := Job{Name: "a", Run: func(context.Context) (map[string]int, error) { return map[string]int{"done": 3}, nil }}
	bad := Job{Name: "a", Run: func(context.Context) (map[string]int, error) { return nil, errors.New("boom") }}
	slow := Job{Name: "a", Timeout: 20 * time.Millisecond, Run: func(ctx context.Context) (map[string]int, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	panics := Job{Name: "a", Run: func(context.Context) (map[string]int, error) { panic("bad") }}

	if run := r.Execute(context.Background(), ok); run.Outcome != OutcomeOK || run.Counts["done"] != 3 {
		t.Fatalf("ok run = %+v", run)
	}
	if run := r.Execute(context.Background(), bad); run.Outcome != OutcomeFailed || run.Error != "boom" {
		t.Fatalf("failed run = %+v", run)
	}
	if run := r.Execute(context.Background(), slow); run.Outcome != OutcomeTimeout {
		t.Fatalf("slow run = %+v", run)
	}
	if run := r.Execute(context.Background(), panics); run.Outcome != OutcomeFailed {
		t.Fatalf("panicking run = %+v", run)
	}
	h := r.History("a")
	if len(h) != 2 || h[0].Outcome != OutcomeTimeout || h[1].Outcome != OutcomeFailed {
		t.Fatalf("history kept %d runs: %+v", len(h), h)
	}
}

func TestRunnerNeverOverlapsAJob(t *testing.T) {
	r := &Runner{}
	release := make(chan struct{})
	started := make(chan struct{})
	job := Job{Name: "long", Run: func(context.Context) (map[string]int, error) {
		close(started)
		<-release
		return nil, nil
	}}
	done := make(chan Run)
	go func() { done <- r.Execute(context.Background(), job) }()
	<-started
	if second := r.Execute(context.Background(), job); second.Outcome != OutcomeSkipped {
		t.Fatalf("second run while first runs: outcome %q, want skipped", second.Outcome)
	}
	close(release)
	if first := <-done; first.Outcome != OutcomeOK {
		t.Fatalf("first run outcome %q", first.Outcome)
	}
}

func TestSchedulerRunsJobsOnCron(t *testing.T) {
	var runs atomic.Int32
	s := New(&Runner{})
	if err := s.Set(london(t), []Job{{Name: "tick", Cron: "* * * * * *", Timeout: time.Second, Run: func(context.Context) (map[string]int, error) {
		runs.Add(1)
		return nil, nil
	}}}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	deadline := time.Now().Add(5 * time.Second)
	for runs.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !s.Stop(time.Second) {
		t.Fatal("stop: runs did not finish")
	}
	if runs.Load() < 2 {
		t.Fatalf("job ran %d times in 5s, want at least 2", runs.Load())
	}
	st := s.Status()
	if len(st) != 1 || st[0].LastRun == nil || st[0].LastRun.Outcome != OutcomeOK {
		t.Fatalf("status = %+v", st)
	}
}

func TestSchedulerNextRunIsInItsTimezone(t *testing.T) {
	loc := london(t)
	s := New(&Runner{})
	if err := s.Set(loc, []Job{{Name: "evening", Cron: "5 19 * * *", Run: func(context.Context) (map[string]int, error) { return nil, nil }}}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop(time.Second)
	var next time.Time
	for i := 0; i < 50 && next.IsZero(); i++ {
		next = s.Status()[0].NextRun
		time.Sleep(20 * time.Millisecond)
	}
	if local := next.In(loc); local.Hour() != 19 || local.Minute() != 5 {
		t.Fatalf("next run %s, want 19:05 Europe/London", local)
	}
}

func TestStopLetsARunningJobFinishWithinGrace(t *testing.T) {
	s := New(&Runner{})
	started := make(chan struct{}, 1)
	var finished, cancelled atomic.Bool
	if err := s.Set(time.UTC, []Job{{Name: "long", Cron: "* * * * * *", Run: func(ctx context.Context) (map[string]int, error) {
		select {
		case started <- struct{}{}:
		default:
			return nil, nil
		}
		select {
		case <-time.After(300 * time.Millisecond):
			finished.Store(true)
		case <-ctx.Done():
			cancelled.Store(true)
		}
		return nil, nil
	}}}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	select {
	case <-started:
	case <-time.After(3 * time.Second):
		t.Fatal("job never started")
	}
	if !s.Stop(5 * time.Second) {
		t.Fatal("stop reported unfinished runs")
	}
	if !finished.Load() || cancelled.Load() {
		t.Fatalf("finished=%v cancelled=%v, want the run to finish uncancelled", finished.Load(), cancelled.Load())
	}
}

func TestStopCancelsRunsAfterGrace(t *testing.T) {
	s := New(&Runner{})
	started := make(chan struct{}, 1)
	var cancelled atomic.Bool
	if err := s.Set(time.UTC, []Job{{Name: "stuck", Cron: "* * * * * *", Run: func(ctx context.Context) (map[string]int, error) {
		select {
		case started <- struct{}{}:
		default:
			return nil, nil
		}
		<-ctx.Done()
		cancelled.Store(true)
		return nil, ctx.Err()
	}}}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	<-started
	if s.Stop(100 * time.Millisecond) {
		t.Fatal("stop reported all runs finished in grace, want not")
	}
	if !cancelled.Load() {
		t.Fatal("run was not cancelled after the grace period")
	}
}

func TestValidate(t *testing.T) {
	for expr, ok := range map[string]bool{"*/5 * * * *": true, "0 19 * * MON-FRI": true, "*/10 * * * * *": true, "61 * * * *": false, "every day": false, "": false} {
		if err := Validate(expr); (err == nil) != ok {
			t.Errorf("Validate(%q) = %v, want ok=%v", expr, err, ok)
		}
	}
}

func TestImmediatelyRunsAtOnceThenOnCron(t *testing.T) {
	var runs atomic.Int32
	s := New(&Runner{})
	if err := s.Set(time.UTC, []Job{{Name: "catch-up", Cron: "0 0 1 1 *", Immediately: true, Run: func(context.Context) (map[string]int, error) {
		runs.Add(1)
		return nil, nil
	}}}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	deadline := time.Now().Add(3 * time.Second)
	for runs.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	s.Stop(time.Second)
	if runs.Load() != 1 {
		t.Fatalf("a job scheduled for 1 January with Immediately ran %d times, want 1", runs.Load())
	}
}
