package mototest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
)

// shared is the one moto server of this test binary, started on first use
// by Shared and stopped by Run. Test support only: production code keeps no
// package state.
var shared struct {
	mu      sync.Mutex
	started bool
	srv     *Server
	err     error
}

// Shared returns this test binary's moto server, starting it on first use.
// A server that failed to start is not retried: every later caller sees the
// same failure at once.
//
// When moto_server is not installed, Shared skips tb, or fails it when the
// CI environment variable is true. Any other start failure fails tb with
// moto_server's output. Call [Run] from TestMain so the server is stopped
// when the tests end.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.started {
		shared.started = true
		shared.srv, shared.err = Start(context.Background())
	}
	if shared.err != nil {
		if errors.Is(shared.err, ErrNotInstalled) && !inCI() {
			tb.Skipf("mototest: %v; set CI=true to make this a failure", shared.err)
		}
		tb.Fatalf("mototest: %v", shared.err)
	}
	return shared.srv
}

// Run runs the test binary's tests and then stops the shared server, if
// any test started it. Use it as TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }
func Run(m *testing.M) int {
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.srv != nil {
		shared.srv.Stop()
		shared.srv = nil
		shared.err = fmt.Errorf("moto server already stopped")
	}
	return code
}

// inCI reports whether the CI environment variable says we run in CI.
func inCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}
