// Package sdnotify speaks systemd's service notification protocol
// (sd_notify(3)) without cgo: it tells systemd when opsd is ready, reloading
// or stopping, publishes a one-line status, and pings the service watchdog.
//
// A Notifier is built from the environment systemd sets for a Type=notify
// service (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID). Outside systemd,
// with no NOTIFY_SOCKET, every call does nothing and returns nil, so callers
// never need to ask whether they run under systemd.
package sdnotify

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// writeTimeout bounds one datagram send, so a wedged systemd cannot block
// the daemon.
const writeTimeout = 5 * time.Second

// Notifier sends state changes to systemd. The zero value and a nil
// *Notifier are valid and do nothing.
type Notifier struct {
	// socket is the notification socket address; "" disables every call.
	// A leading '@' names a Linux abstract socket.
	socket string
	// watchdog is the interval systemd expects pings within; 0 for none.
	watchdog time.Duration
}

// New builds a Notifier from the environment, read through getenv (pass
// os.Getenv; tests pass a map lookup). It reads NOTIFY_SOCKET for the
// socket, and WATCHDOG_USEC and WATCHDOG_PID for the watchdog: the watchdog
// is enabled only when WATCHDOG_USEC is a positive number and WATCHDOG_PID,
// when set, is this process's id.
func New(getenv func(key string) string) *Notifier {
	n := &Notifier{socket: getenv("NOTIFY_SOCKET")}
	if n.socket == "" {
		return n
	}
	usec, err := strconv.ParseUint(getenv("WATCHDOG_USEC"), 10, 63)
	if err != nil || usec == 0 {
		return n
	}
	if pid := getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return n
	}
	n.watchdog = time.Duration(usec) * time.Microsecond
	return n
}

// Enabled reports whether a notification socket is configured, that is
// whether opsd runs as a systemd notify service.
func (n *Notifier) Enabled() bool { return n != nil && n.socket != "" }

// Ready tells systemd that start-up has finished (READY=1). It is also sent
// after a reload has finished.
func (n *Notifier) Ready() error { return n.Notify("READY=1") }

// Stopping tells systemd that the service is shutting down (STOPPING=1).
func (n *Notifier) Stopping() error { return n.Notify("STOPPING=1") }

// Reloading tells systemd that the service is reloading its configuration
// (RELOADING=1, with MONOTONIC_USEC as systemd 253 and later expect). Send
// Ready once the reload has finished, whatever its outcome.
func (n *Notifier) Reloading() error {
	if usec, ok := monotonicUsec(); ok {
		return n.Notify("RELOADING=1", "MONOTONIC_USEC="+strconv.FormatUint(usec, 10))
	}
	return n.Notify("RELOADING=1")
}

// Status publishes a one-line, human-readable status shown by
// `systemctl status` (STATUS=…). Line breaks are replaced by spaces, so the
// text can never add other assignments.
func (n *Notifier) Status(status string) error {
	status = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(status)
	return n.Notify("STATUS=" + status)
}

// Watchdog pings the service watchdog (WATCHDOG=1).
func (n *Notifier) Watchdog() error { return n.Notify("WATCHDOG=1") }

// WatchdogInterval returns the interval systemd expects watchdog pings
// within (WatchdogSec=), and false when no watchdog is configured for this
// process.
func (n *Notifier) WatchdogInterval() (time.Duration, bool) {
	if !n.Enabled() || n.watchdog <= 0 {
		return 0, false
	}
	return n.watchdog, true
}

// RunWatchdog pings the watchdog at half its interval, starting at once,
// until ctx is done; it skips a ping whenever healthy returns false, so a
// daemon that stops being healthy is restarted by systemd. It returns nil at
// once when no watchdog is configured, nil when ctx is done, and the error
// of the first ping that could not be sent (the caller should log it: with
// pings stopped, systemd restarts the service after the interval).
func (n *Notifier) RunWatchdog(ctx context.Context, healthy func() bool) error {
	interval, ok := n.WatchdogInterval()
	if !ok {
		return nil
	}
	period := interval / 2
	if period <= 0 {
		period = interval
	}
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	for {
		if ctx.Err() != nil {
			return nil
		}
		if healthy == nil || healthy() {
			if err := n.Watchdog(); err != nil {
				return fmt.Errorf("systemd watchdog: %w", err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// Notify sends one datagram holding the given assignments (such as
// "READY=1"), one per line. It does nothing and returns nil when no
// notification socket is configured.
func (n *Notifier) Notify(assignments ...string) error {
	if !n.Enabled() || len(assignments) == 0 {
		return nil
	}
	msg := strings.Join(assignments, "\n")
	if strings.HasPrefix(n.socket, "vsock:") {
		return fmt.Errorf("send %q to systemd: vsock notification sockets are not supported", msg)
	}
	if !strings.HasPrefix(n.socket, "/") && !strings.HasPrefix(n.socket, "@") {
		return fmt.Errorf("send %q to systemd: NOTIFY_SOCKET %q is neither a path nor an abstract socket", msg, n.socket)
	}
	// The Go runtime maps a leading '@' to a Linux abstract socket name.
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: n.socket, Net: "unixgram"})
	if err != nil {
		return fmt.Errorf("send %q to systemd: %w", msg, err)
	}
	defer conn.Close()
	if err := conn.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return fmt.Errorf("send %q to systemd: %w", msg, err)
	}
	if _, err := conn.Write([]byte(msg)); err != nil {
		return fmt.Errorf("send %q to systemd: %w", msg, err)
	}
	return nil
}
