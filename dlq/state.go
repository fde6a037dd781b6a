package dlq

import (
	"context"
	"maps"
	"slices"

	"github.com/opsd-dev/opsd/state"
)

// stateKey names the service's document in the state store.
const stateKey = "memory"

// savedState is the service's document in the state store: each queue's
// memory (bursts, reminders, archive scans) and the problems already told.
type savedState struct {
	Queues map[string]memory `json:"queues"`
	Told   []string          `json:"told"`
}

// loadState replaces what the service remembers with the stored state,
// when there is one: a restarted daemon, or a replica that has just
// become the leader, carries on where the last run left off.
func (s *Service) loadState(ctx context.Context) {
	st, ok := state.Load[savedState](ctx, s.deps.State, ServiceName, stateKey)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mem = st.Queues
	if s.mem == nil {
		s.mem = map[string]memory{}
	}
	s.told = map[string]bool{}
	for _, k := range st.Told {
		s.told[k] = true
	}
}

// saveState stores what the service remembers after an Apply run.
func (s *Service) saveState(ctx context.Context) {
	if s.deps.State == nil {
		return
	}
	s.mu.Lock()
	st := savedState{Queues: maps.Clone(s.mem), Told: slices.Sorted(maps.Keys(s.told))}
	s.mu.Unlock()
	s.deps.State.Save(ctx, ServiceName, stateKey, st)
}
