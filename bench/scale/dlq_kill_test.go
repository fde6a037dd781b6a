package scale

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/awssim"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// TestDLQArchiveSurvivesKillNineAt10000Messages archives 10,000 messages
// from four dead-letter queues against the simulated AWS (1 ms a call),
// killing opsd with SIGKILL at random times again and again (so kills land
// in receives, writes and delete batches alike), then runs it unkilled
// until every queue is empty: every message must be in the archive
// exactly once, as its own record. moto cannot hold this many messages
// (its SendMessage slows with the queue's length); internal/faults runs
// the same test at 300 messages against moto.
func TestDLQArchiveSurvivesKillNineAt10000Messages(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x5ca1e))
	bl := backlog{accounts: 1, queues: 4, messages: 2500, latency: time.Millisecond}
	srv := awssim.New(awssim.Options{Latency: bl.latency})
	defer srv.Close()
	bl.seed(t, srv)
	bin := opsdbin.Build(t)
	cfg := writeFile(t, "opsd.yaml", opsdbin.WithState(t, strings.Replace(bl.config(srv.URL()),
		"    when: arrival\n", "    when: arrival\n    visibility_timeout: 2s\n    wait_time: 1s\n", 1)))
	env := srv.Env(awssim.DefaultAccount)
	dir := t.TempDir()

	// visible is how many messages a run can receive now; a killed run's
	// messages stay hidden for the visibility timeout (2 s).
	visible := func() (v, all int) {
		for q := range bl.queues {
			n, f, err := srv.QueueDepth(bl.queueAccount(q), backlogRegion, bl.queueName(q))
			if err != nil {
				t.Fatal(err)
			}
			v, all = v+n, all+n+f
		}
		return v, all
	}
	killed, started := 0, 0
	const kills = 12
	for i := range kills {
		// Start each run once messages are there to receive, so that a
		// kill lands in the archiver's work, not in a run that found
		// everything hidden and ended at once.
		for wait := time.Now().Add(5 * time.Second); time.Now().Before(wait); time.Sleep(100 * time.Millisecond) {
			if v, _ := visible(); v > 0 {
				break
			}
		}
		if _, all := visible(); all == 0 {
			break
		}
		started++
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, bin, "run", "--config", cfg, "--once", "--only", "dlq")
		cmd.Env = append([]string{"HOME=" + dir, "TMPDIR=" + dir}, env...)
		out, err := os.Create(filepath.Join(dir, fmt.Sprintf("kill-%d.log", i)))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		after := 50*time.Millisecond + time.Duration(rng.Int64N(int64(950*time.Millisecond)))
		timer := time.AfterFunc(after, func() { _ = cmd.Process.Kill() })
		_ = cmd.Wait()
		timer.Stop()
		cancel()
		_ = out.Close()
		if cmd.ProcessState.String() == "signal: killed" {
			killed++
		}
	}
	if killed < min(5, started) {
		t.Errorf("only %d of %d runs with messages to archive were killed before they ended; the kills did not test the archiver", killed, started)
	}
	runs := 0
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		left := 0
		for q := range bl.queues {
			v, f, err := srv.QueueDepth(bl.queueAccount(q), backlogRegion, bl.queueName(q))
			if err != nil {
				t.Fatal(err)
			}
			left += v + f
		}
		if left == 0 {
			break
		}
		time.Sleep(500 * time.Millisecond) // the killed runs' messages come back after 2 s
		runs++
		if r := runOpsd(t, bin, env, 2*time.Minute, "run", "--config", cfg, "--once", "--only", "dlq"); r.exit != 0 && r.exit != 1 {
			t.Fatalf("run %d exited %d:\n%s\n%s", runs, r.exit, r.stdout, r.stderr)
		}
	}
	problems := bl.verifyArchived(srv)
	t.Logf("figures: %d messages, %d of %d runs killed mid-run, then %d runs; %d objects; problems: %d", bl.queues*bl.messages, killed, started, runs, len(srv.Objects(archiveBucket)), len(problems))
	for _, p := range problems {
		t.Error(p)
	}
}
