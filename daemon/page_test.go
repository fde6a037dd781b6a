package daemon

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
)

// The daemon serves the page for people at /: its jobs with their next
// run, and, once a run has finished, its outcome. Other paths are not the
// page.
func TestDaemonServesThePage(t *testing.T) {
	svc := &slowService{name: "quick", cron: "0 0 1 1 *", duration: time.Millisecond, started: make(chan struct{}, 1)}
	r := startDaemon(t, baseConfig, svc)
	defer func() {
		r.signals <- syscall.SIGTERM
		<-r.done
	}()
	var body string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + r.addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		body = string(b)
		if strings.Contains(body, `<td class="ok">ok`) && !strings.Contains(body, "(running)") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{"<td>quick</td>", "<code>0 0 1 1 *</code>", `<td class="ok">ok`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	resp, err := http.Get("http://" + r.addr + "/nothing-here")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nothing-here: %d, want 404", resp.StatusCode)
	}
}

// Beyond loopback (the shipped task definition listens on 0.0.0.0), every
// endpoint but /healthz and /readyz asks for the page's token; the token
// opens them, the metrics token opens /metrics only, and the ?token= login
// leaves a session cookie, not the token.
func TestDaemonGuardsEndpointsBeyondLoopback(t *testing.T) {
	const token, metricsToken = "page-token-0123456789", "metrics-token-9876543210"
	svc := &slowService{name: "quick", cron: "0 0 1 1 *", duration: time.Millisecond, started: make(chan struct{}, 1)}
	r := startDaemon(t, `
aws: {regions: [eu-west-2], endpoint_url: "%s"}
http: {listen: "0.0.0.0:0", token: "`+token+`", metrics_token: "`+metricsToken+`"}
scheduler: {grace_period: 10s}
`, svc)
	defer func() {
		r.signals <- syscall.SIGTERM
		<-r.done
	}()
	_, port, err := net.SplitHostPort(r.addr)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://127.0.0.1:" + port
	do := func(path string, header map[string]string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if resp := do(path, nil); resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			t.Errorf("GET %s without the token: %s, want it open", path, resp.Status)
		}
	}
	for _, path := range []string{"/", "/status", "/metrics", "/report", "/report?format=json"} {
		if resp := do(path, nil); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s without the token: %s, want 401", path, resp.Status)
		}
		if resp := do(path, map[string]string{"Authorization": "Bearer " + token}); resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			t.Errorf("GET %s with the token: %s", path, resp.Status)
		}
		metricsOnly := do(path, map[string]string{"Authorization": "Bearer " + metricsToken})
		if opened := metricsOnly.StatusCode != http.StatusUnauthorized; opened != (path == "/metrics") {
			t.Errorf("GET %s with the metrics token: %s", path, metricsOnly.Status)
		}
	}
	resp := do("/status?token="+token, map[string]string{"X-Forwarded-Proto": "https"})
	cookies := resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || len(cookies) == 0 {
		t.Fatalf("GET /status?token=: %s, cookies %v", resp.Status, cookies)
	}
	for _, c := range cookies {
		if strings.Contains(c.Value, token) {
			t.Errorf("cookie %s holds the token", c.Name)
		}
	}
	session := cookies[0]
	if !session.Secure || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie behind https: %s", resp.Header.Get("Set-Cookie"))
	}
	if resp := do("/status", map[string]string{"Cookie": session.Name + "=" + session.Value}); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /status with the session cookie: %s", resp.Status)
	}
}

// actingService reports the same actions every run.
type actingService struct {
	name    string
	actions []reconcile.Action
}

func (s *actingService) Name() string           { return s.name }
func (s *actingService) Schedule() string       { return "0 0 1 1 *" }
func (s *actingService) Timeout() time.Duration { return time.Minute }
func (s *actingService) Reconcile(context.Context, reconcile.Request) reconcile.Result {
	return reconcile.Result{Service: s.name, Actions: s.actions}
}

// pageOnceRun is the page once the daemon's job has run.
func pageOnceRun(t *testing.T, addr string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if body := string(b); strings.Contains(body, `<td class="ok">ok`) || time.Now().After(deadline) {
			return body
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The page lists what a run did, with its time, in its history of
// actions; the history is in the state store, so the next daemon (a
// restart, or the replica that leads next) still shows it after its own
// runs did nothing.
func TestDaemonPageKeepsTheHistoryOfActions(t *testing.T) {
	yaml := `
aws: {regions: [eu-west-2], endpoint_url: "%s"}
http: {listen: "127.0.0.1:0", history: 48h}
scheduler: {grace_period: 10s}
state: {path: "` + filepath.Join(t.TempDir(), "state.db") + `"}
`
	stopped := regexp.MustCompile(`<tr><td class="nw">\w{3} \d+ \w{3} \d\d:\d\d \w+</td><td>stopper</td><td>111111111111</td><td>eu-west-2</td><td>i-1 \(web-1\)</td><td><span class="muted">not known</span></td><td>stop</td><td class="done">done</td><td>off period default</td></tr>`)
	svc := &actingService{name: "stopper", actions: []reconcile.Action{
		{Service: "stopper", Account: "111111111111", Region: "eu-west-2", Resource: "i-1", Action: "stop", Status: reconcile.Done, Reason: "off period default", Details: map[string]string{"name": "web-1"}},
		{Service: "stopper", Account: "111111111111", Region: "eu-west-2", Resource: "i-2", Action: "none", Status: reconcile.Planned, Reason: "on period default"},
	}}
	for i, svc := range []*actingService{svc, {name: "stopper"}} {
		r := startDaemon(t, yaml, svc)
		body := pageOnceRun(t, r.addr)
		r.signals <- syscall.SIGTERM
		<-r.done
		if !stopped.MatchString(body) {
			t.Errorf("daemon %d: the page's recent actions lack the stop of i-1 with its time:\n%s", i+1, body)
		}
		if !strings.Contains(body, "over the last 2 days") || strings.Contains(body, "<td>i-2</td>") {
			t.Errorf("daemon %d: the history does not say its period (http.history: 48h), or lists a planned nothing", i+1)
		}
	}
}
