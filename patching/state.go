package patching

import (
	"context"
	"maps"
	"slices"

	"github.com/opsd-dev/opsd/state"
)

// stateKey names the service's document in the state store.
const stateKey = "memory"

// savedState is the service's document in the state store: the tag
// problems and the target errors already told. Scan results and patch
// runs are recorded on the instances' tags, as before.
type savedState struct {
	Problems []string `json:"problems"`
	Errors   []string `json:"errors"`
}

// loadState replaces what the service told with the stored state, when
// there is one.
func (s *Service) loadState(ctx context.Context) {
	st, ok := state.Load[savedState](ctx, s.deps.State, ServiceName, stateKey)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.toldProblems, s.lastErrors = set(st.Problems), set(st.Errors)
}

// saveState stores what the service told after an Apply run.
func (s *Service) saveState(ctx context.Context) {
	if s.deps.State == nil {
		return
	}
	s.mu.Lock()
	st := savedState{Problems: slices.Sorted(maps.Keys(s.toldProblems)), Errors: slices.Sorted(maps.Keys(s.lastErrors))}
	s.mu.Unlock()
	s.deps.State.Save(ctx, ServiceName, stateKey, st)
}

func set(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}
