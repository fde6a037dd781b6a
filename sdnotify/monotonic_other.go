//go:build !linux

package sdnotify

// monotonicUsec is unavailable off Linux, where there is no systemd; the
// MONOTONIC_USEC field is then left out.
func monotonicUsec() (uint64, bool) { return 0, false }
