package configkey

import (
	"errors"
	"io/fs"
	"testing"
)

func TestErrorNamesThePathAndWraps(t *testing.T) {
	err := Errorf("backup.policies.Prod.retention", "must be at least %d days: %w", 7, fs.ErrInvalid)
	if got, want := err.Error(), "backup.policies.Prod.retention: must be at least 7 days: invalid argument"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var ke *Error
	if !errors.As(err, &ke) || ke.Path != "backup.policies.Prod.retention" {
		t.Errorf("errors.As = %v, path %+v", errors.As(err, &ke), ke)
	}
	if !errors.Is(err, fs.ErrInvalid) {
		t.Error("the wrapped problem is lost")
	}
}
