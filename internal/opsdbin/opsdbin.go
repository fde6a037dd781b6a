// Package opsdbin is test support: it builds the opsd binary once per test
// process, the way the Makefile builds it, for the tests that run opsd as
// a process (kill -9, signals, faults, benchmarks of the real binary).
package opsdbin

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Package is the import path of the opsd command.
const Package = "github.com/opsd-dev/opsd/cmd/opsd"

// build builds Package once; every test of the process shares the binary.
var build = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "opsd-bin-")
	if err != nil {
		return "", fmt.Errorf("build opsd: %w", err)
	}
	bin := filepath.Join(dir, "opsd")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, Package)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", Package, err, out)
	}
	return bin, nil
})

// Build returns the path of the opsd binary, building it on first use. The
// binary lives in a temporary directory for the life of the test process.
func Build(tb testing.TB) string {
	tb.Helper()
	bin, err := build()
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// FreeAddr returns a loopback address nothing listens on, for opsd's
// http.listen.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free loopback port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Remove deletes the binary Build made, if any. Call it from TestMain once
// the tests have run:
//
//	func TestMain(m *testing.M) {
//		code := mototest.Run(m)
//		opsdbin.Remove()
//		os.Exit(code)
//	}
func Remove() {
	if bin, err := build(); err == nil {
		_ = os.RemoveAll(filepath.Dir(bin))
	}
}

// WithState returns config content with a state file of the test's own
// (state.path in a temporary directory) unless content sets state itself,
// so that what one test's runs told never silences another's, and no test
// touches /var/lib/opsd.
func WithState(tb testing.TB, content string) string {
	tb.Helper()
	if strings.HasPrefix(content, "state:") || strings.Contains(content, "\nstate:") {
		return content
	}
	return content + fmt.Sprintf("\nstate: {path: %q}\n", filepath.Join(tb.TempDir(), "state.db"))
}
