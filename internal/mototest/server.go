package mototest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ErrNotInstalled is returned by [Start] when no moto_server binary can be
// found.
var ErrNotInstalled = errors.New("moto_server not found on PATH (install it with pip install \"moto[server]\" or set MOTO_SERVER_BIN)")

// startTimeout bounds how long a moto_server may take to answer.
const startTimeout = 60 * time.Second

// startAttempts is how often a start is tried when another process took
// the chosen port first.
const startAttempts = 3

// Server is one moto_server process listening on a loopback port.
type Server struct {
	url     string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{} // closed once the process has exited
	stop    sync.Once
}

// Start runs a new moto_server on a free loopback port and waits until it
// answers. The caller must call [Server.Stop]. Most tests want [Shared]
// instead.
func Start(ctx context.Context) (*Server, error) {
	bin, err := binary()
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		srv, err := startOn(ctx, bin)
		if err == nil {
			return srv, nil
		}
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			return nil, err
		}
	}
}

// binary finds the moto_server executable: MOTO_SERVER_BIN, else PATH.
func binary() (string, error) {
	name := "moto_server"
	if v := os.Getenv("MOTO_SERVER_BIN"); v != "" {
		name = v
	}
	path, err := exec.LookPath(name)
	if err != nil {
		if name != "moto_server" {
			return "", fmt.Errorf("MOTO_SERVER_BIN=%s: %w: %v", name, ErrNotInstalled, err)
		}
		return "", ErrNotInstalled
	}
	return path, nil
}

// errPortTaken means moto_server could not bind the port it was given.
var errPortTaken = errors.New("port already in use")

// startOn starts one moto_server on a port that was free a moment ago.
func startOn(ctx context.Context, bin string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile, err := os.CreateTemp("", "moto_server-*.log")
	if err != nil {
		return nil, fmt.Errorf("create moto_server log: %w", err)
	}
	defer logFile.Close()

	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Env = append(os.Environ(), "PYTHONUNBUFFERED=1")
	cmd.SysProcAttr = sysProcAttr()
	s := &Server{
		url:     "http://127.0.0.1:" + strconv.Itoa(port),
		cmd:     cmd,
		logPath: logFile.Name(),
		exited:  make(chan struct{}),
	}
	if err := s.run(); err != nil {
		os.Remove(s.logPath)
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	if err := s.waitReady(ctx); err != nil {
		log := s.Log()
		s.Stop()
		if strings.Contains(log, "Address already in use") {
			return nil, fmt.Errorf("moto_server on port %d: %w", port, errPortTaken)
		}
		return nil, fmt.Errorf("moto_server on port %d: %w\n--- moto_server output ---\n%s", port, err, tail(log, 4000))
	}
	return s, nil
}

// run starts the process from a goroutine locked to its OS thread for the
// life of the process: the parent-death signal (Linux) follows the thread
// that started the child, so the thread must outlive it.
func (s *Server) run() error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := s.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	return <-started
}

// waitReady polls the moto API until it answers, the process exits or the
// start timeout passes.
func (s *Server) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if s.answers(ctx, client) {
			return nil
		}
		select {
		case <-s.exited:
			return errors.New("exited before answering")
		case <-ctx.Done():
			return fmt.Errorf("no answer: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// answers reports whether the moto API answers with its (JSON) state dump;
// a different server that took the port would not.
func (s *Server) answers(ctx context.Context, client *http.Client) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"/moto-api/data.json", nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return err == nil && resp.StatusCode == http.StatusOK && json.Valid(body)
}

// freePort returns a loopback TCP port that was free when asked.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free loopback port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the server's base URL, e.g. http://127.0.0.1:40123.
func (s *Server) URL() string { return s.url }

// Config returns SDK configuration whose calls go to this server; see
// [Config].
func (s *Server) Config(region string) aws.Config { return Config(s.url, region) }

// Reset clears all of moto's state (POST /moto-api/reset). Tests sharing a
// server call it first.
func (s *Server) Reset(tb testing.TB) {
	tb.Helper()
	if err := s.reset(context.Background()); err != nil {
		tb.Fatalf("mototest: %v", err)
	}
}

func (s *Server) reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/moto-api/reset", nil)
	if err != nil {
		return fmt.Errorf("reset moto: %w", err)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("reset moto: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4000))
		return fmt.Errorf("reset moto: %s: %s", resp.Status, body)
	}
	return nil
}

// Log returns the end of moto_server's output (its request log and any
// Python tracebacks), for diagnosing a 500 from moto.
func (s *Server) Log() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return fmt.Sprintf("(read moto_server log: %v)", err)
	}
	return tail(string(b), 64<<10)
}

// Stop kills the process and removes its log. It is safe to call more than
// once.
func (s *Server) Stop() {
	s.stop.Do(func() {
		kill(s.cmd)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
		}
		os.Remove(s.logPath)
	})
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
