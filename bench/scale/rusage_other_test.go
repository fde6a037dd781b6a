//go:build !linux

package scale

import "os"

// maxRSS is unknown off Linux.
func maxRSS(*os.ProcessState) int64 { return 0 }
