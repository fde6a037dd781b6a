// Package scheduler runs opsd's jobs on cron schedules in a timezone with
// gocron: a job never overlaps itself, every run has a deadline and a
// record, and stopping lets running jobs finish within a grace period.
package scheduler

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/robfig/cron/v3"
)

// Scheduler runs jobs on their cron schedules.
type Scheduler struct {
	runner *Runner

	// base is the parent of every run's context; it is cancelled only when
	// the grace period after Stop runs out.
	base   context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	cron    gocron.Scheduler
	loc     *time.Location
	jobs    map[string]jobEntry
	started bool
}

type jobEntry struct {
	job  Job
	cron gocron.Job
}

// New returns a scheduler whose runs go through runner. Call Set to give
// it jobs and Start to begin.
func New(runner *Runner) *Scheduler {
	base, cancel := context.WithCancel(context.Background())
	return &Scheduler{runner: runner, base: base, cancel: cancel, loc: time.UTC, jobs: map[string]jobEntry{}}
}

// Validate checks a cron expression the way the scheduler reads it.
func Validate(expr string) error {
	var err error
	if len(strings.Fields(expr)) == 6 {
		_, err = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow).Parse(expr)
	} else {
		_, err = cron.ParseStandard(expr)
	}
	if err != nil {
		return fmt.Errorf("parse cron expression %q: %w", expr, err)
	}
	return nil
}

// Set replaces the scheduled jobs with jobs whose cron expressions are read
// in loc. It is how a configuration reload takes effect: the new schedule
// starts at once, and a run already in progress finishes undisturbed; the
// new schedule never overlaps it, because the runner refuses a second run
// of the same job name. On error nothing changes.
func (s *Scheduler) Set(loc *time.Location, jobs []Job) error {
	c, err := gocron.NewScheduler(gocron.WithLocation(loc),
		// The runner waits for running jobs itself; gocron only needs
		// to stop starting new ones.
		gocron.WithStopTimeout(time.Second))
	if err != nil {
		return fmt.Errorf("create job scheduler: %w", err)
	}
	entries := map[string]jobEntry{}
	for _, j := range jobs {
		job := j
		if err := Validate(job.Cron); err != nil {
			_ = c.Shutdown()
			return fmt.Errorf("schedule job %s: %w", job.Name, err)
		}
		withSeconds := len(strings.Fields(job.Cron)) == 6
		opts := []gocron.JobOption{gocron.WithName(job.Name), gocron.WithSingletonMode(gocron.LimitModeReschedule)}
		if job.Immediately {
			opts = append(opts, gocron.WithStartAt(gocron.WithStartImmediately()))
		}
		cj, err := c.NewJob(gocron.CronJob(job.Cron, withSeconds),
			gocron.NewTask(func() { s.runner.Execute(s.base, job) }), opts...)
		if err != nil {
			_ = c.Shutdown()
			return fmt.Errorf("schedule job %s: %w", job.Name, err)
		}
		entries[job.Name] = jobEntry{job: job, cron: cj}
	}

	s.mu.Lock()
	old := s.cron
	s.cron, s.loc, s.jobs = c, loc, entries
	if s.started {
		c.Start()
	}
	s.mu.Unlock()
	if old != nil {
		go func() { _ = old.Shutdown() }()
	}
	return nil
}

// Start begins running jobs on their schedules.
func (s *Scheduler) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started = true
	if s.cron != nil {
		s.cron.Start()
	}
}

// RunAll starts a run of every job now, outside its schedule, when the
// scheduler is started (a replica that has just become leader catches up
// at once). A job already running is skipped as usual.
func (s *Scheduler) RunAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return
	}
	for _, e := range s.jobs {
		_ = e.cron.RunNow()
	}
}

// RunNow starts a run of the job called name now, outside its schedule,
// when the scheduler is started; it reports whether there is such a job.
// A run already in progress is not doubled (the runner refuses it).
func (s *Scheduler) RunNow(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.jobs[name]
	if !ok || !s.started {
		return false
	}
	_ = e.cron.RunNow()
	return true
}

// Stop starts no new runs and waits up to grace for running ones to finish;
// after grace their contexts are cancelled and Stop waits a further few
// seconds for them to return. It reports whether every run finished in time.
func (s *Scheduler) Stop(grace time.Duration) bool {
	s.mu.Lock()
	c := s.cron
	s.started = false
	s.mu.Unlock()
	if c != nil {
		_ = c.StopJobs() // only stops new runs; the runner tracks the rest
	}

	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	finished := s.runner.Wait(ctx)
	if !finished {
		s.cancel()
		after, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel2()
		s.runner.Wait(after)
	}
	s.cancel()
	if c != nil {
		_ = c.Shutdown()
	}
	return finished
}

// JobStatus is one job's schedule and recent runs, for /status.
type JobStatus struct {
	Name     string    `json:"name"`
	Cron     string    `json:"cron"`
	Timezone string    `json:"timezone"`
	Running  bool      `json:"running"`
	NextRun  time.Time `json:"next_run"`
	LastRun  *Run      `json:"last_run,omitempty"`
	Runs     []Run     `json:"runs"`
}

// Status returns every job's status, by name.
func (s *Scheduler) Status() []JobStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]JobStatus, 0, len(s.jobs))
	for name, e := range s.jobs {
		st := JobStatus{Name: name, Cron: e.job.Cron, Timezone: s.loc.String(), Running: s.runner.Running(name), Runs: s.runner.History(name)}
		if next, err := e.cron.NextRun(); err == nil {
			st.NextRun = next
		}
		if n := len(st.Runs); n > 0 {
			last := st.Runs[n-1]
			st.LastRun = &last
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
