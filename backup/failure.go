package backup

import (
	"errors"

	"github.com/opsd-dev/opsd/awsenv"
)

// skipped is an action not attempted because one it depends on failed.
type skipped struct{ why string }

func (s *skipped) Error() string { return "not attempted: " + s.why }

// apiErrorText is "Code: message" for an AWS API error, else the error's
// text; request ids are left out, so the same failure reads the same on
// every reconcile.
func apiErrorText(err error) string {
	var s *skipped
	if errors.As(err, &s) {
		return s.Error()
	}
	return awsenv.ErrorText(err)
}
