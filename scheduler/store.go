package scheduler

import "context"

// storeKind names the runner's documents in the store: one per job.
const storeKind = "scheduler"

// Restore loads the kept runs of each of jobs that has none in memory
// yet: a restarted daemon shows its runs from before the restart.
func (r *Runner) Restore(ctx context.Context, jobs []string) {
	if r.Store == nil {
		return
	}
	for _, job := range jobs {
		r.mu.Lock()
		_, known := r.history[job]
		r.mu.Unlock()
		if known {
			continue
		}
		var runs []Run
		if !r.Store.Load(ctx, storeKind, job, &runs) || len(runs) == 0 {
			continue
		}
		r.mu.Lock()
		if r.history == nil {
			r.history = map[string][]Run{}
		}
		if _, known := r.history[job]; !known {
			r.history[job] = runs
		}
		r.mu.Unlock()
	}
}

// keep saves a job's runs after a run that did something; a follower's
// skipped runs are not written (the leader's are the ones that count).
func (r *Runner) keep(ctx context.Context, run Run, runs []Run) {
	if r.Store == nil || run.Outcome == OutcomeSkipped {
		return
	}
	r.Store.Save(context.WithoutCancel(ctx), storeKind, run.Job, runs)
}
