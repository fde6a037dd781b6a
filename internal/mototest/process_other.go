//go:build !linux

package mototest

import (
	"os/exec"
	"syscall"
)

// sysProcAttr has nothing to add outside Linux: a test binary that dies
// without running Stop leaves moto_server behind there.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// kill ends moto_server.
func kill(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}
