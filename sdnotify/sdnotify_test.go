package sdnotify

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// listen opens a unixgram socket standing in for systemd's and returns its
// address.
func listen(t *testing.T) (*net.UnixConn, string) {
	t.Helper()
	addr := filepath.Join(t.TempDir(), "n.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		t.Fatalf("listen on %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn, addr
}

// env returns a getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// receive reads one datagram, failing the test after timeout.
func receive(t *testing.T, conn *net.UnixConn, timeout time.Duration) string {
	t.Helper()
	if err := conn.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatalf("read datagram: %v", err)
	}
	return string(buf[:n])
}

// expectNothing fails the test if a datagram arrives within d.
func expectNothing(t *testing.T, conn *net.UnixConn, d time.Duration) {
	t.Helper()
	if err := conn.SetReadDeadline(time.Now().Add(d)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	if n, err := conn.Read(buf); err == nil {
		t.Fatalf("unexpected datagram %q", buf[:n])
	}
}

func TestNotifications(t *testing.T) {
	conn, addr := listen(t)
	n := New(env(map[string]string{"NOTIFY_SOCKET": addr}))
	if !n.Enabled() {
		t.Fatal("Enabled() = false with NOTIFY_SOCKET set")
	}
	cases := []struct {
		name string
		send func() error
		want string
	}{
		{"ready", n.Ready, "READY=1"},
		{"stopping", n.Stopping, "STOPPING=1"},
		{"watchdog", n.Watchdog, "WATCHDOG=1"},
		{"status", func() error { return n.Status("3 jobs scheduled") }, "STATUS=3 jobs scheduled"},
		{"status newline", func() error { return n.Status("bad\nREADY=1") }, "STATUS=bad READY=1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.send(); err != nil {
				t.Fatalf("send: %v", err)
			}
			if got := receive(t, conn, 2*time.Second); got != tc.want {
				t.Fatalf("datagram = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReloading(t *testing.T) {
	conn, addr := listen(t)
	n := New(env(map[string]string{"NOTIFY_SOCKET": addr}))
	if err := n.Reloading(); err != nil {
		t.Fatal(err)
	}
	got := receive(t, conn, 2*time.Second)
	if !regexp.MustCompile(`^RELOADING=1\nMONOTONIC_USEC=[1-9][0-9]*$`).MatchString(got) {
		t.Fatalf("datagram = %q, want RELOADING=1 and MONOTONIC_USEC", got)
	}
	if err := n.Ready(); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, conn, 2*time.Second); got != "READY=1" {
		t.Fatalf("datagram = %q, want READY=1", got)
	}
}

func TestAbstractSocket(t *testing.T) {
	name := "@opsd-sdnotify-test-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: name, Net: "unixgram"})
	if err != nil {
		t.Skipf("abstract sockets unavailable: %v", err)
	}
	defer conn.Close()
	n := New(env(map[string]string{"NOTIFY_SOCKET": name}))
	if err := n.Ready(); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, conn, 2*time.Second); got != "READY=1" {
		t.Fatalf("datagram = %q, want READY=1", got)
	}
}

func TestNoSocketIsNoop(t *testing.T) {
	for name, n := range map[string]*Notifier{
		"unset": New(env(map[string]string{"WATCHDOG_USEC": "1000000"})),
		"nil":   nil,
		"zero":  {},
	} {
		t.Run(name, func(t *testing.T) {
			if n.Enabled() {
				t.Fatal("Enabled() = true without NOTIFY_SOCKET")
			}
			for _, send := range []func() error{n.Ready, n.Stopping, n.Reloading, n.Watchdog, func() error { return n.Status("x") }} {
				if err := send(); err != nil {
					t.Fatalf("send without socket: %v", err)
				}
			}
			if d, ok := n.WatchdogInterval(); ok || d != 0 {
				t.Fatalf("WatchdogInterval() = %v, %v; want 0, false", d, ok)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := n.RunWatchdog(ctx, func() bool { return true }); err != nil {
				t.Fatal(err)
			}
			if ctx.Err() != nil {
				t.Fatal("RunWatchdog waited although no watchdog is configured")
			}
		})
	}
}

func TestBadSocket(t *testing.T) {
	for _, sock := range []string{"relative/path", "vsock:2:1234", filepath.Join(t.TempDir(), "missing.sock")} {
		if err := New(env(map[string]string{"NOTIFY_SOCKET": sock})).Ready(); err == nil {
			t.Errorf("Ready() with NOTIFY_SOCKET=%q: no error", sock)
		}
	}
}

func TestWatchdogInterval(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	cases := []struct {
		name string
		env  map[string]string
		want time.Duration
		ok   bool
	}{
		{"usec", map[string]string{"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "60000000"}, time.Minute, true},
		{"our pid", map[string]string{"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "500", "WATCHDOG_PID": pid}, 500 * time.Microsecond, true},
		{"other pid", map[string]string{"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "500", "WATCHDOG_PID": "1"}, 0, false},
		{"zero", map[string]string{"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "0"}, 0, false},
		{"garbage", map[string]string{"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "soon"}, 0, false},
		{"negative", map[string]string{"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "-5"}, 0, false},
		{"unset", map[string]string{"NOTIFY_SOCKET": "/run/x"}, 0, false},
		{"no socket", map[string]string{"WATCHDOG_USEC": "60000000"}, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := New(env(tc.env)).WatchdogInterval()
			if got != tc.want || ok != tc.ok {
				t.Fatalf("WatchdogInterval() = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestRunWatchdogPingsAndStops(t *testing.T) {
	conn, addr := listen(t)
	n := New(env(map[string]string{
		"NOTIFY_SOCKET": addr,
		"WATCHDOG_USEC": "100000", // 100ms: pings every 50ms
		"WATCHDOG_PID":  strconv.Itoa(os.Getpid()),
	}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.RunWatchdog(ctx, func() bool { return true }) }()

	for i := 0; i < 3; i++ {
		if got := receive(t, conn, 2*time.Second); got != "WATCHDOG=1" {
			t.Fatalf("ping %d = %q, want WATCHDOG=1", i, got)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("RunWatchdog: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("RunWatchdog did not stop after ctx was cancelled")
	}
	// Drain a ping that may have been in flight as ctx was cancelled, then
	// nothing more may arrive.
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	_, _ = conn.Read(make([]byte, 64))
	expectNothing(t, conn, 200*time.Millisecond)
}

func TestRunWatchdogUnhealthySkipsPings(t *testing.T) {
	conn, addr := listen(t)
	n := New(env(map[string]string{"NOTIFY_SOCKET": addr, "WATCHDOG_USEC": "40000"}))
	var healthy atomic.Bool
	var checks atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- n.RunWatchdog(ctx, func() bool { checks.Add(1); return healthy.Load() })
	}()

	expectNothing(t, conn, 200*time.Millisecond)
	if checks.Load() < 2 {
		t.Fatalf("healthy() consulted %d times in 200ms at a 20ms period", checks.Load())
	}
	healthy.Store(true)
	if got := receive(t, conn, 2*time.Second); got != "WATCHDOG=1" {
		t.Fatalf("ping after recovery = %q, want WATCHDOG=1", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("RunWatchdog: %v", err)
	}
}

func TestRunWatchdogReportsSendFailure(t *testing.T) {
	n := New(env(map[string]string{
		"NOTIFY_SOCKET": filepath.Join(t.TempDir(), "gone.sock"),
		"WATCHDOG_USEC": "100000",
	}))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := n.RunWatchdog(ctx, func() bool { return true }); err == nil {
		t.Fatal("RunWatchdog to a missing socket returned nil")
	}
}
