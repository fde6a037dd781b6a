package scheduler

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/state"
)

// A restarted runner with the same store shows the runs from before the
// restart; a follower's skipped runs are not written over the leader's.
func TestRunnerKeepsRunsAcrossARestart(t *testing.T) {
	store := state.NewTolerant(state.NewMemory(), nil)
	ctx := context.Background()
	first := &Runner{Store: store}
	for i := range 3 {
		first.Execute(ctx, Job{Name: "dlq", Timeout: time.Second, Run: func(context.Context) (map[string]int, error) {
			return map[string]int{"done": i}, nil
		}})
	}
	first.Execute(ctx, Job{Name: "backup", Timeout: time.Second, Run: func(context.Context) (map[string]int, error) {
		return nil, errors.New("denied")
	}})

	follower := &Runner{Store: store}
	follower.Execute(ctx, Job{Name: "dlq", Timeout: time.Second, Run: func(context.Context) (map[string]int, error) {
		return nil, fmt.Errorf("%w: a follower", ErrSkip)
	}})

	restarted := &Runner{Store: store}
	restarted.Restore(ctx, []string{"dlq", "backup", "monitor"})
	dlq := restarted.History("dlq")
	if len(dlq) != 3 || dlq[2].Counts["done"] != 2 || dlq[2].Outcome != OutcomeOK {
		t.Errorf("dlq runs after the restart: %+v", dlq)
	}
	if b := restarted.History("backup"); len(b) != 1 || b[0].Outcome != OutcomeFailed || b[0].Error != "denied" {
		t.Errorf("backup runs after the restart: %+v", b)
	}
	if m := restarted.History("monitor"); len(m) != 0 {
		t.Errorf("a job that never ran has runs: %+v", m)
	}
}
