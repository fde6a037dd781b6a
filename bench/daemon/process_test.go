package daemon

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

func TestMain(m *testing.M) {
	code := mototest.Run(m)
	opsdbin.Remove()
	os.Exit(code)
}

// idleConfig enables every service against endpoint with a reconcile cron
// of once a year, so after the runs at start nothing is due.
func idleConfig(tb testing.TB, endpoint, addr string) string {
	tb.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "aws: {regions: [eu-west-2], endpoint_url: %q}\nhttp: {listen: %q}\nlog: {level: warn}\n", endpoint, addr)
	for _, svc := range []string{"shutdown", "patching", "backup", "monitor", "dlq", "audit"} {
		fmt.Fprintf(&b, "%s: {enabled: true, schedule: \"0 0 1 1 *\"}\n", svc)
	}
	path := filepath.Join(tb.TempDir(), "opsd.yaml")
	if err := os.WriteFile(path, []byte(opsdbin.WithState(tb, b.String())), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// process is a running opsd daemon.
type process struct {
	cmd  *exec.Cmd
	addr string
	out  *lockedBuffer
	done chan struct{} // closed when the process has exited
}

// lockedBuffer is a bytes.Buffer safe to write from the process's output
// copier while a test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start starts `opsd run --config path` and returns at once.
func start(tb testing.TB, bin, path, addr string) *process {
	tb.Helper()
	p := &process{cmd: exec.Command(bin, "run", "--config", path), addr: addr, out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		tb.Fatalf("start opsd: %v", err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	return p
}

// stop kills the process and waits for it.
func (p *process) stop() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// get returns the status code and body of GET path, or 0 when the daemon
// does not answer.
func (p *process) get(path string) (int, string) {
	resp, err := http.Get("http://" + p.addr + path)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// waitReady polls /readyz every millisecond until it answers 200 and
// returns when it did, or fails after limit.
func (p *process) waitReady(tb testing.TB, limit time.Duration) time.Time {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && !p.exited() {
		if code, _ := p.get("/readyz"); code == http.StatusOK {
			return time.Now()
		}
		time.Sleep(time.Millisecond)
	}
	tb.Fatalf("/readyz was not true within %s (exited: %t); opsd output:\n%s", limit, p.exited(), p.out.String())
	return time.Time{}
}

// waitJobsRan waits until /status shows a finished run of every job.
func (p *process) waitJobsRan(tb testing.TB, jobs int, limit time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if code, body := p.get("/status"); code == http.StatusOK && strings.Count(body, `"outcome"`) >= jobs && !strings.Contains(body, `"running":true`) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, body := p.get("/status")
	tb.Fatalf("the jobs at start did not all finish within %s; /status: %s", limit, body)
}

// usage is what /proc says of a process: CPU time so far, resident and
// peak resident memory, and of the resident memory the part that is the
// process's own (anonymous: heap, stacks) rather than pages of the
// binary's file mapped in.
type usage struct {
	cpu             time.Duration
	rss, peak, anon int64 // bytes
}

// readUsage reads pid's usage from /proc/<pid>/stat and /proc/<pid>/status.
func readUsage(pid int) (usage, error) {
	var u usage
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return u, fmt.Errorf("read process stat: %w", err)
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: state is field 3, utime 14 and stime 15 (clock ticks).
	_, rest, ok := strings.Cut(string(stat), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return u, fmt.Errorf("read process stat: unexpected %q", stat)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return u, fmt.Errorf("read process stat: cpu times %q %q", f[11], f[12])
	}
	const ticksPerSecond = 100 // USER_HZ on Linux
	u.cpu = time.Duration(utime+stime) * time.Second / ticksPerSecond

	status, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return u, fmt.Errorf("read process status: %w", err)
	}
	defer status.Close()
	sc := bufio.NewScanner(status)
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), ":")
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "VmRSS":
			u.rss = kb * 1024
		case "VmHWM":
			u.peak = kb * 1024
		case "RssAnon":
			u.anon = kb * 1024
		}
	}
	return u, sc.Err()
}
