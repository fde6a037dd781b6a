package backup

import (
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// memory is what the service remembers between reconciles so that people
// are told each thing once: the findings, drift reports, failures and
// backup jobs already told, and when backup jobs were last looked at. It
// lives in memory and, when a state store is configured, in it (state.go),
// so a restart or a new leader tells nothing twice; without a store the
// first reconcile after a restart tells everything current again. Only
// Apply reconciles change it.
type memory struct {
	mu sync.Mutex
	// told are the keys already told, by topic and target.
	told map[string]map[string]bool
	// lastCheck is the clock of the last Apply reconcile that listed a
	// target's backup jobs.
	lastCheck map[string]time.Time
	// jobs are the backup jobs already told, by target: id → creation.
	jobs map[string]map[string]time.Time
	// probes are how long opsd's probe of each restore job's copy took,
	// by restore job id: part of its time to usable.
	probes map[string]time.Duration
}

func newMemory() *memory {
	return &memory{told: map[string]map[string]bool{}, lastCheck: map[string]time.Time{}, jobs: map[string]map[string]time.Time{},
		probes: map[string]time.Duration{}}
}

// probeTime is how long opsd's probe of restore job id took; zero when
// opsd did not probe it.
func (m *memory) probeTime(id string) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.probes[id]
}

// setProbeTime remembers how long the probe of restore job id took.
func (m *memory) setProbeTime(id string, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.probes[id] = d
}

// fresh returns which of keys were not told before for topic in target,
// and remembers keys as told. When complete, keys are everything there is
// now, so what is no longer there is forgotten (and told again should it
// come back); otherwise keys are added to what is remembered.
func (m *memory) fresh(topic, target string, keys []string, complete bool) map[string]bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := topic + "|" + target
	old := m.told[k]
	out := map[string]bool{}
	now := map[string]bool{}
	if !complete {
		for key := range old {
			now[key] = true
		}
	}
	for _, key := range keys {
		now[key] = true
		if !old[key] {
			out[key] = true
		}
	}
	m.told[k] = now
	return out
}

// since is how far back to list a target's backup jobs: lookback before
// the last check, or before now on the first.
func (m *memory) since(target string, now time.Time, lookback time.Duration) time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	from := now
	if last, ok := m.lastCheck[target]; ok && last.Before(now) {
		from = last
	}
	return from.Add(-lookback)
}

// newJobs returns the jobs not told before, remembers them, records now as
// the target's last check, and forgets jobs created before since (they
// will not be listed again).
func (m *memory) newJobs(target string, jobs []types.BackupJob, since, now time.Time) []types.BackupJob {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := m.jobs[target]
	if seen == nil {
		seen = map[string]time.Time{}
		m.jobs[target] = seen
	}
	var out []types.BackupJob
	for _, j := range jobs {
		id := aws.ToString(j.BackupJobId)
		if _, ok := seen[id]; ok {
			continue
		}
		seen[id] = aws.ToTime(j.CreationDate)
		out = append(out, j)
	}
	for id, created := range seen {
		if created.Before(since) {
			delete(seen, id)
		}
	}
	m.lastCheck[target] = now
	return out
}
