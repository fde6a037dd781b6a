package certs

import (
	"context"
	"maps"
	"slices"

	"github.com/opsd-dev/opsd/state"
)

// stateKey names the service's document in the state store.
const stateKey = "memory"

// savedState is the service's document in the state store: the keys of
// the findings already told, by target (account/region), and of the
// target failures already told.
type savedState struct {
	Told   map[string][]string `json:"told"`
	Errors []string            `json:"errors"`
}

// loadState replaces what the service told with the stored state, when
// there is one: a restarted daemon, or a replica that has just become the
// leader, tells nothing twice.
func (s *Service) loadState(ctx context.Context) {
	st, ok := state.Load[savedState](ctx, s.deps.State, ServiceName, stateKey)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.told = map[string]map[string]bool{}
	for where, keys := range st.Told {
		set := make(map[string]bool, len(keys))
		for _, k := range keys {
			set[k] = true
		}
		s.told[where] = set
	}
	s.lastErrors = map[string]bool{}
	for _, k := range st.Errors {
		s.lastErrors[k] = true
	}
}

// saveState stores what the service told after an Apply run.
func (s *Service) saveState(ctx context.Context) {
	if s.deps.State == nil {
		return
	}
	s.mu.Lock()
	st := savedState{Told: make(map[string][]string, len(s.told)), Errors: slices.Sorted(maps.Keys(s.lastErrors))}
	for where, keys := range s.told {
		st.Told[where] = slices.Sorted(maps.Keys(keys))
	}
	s.mu.Unlock()
	s.deps.State.Save(ctx, ServiceName, stateKey, st)
}
