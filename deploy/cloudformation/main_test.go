package cloudformation_test

import (
	"os"
	"testing"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

func TestMain(m *testing.M) {
	code := mototest.Run(m)
	opsdbin.Remove()
	os.Exit(code)
}
