package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// healthcheck runs the built binary's health check with env added and
// returns its exit code, output and how long it took.
func healthcheck(t *testing.T, bin, configPath string, env ...string) (int, string, string, time.Duration) {
	t.Helper()
	cmd := exec.Command(bin, "healthcheck", "--config", configPath)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String(), took
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String(), took
	}
	t.Fatalf("run opsd healthcheck: %v", err)
	return 0, "", "", 0
}

// oneLineSaying checks out is one line that contains want.
func oneLineSaying(t *testing.T, out, want string) {
	t.Helper()
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, want) {
		t.Errorf("output %q: want one line saying %q", out, want)
	}
}

func TestHealthcheckReadyDaemonExitsZero(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	bin := opsdbin.Build(t)
	addr := opsdbin.FreeAddr(t)
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nhttp: {listen: %q}\n", srv.URL(), addr))
	p := startOpsd(t, bin, path, addr)
	p.status(t, func(doc map[string]any) bool { return doc["ready"] == true })

	code, stdout, stderr, took := healthcheck(t, bin, path)
	if code != 0 {
		t.Fatalf("exit %d, want 0; stderr %q\nopsd output:\n%s", code, stderr, p.out.String())
	}
	oneLineSaying(t, stdout, "ready")
	if took > 2*time.Second {
		t.Errorf("took %s", took)
	}

	// In a container the daemon listens on 0.0.0.0 (OPSD_HTTP__LISTEN):
	// the check asks it on loopback.
	_, port, _ := net.SplitHostPort(addr)
	if code, _, stderr, _ := healthcheck(t, bin, path, "OPSD_HTTP__LISTEN=0.0.0.0:"+port); code != 0 {
		t.Errorf("with http.listen 0.0.0.0:%s: exit %d, want 0; stderr %q", port, code, stderr)
	}
}

func TestHealthcheckNotReadyDaemonExitsOne(t *testing.T) {
	mototest.SetCredentialsEnv(t)
	bin := opsdbin.Build(t)
	addr := opsdbin.FreeAddr(t)
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: \"http://127.0.0.1:1\", max_attempts: 1, call_timeout: 2s}\nhttp: {listen: %q}\n", addr))
	p := startOpsd(t, bin, path, addr)
	p.status(t, func(doc map[string]any) bool { return doc["ready"] == false })

	code, _, stderr, _ := healthcheck(t, bin, path)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, stderr)
	}
	oneLineSaying(t, stderr, "not ready: aws")
}

func TestHealthcheckNothingListeningExitsOne(t *testing.T) {
	bin := opsdbin.Build(t)
	addr := opsdbin.FreeAddr(t)
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2]}\nhttp: {listen: %q}\n", addr))
	code, _, stderr, _ := healthcheck(t, bin, path)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, stderr)
	}
	oneLineSaying(t, stderr, "no daemon answers at http://"+addr+"/readyz")
}

// A daemon that takes connections and never answers (hung) fails the
// check within a second.
func TestHealthcheckHungDaemonExitsOneWithinASecond(t *testing.T) {
	bin := opsdbin.Build(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2]}\nhttp: {listen: %q}\n", ln.Addr().String()))
	code, _, stderr, took := healthcheck(t, bin, path)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, stderr)
	}
	oneLineSaying(t, stderr, "did not answer http://"+ln.Addr().String()+"/readyz within 1s")
	if took > 2500*time.Millisecond {
		t.Errorf("a hung daemon held the check for %s", took)
	}
}

func TestHealthcheckUsageAndConfigErrorsExitTwo(t *testing.T) {
	bin := opsdbin.Build(t)
	for name, args := range map[string][]string{
		"no config":    {"healthcheck"},
		"unknown flag": {"healthcheck", "--config", writeConfig(t, "aws: {regions: [eu-west-2]}\n"), "--verbose"},
		"missing file": {"healthcheck", "--config", filepath.Join(t.TempDir(), "absent.yaml")},
		"invalid":      {"healthcheck", "--config", writeConfig(t, "aws: {regions: [eu-wset-2]}\n")},
		"port zero":    {"healthcheck", "--config", writeConfig(t, "aws: {regions: [eu-west-2]}\nhttp: {listen: \"127.0.0.1:0\"}\n")},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := exec.Command(bin, args...).CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != exitUsage {
				t.Errorf("%v: %v, want exit 2:\n%s", args, err, out)
			}
		})
	}
}

func TestHealthcheckAsksWildcardListenersOnLoopback(t *testing.T) {
	for listen, want := range map[string]string{
		"0.0.0.0:9102":   "http://127.0.0.1:9102/readyz",
		"[::]:9102":      "http://[::1]:9102/readyz",
		":9102":          "http://127.0.0.1:9102/readyz",
		"127.0.0.1:9102": "http://127.0.0.1:9102/readyz",
		"10.0.1.5:9102":  "http://10.0.1.5:9102/readyz",
	} {
		if got, err := readyURL(listen); err != nil || got != want {
			t.Errorf("readyURL(%q) = %q, %v; want %q", listen, got, err, want)
		}
	}
}
