package dlq

import (
	"context"
	"maps"
	"slices"
	"time"

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
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.saveLocked(ctx)
}

// saveLocked writes the document; s.saveMu is held, so that no older
// snapshot overwrites a newer one. It returns the receipts noted up to
// the snapshot.
func (s *Service) saveLocked(ctx context.Context) uint64 {
	s.mu.Lock()
	st := savedState{Queues: maps.Clone(s.mem), Told: slices.Sorted(maps.Keys(s.told))}
	noted := s.noted
	s.mu.Unlock()
	s.deps.State.Save(ctx, ServiceName, stateKey, st)
	return noted
}

// noteReceiving records in the state store, before the archiver receives
// from q, that opsd receives from it at `at` and that what it receives is
// hidden until `until` at the latest; it returns once a save holding the
// note is done. So a run killed while it holds messages leaves behind
// when they were received and when they are visible again. Queues noting
// at once share one save.
func (s *Service) noteReceiving(ctx context.Context, q Queue, at, until time.Time) {
	if s.deps.State == nil {
		return
	}
	s.mu.Lock()
	m := s.mem[q.key()]
	m.ReceivedAt, m.HiddenUntil = at, until
	s.mem[q.key()] = m
	s.noted++
	mine := s.noted
	s.mu.Unlock()
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if s.savedNote >= mine {
		return // saved with another queue's note
	}
	s.savedNote = s.saveLocked(ctx)
}

// receiveWindow bounds how long the run may still receive: until ctx's
// deadline, else the reconcile timeout.
func (s *Service) receiveWindow(ctx context.Context) time.Duration {
	if d, ok := ctx.Deadline(); ok {
		return max(time.Until(d), 0)
	}
	return s.cfg.Timeout
}
