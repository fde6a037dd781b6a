package terraform_test

import (
	"os"
	"testing"

	"github.com/opsd-dev/opsd/internal/opsdbin"
)

func TestMain(m *testing.M) {
	code := m.Run()
	opsdbin.Remove()
	os.Exit(code)
}
