package mototest

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A test binary that dies without running Stop (a panic, a test timeout)
// must not leave moto_server behind.
func TestServerDiesWithTheTestBinary(t *testing.T) {
	if os.Getenv("MOTOTEST_CHILD") == "1" {
		srv := Shared(t)
		fmt.Printf("MOTO_PID=%d MOTO_LOG=%s\n", srv.cmd.Process.Pid, srv.logPath)
		panic("test binary dies without stopping moto_server")
	}
	if _, err := binary(); err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestServerDiesWithTheTestBinary$", "-test.v")
	cmd.Env = append(os.Environ(), "MOTOTEST_CHILD=1")
	out, _ := cmd.CombinedOutput()
	m := regexp.MustCompile(`MOTO_PID=(\d+) MOTO_LOG=(\S+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("child printed no moto pid:\n%s", out)
	}
	defer os.Remove(string(m[2])) // the dead binary could not remove it
	pid, _ := strconv.Atoi(string(m[1]))
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("moto_server %d still running after its test binary died", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// alive reports whether pid is a process that has not exited (a zombie
// has).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) state …
	s := string(stat)
	rest := s[strings.LastIndexByte(s, ')')+1:]
	return !strings.HasPrefix(strings.TrimSpace(rest), "Z")
}
