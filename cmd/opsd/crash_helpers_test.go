package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// killSwitch is one AWS call at which the opsd process making it dies:
// the proxy lets the call through to its upstream, keeps the answer from
// opsd, and tells the test, which kills opsd with SIGKILL. The action has
// then happened in AWS, and nothing after it has.
type killSwitch struct {
	reached chan struct{} // closed once the chosen call has reached upstream
	release chan struct{} // closed once opsd is dead: the held handler returns
	once    sync.Once

	mu   sync.Mutex
	seen int
}

// armKill makes the nth call (from 1) of operation through p that match
// accepts (nil: every call) the kill point. Calls before and after it pass
// through unchanged.
func armKill(t *testing.T, p *mototest.Proxy, operation string, nth int, match func(body []byte) bool) *killSwitch {
	t.Helper()
	ks := &killSwitch{reached: make(chan struct{}), release: make(chan struct{})}
	// Registered after the proxy's own cleanup, so it runs first: a
	// handler still held would keep the proxy from closing.
	t.Cleanup(ks.free)
	p.Handle(operation, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !ks.trip(match == nil || match(body), nth) {
			p.Forward(w, r)
			return
		}
		held := httptest.NewRecorder()
		p.Forward(held, r)
		close(ks.reached)
		<-ks.release
		// opsd is dead: nobody reads an answer.
	})
	return ks
}

// trip counts a matching call and reports whether it is the kill point.
func (ks *killSwitch) trip(matches bool, nth int) bool {
	if !matches {
		return false
	}
	ks.mu.Lock()
	defer ks.mu.Unlock()
	ks.seen++
	return ks.seen == nth
}

func (ks *killSwitch) free() { ks.once.Do(func() { close(ks.release) }) }

// runKilled runs opsd with args until the kill switch trips, kills it with
// SIGKILL at that moment and returns its output. An opsd that exits before
// reaching the kill point fails the test.
func runKilled(t *testing.T, bin string, ks *killSwitch, args ...string) string {
	t.Helper()
	var out lockedBuffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-ks.reached:
	case err := <-done:
		t.Fatalf("opsd %s exited (%v) before the kill point:\n%s", strings.Join(args, " "), err, out.String())
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("opsd %s never reached the kill point:\n%s", strings.Join(args, " "), out.String())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err := <-done
	ks.free()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("opsd was not killed by SIGKILL: %v\n%s", err, out.String())
	}
	return out.String()
}

// runChild runs opsd with args as a process and returns its exit code and
// output.
func runChild(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	}
	t.Fatalf("run opsd %s: %v\n%s", strings.Join(args, " "), err, out.String())
	return -1, ""
}

// mustRunOnce runs `opsd run --once` with args and fails the test unless
// it exits 0.
func mustRunOnce(t *testing.T, bin, config, now, only string) string {
	t.Helper()
	args := onceArgs(config, now, only)
	code, out := runChild(t, bin, args...)
	if code != 0 {
		t.Fatalf("opsd %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// onceArgs are the arguments of `opsd run --once` at now (empty: the real
// clock) for one service.
func onceArgs(config, now, only string) []string {
	args := []string{"run", "--once", "--config", config, "--only", only}
	if now != "" {
		args = append(args, "--now", now)
	}
	return args
}

// emulator is demo/emulator running in front of moto: it answers the SSM
// and AWS Backup operations moto lacks.
type emulator struct{ url string }

// buildEmulator builds demo/emulator once for a test.
func buildEmulator(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "emulator")
	out, err := exec.Command("go", "build", "-o", bin, "../../demo/emulator").CombinedOutput()
	if err != nil {
		t.Fatalf("go build demo/emulator: %v\n%s", err, out)
	}
	return bin
}

// startEmulator starts the emulator binary in front of upstream (moto) on
// a free loopback port; it is stopped when t ends. Its backup state is its
// own: start one per test.
func startEmulator(t *testing.T, bin, upstream string) emulator {
	t.Helper()
	addr := opsdbin.FreeAddr(t)
	var out lockedBuffer
	cmd := exec.Command(bin, "--listen", addr, "--upstream", upstream)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("emulator log:\n%s", out.String())
		}
	})
	url := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			return emulator{url: url}
		}
		select {
		case <-done:
			t.Fatalf("emulator exited:\n%s", out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("emulator did not answer:\n%s", out.String())
	return emulator{}
}
