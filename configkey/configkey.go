// Package configkey is the error every service's configuration validation
// returns: a problem with one key, whose text starts with the key's full
// path, so check-config can say exactly where to look.
package configkey

import (
	"fmt"
	"strings"
)

// Error is a problem with one configuration key. Its text starts with the
// key's full path: `shutdown.schedules.office.periods[1].off: "25:00" is
// not a time of day (HH:MM)`.
type Error struct {
	// Path is the key, e.g. shutdown.holidays[2].
	Path string
	// Err says what is wrong with it.
	Err error
}

// Error returns "path: problem".
func (e *Error) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the problem.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error for path whose problem is formatted from format
// and args (%w wraps).
func Errorf(path, format string, args ...any) error {
	return &Error{Path: path, Err: fmt.Errorf(format, args...)}
}

// MaxTagKey is the longest tag key AWS accepts.
const MaxTagKey = 128

// CheckTagKey says what makes k unusable as a configured AWS tag key:
// empty, longer than AWS allows, in AWS's reserved aws: namespace, or with
// leading or trailing spaces; nil when it is usable.
func CheckTagKey(k string) error {
	switch {
	case k == "":
		return fmt.Errorf("must not be empty")
	case len(k) > MaxTagKey:
		return fmt.Errorf("%q is longer than an AWS tag key may be (%d)", k, MaxTagKey)
	case strings.HasPrefix(strings.ToLower(k), "aws:"):
		return fmt.Errorf("%q starts with aws:, which AWS reserves", k)
	case strings.TrimSpace(k) != k:
		return fmt.Errorf("%q has leading or trailing spaces", k)
	}
	return nil
}
