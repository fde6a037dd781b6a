package daemon

import (
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
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
