package scale

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// run is what one opsd process did and cost.
type run struct {
	exit   int
	wall   time.Duration
	cpu    time.Duration
	maxRSS int64 // bytes
	stdout string
	stderr string
}

// runOpsd runs the opsd binary with args and env until it exits (within
// limit) and measures it: wall time, CPU time (user + system) and peak
// resident memory, all of the child process alone. Its output goes to
// files in a temporary directory; tails of them are returned.
func runOpsd(tb testing.TB, bin string, env []string, limit time.Duration, args ...string) run {
	tb.Helper()
	dir := tb.TempDir()
	stdout, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		tb.Fatal(err)
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		tb.Fatal(err)
	}
	defer stderr.Close()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append([]string{"HOME=" + dir, "TMPDIR=" + dir}, env...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	started := time.Now()
	err = cmd.Run()
	r := run{wall: time.Since(started)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.exit = ee.ExitCode()
	default:
		tb.Fatalf("run opsd: %v", err)
	}
	if ctx.Err() != nil {
		tb.Fatalf("opsd did not finish within %s", limit)
	}
	r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	r.maxRSS = maxRSS(cmd.ProcessState)
	r.stdout = tail(filepath.Join(dir, "stdout"))
	r.stderr = tail(filepath.Join(dir, "stderr"))
	return r
}

// tail returns the last few kilobytes of a file.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	const keep = 4 << 10
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}

// writeFile writes content to a new file in a temporary directory.
func writeFile(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}
