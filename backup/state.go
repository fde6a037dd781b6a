package backup

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/opsd-dev/opsd/state"
)

// stateKey names the service's document in the state store.
const stateKey = "memory"

// savedState is the service's document in the state store: what was told
// by topic and target, when each target's backup jobs were last listed,
// the jobs already told, and the target errors already told.
type savedState struct {
	Told      map[string][]string             `json:"told"`
	LastCheck map[string]time.Time            `json:"last_check"`
	Jobs      map[string]map[string]time.Time `json:"jobs"`
	Errors    []string                        `json:"errors"`
	// Probes are restore probe times by restore job id.
	Probes map[string]time.Duration `json:"restore_probes,omitempty"`
}

// loadState replaces what the service remembers with the stored state,
// when there is one.
func (s *Service) loadState(ctx context.Context) {
	st, ok := state.Load[savedState](ctx, s.deps.State, ServiceName, stateKey)
	if !ok {
		return
	}
	s.mem.restore(st)
	s.mu.Lock()
	s.lastErrors = map[string]bool{}
	for _, k := range st.Errors {
		s.lastErrors[k] = true
	}
	s.mu.Unlock()
}

// saveState stores what the service remembers after an Apply run.
func (s *Service) saveState(ctx context.Context) {
	if s.deps.State == nil {
		return
	}
	st := s.mem.snapshot()
	s.mu.Lock()
	st.Errors = slices.Sorted(maps.Keys(s.lastErrors))
	s.mu.Unlock()
	s.deps.State.Save(ctx, ServiceName, stateKey, st)
}

// snapshot is the memory as a stored document.
func (m *memory) snapshot() savedState {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := savedState{Told: map[string][]string{}, LastCheck: maps.Clone(m.lastCheck), Jobs: map[string]map[string]time.Time{}}
	for k, keys := range m.told {
		st.Told[k] = slices.Sorted(maps.Keys(keys))
	}
	for k, jobs := range m.jobs {
		st.Jobs[k] = maps.Clone(jobs)
	}
	st.Probes = maps.Clone(m.probes)
	return st
}

// restore replaces the memory with a stored document.
func (m *memory) restore(st savedState) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.told = map[string]map[string]bool{}
	for k, keys := range st.Told {
		set := map[string]bool{}
		for _, key := range keys {
			set[key] = true
		}
		m.told[k] = set
	}
	m.lastCheck = map[string]time.Time{}
	maps.Copy(m.lastCheck, st.LastCheck)
	m.jobs = map[string]map[string]time.Time{}
	for k, jobs := range st.Jobs {
		m.jobs[k] = maps.Clone(jobs)
	}
	m.probes = map[string]time.Duration{}
	maps.Copy(m.probes, st.Probes)
}
