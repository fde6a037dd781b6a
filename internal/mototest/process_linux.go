package mototest

import (
	"os/exec"
	"syscall"
)

// sysProcAttr puts moto_server in its own process group and has the kernel
// kill it when the test binary dies, so a panicking or timed-out test run
// leaves no server behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// kill ends moto_server and anything it started.
func kill(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	_ = cmd.Process.Kill()
}
