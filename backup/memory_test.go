package backup

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

func TestMemoryFresh(t *testing.T) {
	m := newMemory()
	if got := m.fresh("audit", "a/r", []string{"x", "y"}, true); len(got) != 2 {
		t.Errorf("first: %v", got)
	}
	if got := m.fresh("audit", "a/r", []string{"x", "y"}, true); len(got) != 0 {
		t.Errorf("again: %v, want nothing new", got)
	}
	if got := m.fresh("audit", "other/r", []string{"x"}, true); !got["x"] {
		t.Errorf("another target shares memory: %v", got)
	}
	// An incomplete observation forgets nothing.
	if got := m.fresh("audit", "a/r", nil, false); len(got) != 0 {
		t.Errorf("incomplete: %v", got)
	}
	if got := m.fresh("audit", "a/r", []string{"y"}, true); len(got) != 0 {
		t.Errorf("after incomplete: %v", got)
	}
	// x went away (complete observation) and came back: told again.
	if got := m.fresh("audit", "a/r", []string{"x", "y"}, true); !got["x"] || got["y"] {
		t.Errorf("came back: %v, want x only", got)
	}
}

func TestMemoryJobs(t *testing.T) {
	m := newMemory()
	now := testNow
	lookback := 24 * time.Hour
	if got := m.since("a/r", now, lookback); !got.Equal(now.Add(-lookback)) {
		t.Errorf("first since = %s", got)
	}
	job := func(id string, created time.Time) types.BackupJob {
		return types.BackupJob{BackupJobId: aws.String(id), CreationDate: aws.Time(created)}
	}
	since := m.since("a/r", now, lookback)
	jobs := []types.BackupJob{job("1", now.Add(-2*time.Hour)), job("2", now.Add(-time.Hour))}
	if got := m.newJobs("a/r", jobs, since, now); len(got) != 2 {
		t.Errorf("first: %d new", len(got))
	}
	later := now.Add(30 * time.Minute)
	if got := m.since("a/r", later, lookback); !got.Equal(now.Add(-lookback)) {
		t.Errorf("since after a check = %s, want lookback before the last check", got)
	}
	if got := m.newJobs("a/r", append(jobs, job("3", later)), m.since("a/r", later, lookback), later); len(got) != 1 || aws.ToString(got[0].BackupJobId) != "3" {
		t.Errorf("second: %v", got)
	}
	// A clock that went back (a plan at an earlier --now) looks back from now.
	if got := m.since("a/r", now.Add(-time.Hour), lookback); !got.Equal(now.Add(-time.Hour - lookback)) {
		t.Errorf("since with an earlier clock = %s", got)
	}
}
