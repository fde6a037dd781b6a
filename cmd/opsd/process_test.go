package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/opsdbin"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// These tests run the built opsd binary as a process and send it real
// signals.

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type process struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	addr string
	done chan error
}

func startOpsd(t *testing.T, bin, configPath, addr string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, "run", "--config", configPath), out: &lockedBuffer{}, addr: addr, done: make(chan error, 1)}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
	})
	return p
}

// status polls /status until cond holds or the deadline passes.
func (p *process) status(t *testing.T, cond func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var doc map[string]any
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + p.addr + "/status"); err == nil {
			doc = nil
			_ = json.NewDecoder(resp.Body).Decode(&doc)
			resp.Body.Close()
			if doc != nil && cond(doc) {
				return doc
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("status never matched; last %v\nopsd output:\n%s", doc, p.out.String())
	return nil
}

func jobRunning(doc map[string]any) bool {
	jobs, _ := doc["jobs"].([]any)
	for _, j := range jobs {
		if m, _ := j.(map[string]any); m != nil && m["running"] == true {
			return true
		}
	}
	return false
}

func TestProcessSIGTERMLetsTheRunningReconcileFinish(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	client := ec2.NewFromConfig(srv.Config("eu-west-2"))
	estate(t, client)
	// Every DescribeInstances takes two seconds: a long reconcile.
	proxy := mototest.NewProxy(t, srv.URL())
	proxy.Handle("DescribeInstances", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Second)
		proxy.Forward(w, r)
	})
	addr := opsdbin.FreeAddr(t)
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nhttp: {listen: %q}\nscheduler: {grace_period: 30s}\nshutdown: {enabled: true}\n", proxy.URL(), addr))
	p := startOpsd(t, opsdbin.Build(t), path, addr)

	p.status(t, jobRunning)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("opsd exited with %v after SIGTERM:\n%s", err, p.out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("opsd did not exit within the grace period:\n%s", p.out.String())
	}
	out := p.out.String()
	if !strings.Contains(out, `"msg":"job run","job":"shutdown","outcome":"ok"`) {
		t.Errorf("the running reconcile did not finish ok before exit:\n%s", out)
	}
	if !strings.Contains(out, `"msg":"opsd stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", out)
	}
}

func TestProcessSIGHUPWithBrokenConfigKeepsRunning(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	addr := opsdbin.FreeAddr(t)
	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nhttp: {listen: %q}\nshutdown: {enabled: true}\n", srv.URL(), addr))
	p := startOpsd(t, opsdbin.Build(t), path, addr)
	p.status(t, func(doc map[string]any) bool { return doc["jobs"] != nil })

	if err := os.WriteFile(path, []byte("aws: {regions: [eu-wset-2]}\nshutdown: {enabled: maybe}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	doc := p.status(t, func(doc map[string]any) bool { return doc["last_reload"] != nil })
	reload := doc["last_reload"].(map[string]any)
	if reload["ok"] != false || !strings.Contains(fmt.Sprint(reload["error"]), "aws.regions[0]") {
		t.Fatalf("last_reload = %v", reload)
	}
	select {
	case err := <-p.done:
		t.Fatalf("opsd exited after a broken reload: %v\n%s", err, p.out.String())
	default:
	}
	if services := fmt.Sprint(doc["services"]); services != "[shutdown]" {
		t.Errorf("services after the refused reload = %s, want the old [shutdown]", services)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("opsd did not stop")
	}
}
