package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/opsdbin"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/reconcile"
)

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

// slowService is a service whose reconcile takes a set time, for signal tests.
type slowService struct {
	name     string
	cron     string
	duration time.Duration
	started  chan struct{}
	finished atomic.Int32
	runs     atomic.Int32
}

func (s *slowService) Name() string           { return s.name }
func (s *slowService) Schedule() string       { return s.cron }
func (s *slowService) Timeout() time.Duration { return time.Minute }
func (s *slowService) Reconcile(ctx context.Context, req reconcile.Request) reconcile.Result {
	s.runs.Add(1)
	select {
	case s.started <- struct{}{}:
	default:
	}
	select {
	case <-time.After(s.duration):
		s.finished.Add(1)
		return reconcile.Result{Service: s.name}
	case <-ctx.Done():
		return reconcile.Result{Service: s.name, Errors: []error{ctx.Err()}}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type running struct {
	signals chan os.Signal
	done    chan error
	addr    string
	log     *syncBuffer
	path    string
}

func startDaemon(t *testing.T, yaml string, svc reconcile.Service) *running {
	t.Helper()
	srv := mototest.Shared(t)
	mototest.SetCredentialsEnv(t)
	path := filepath.Join(t.TempDir(), "opsd.yaml")
	writeFile(t, path, fmt.Sprintf(yaml, srv.URL()))
	r := &running{signals: make(chan os.Signal, 1), done: make(chan error, 1), log: &syncBuffer{}, path: path}
	listening := make(chan string, 1)
	go func() {
		r.done <- Run(context.Background(), Options{
			ConfigPath:    path,
			Log:           r.log,
			Signals:       r.signals,
			Listening:     func(a string) { listening <- a },
			ReadyInterval: 100 * time.Millisecond,
			Build:         func(*Env) ([]reconcile.Service, error) { return []reconcile.Service{svc}, nil },
		})
	}()
	select {
	case r.addr = <-listening:
	case err := <-r.done:
		t.Fatalf("daemon exited at start: %v\n%s", err, r.log.String())
	case <-time.After(20 * time.Second):
		t.Fatal("daemon did not start listening")
	}
	return r
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(opsdbin.WithState(t, content)), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (r *running) get(t *testing.T, path string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get("http://" + r.addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var doc map[string]any
	_ = json.Unmarshal(body, &doc)
	return resp.StatusCode, doc
}

const baseConfig = `
aws: {regions: [eu-west-2], endpoint_url: "%s"}
http: {listen: "127.0.0.1:0"}
scheduler: {grace_period: 10s}
`

func TestSIGTERMLetsARunningJobFinish(t *testing.T) {
	svc := &slowService{name: "slow", cron: "* * * * * *", duration: 1500 * time.Millisecond, started: make(chan struct{}, 1)}
	r := startDaemon(t, baseConfig, svc)
	select {
	case <-svc.started:
	case <-time.After(5 * time.Second):
		t.Fatal("job never started")
	}
	r.signals <- syscall.SIGTERM
	select {
	case err := <-r.done:
		if err != nil {
			t.Fatalf("daemon returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("daemon did not stop within the grace period")
	}
	if svc.finished.Load() < 1 {
		t.Fatalf("the running job was not allowed to finish:\n%s", r.log.String())
	}
	if !strings.Contains(r.log.String(), `"msg":"opsd stopped"`) {
		t.Errorf("no stop record in the log:\n%s", r.log.String())
	}
}

func TestSIGHUPWithBrokenConfigKeepsTheOldOne(t *testing.T) {
	svc := &slowService{name: "quick", cron: "0 0 1 1 *", duration: time.Millisecond, started: make(chan struct{}, 1)}
	r := startDaemon(t, baseConfig, svc)
	defer func() {
		r.signals <- syscall.SIGTERM
		<-r.done
	}()

	writeFile(t, r.path, "aws: {regions: [eu-wset-2]}\nbogus: 1\n")
	r.signals <- syscall.SIGHUP
	var doc map[string]any
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		_, doc = r.get(t, "/status")
		if doc["last_reload"] != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	reload, _ := doc["last_reload"].(map[string]any)
	if reload == nil || reload["ok"] != false || !strings.Contains(fmt.Sprint(reload["error"]), "aws.regions[0]") {
		t.Fatalf("last_reload = %v", doc["last_reload"])
	}
	if code, _ := r.get(t, "/healthz"); code != 200 {
		t.Fatalf("daemon not healthy after a refused reload: %d", code)
	}
	jobs, _ := doc["jobs"].([]any)
	if len(jobs) != 1 {
		t.Fatalf("jobs after refused reload = %v", doc["jobs"])
	}
	if !strings.Contains(r.log.String(), "configuration reload refused") {
		t.Errorf("refusal not logged:\n%s", r.log.String())
	}
}

func TestReadyzAndStatus(t *testing.T) {
	svc := &slowService{name: "quick", cron: "0 0 1 1 *", duration: time.Millisecond, started: make(chan struct{}, 1)}
	r := startDaemon(t, baseConfig+"notify: {slack: {token: xoxb-must-not-show, channel: C1, api_url: 'http://127.0.0.1:1/api/'}}\n", svc)
	defer func() {
		r.signals <- syscall.SIGTERM
		<-r.done
	}()
	deadline := time.Now().Add(10 * time.Second)
	code := 0
	for time.Now().Before(deadline) {
		if code, _ = r.get(t, "/readyz"); code == 200 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != 200 {
		t.Fatalf("/readyz = %d, want 200 with moto reachable", code)
	}
	resp, err := http.Get("http://" + r.addr + "/status")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "xoxb-must-not-show") || strings.Contains(r.log.String(), "xoxb-must-not-show") {
		t.Fatal("slack token leaked into /status or the log")
	}
	var doc struct {
		Jobs []struct {
			Name    string    `json:"name"`
			NextRun time.Time `json:"next_run"`
		} `json:"jobs"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || len(doc.Jobs) != 1 || doc.Jobs[0].Name != "quick" || doc.Jobs[0].NextRun.IsZero() {
		t.Fatalf("/status = %s (%v)", body, err)
	}
	if code, _ := r.get(t, "/metrics"); code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
}

func TestReadyzFalseWhenAWSUnreachable(t *testing.T) {
	svc := &slowService{name: "quick", cron: "0 0 1 1 *", duration: time.Millisecond, started: make(chan struct{}, 1)}
	r := startDaemon(t, strings.Replace(baseConfig, `endpoint_url: "%s"`, `endpoint_url: "http://127.0.0.1:1", max_attempts: 1, call_timeout: 2s`, 1)+"# %s\n", svc)
	defer func() {
		r.signals <- syscall.SIGTERM
		<-r.done
	}()
	time.Sleep(500 * time.Millisecond)
	code, doc := r.get(t, "/readyz")
	if code != 503 || !strings.Contains(fmt.Sprint(doc["reason"]), "aws") {
		t.Fatalf("/readyz = %d %v, want 503 naming aws", code, doc)
	}
}

// A daemon with no service enabled starts, and says at start and in
// /status that it runs nothing.
func TestNoServiceEnabledIsWarned(t *testing.T) {
	srv := mototest.Shared(t)
	mototest.SetCredentialsEnv(t)
	path := filepath.Join(t.TempDir(), "opsd.yaml")
	writeFile(t, path, fmt.Sprintf(baseConfig, srv.URL()))
	r := &running{signals: make(chan os.Signal, 1), done: make(chan error, 1), log: &syncBuffer{}, path: path}
	listening := make(chan string, 1)
	go func() {
		r.done <- Run(context.Background(), Options{ConfigPath: path, Log: r.log, Signals: r.signals, Listening: func(a string) { listening <- a }})
	}()
	select {
	case r.addr = <-listening:
	case err := <-r.done:
		t.Fatalf("daemon exited at start: %v\n%s", err, r.log.String())
	}
	defer func() {
		r.signals <- syscall.SIGTERM
		<-r.done
	}()
	_, doc := r.get(t, "/status")
	if services, ok := doc["services"].([]any); !ok || len(services) != 0 {
		t.Errorf("/status services = %#v, want []", doc["services"])
	}
	if w, _ := doc["warning"].(string); !strings.Contains(w, "no service is enabled") {
		t.Errorf("/status warning = %q", w)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(r.log.String(), "no service is enabled") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(r.log.String(), `"level":"WARN","msg":"no service is enabled`) {
		t.Errorf("no warning at start:\n%s", r.log.String())
	}
}
