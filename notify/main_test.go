package notify

import (
	"os"
	"testing"

	"github.com/opsd-dev/opsd/internal/mototest"
)

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }
