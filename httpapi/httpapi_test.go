package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/webpage"
)

func TestEndpoints(t *testing.T) {
	ready, why := false, "aws not reachable: no credentials"
	srv := httptest.NewServer(New(Handlers{
		Ready:  func() (bool, string) { return ready, why },
		Status: func() any { return map[string]any{"jobs": []string{"shutdown"}} },
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "opsd_job_runs_total 1\n")
		}),
		Access: webpage.Access{Listen: "127.0.0.1:9102"},
	}))
	defer srv.Close()

	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "no credentials") {
		t.Errorf("/readyz not ready = %d %s", code, body)
	}
	ready = true
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("/readyz ready = %d", code)
	}
	code, body := get("/status")
	var doc map[string]any
	if code != 200 || json.Unmarshal([]byte(body), &doc) != nil || doc["jobs"] == nil {
		t.Errorf("/status = %d %s", code, body)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "opsd_job_runs_total") {
		t.Errorf("/metrics = %d %s", code, body)
	}
	resp, err := http.Post(srv.URL+"/status", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /status = %d, want 405", resp.StatusCode)
	}
}

// handlers answers every endpoint with 200 and its name.
func handlers(a webpage.Access) Handlers {
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, name) })
	}
	return Handlers{
		Ready:   func() (bool, string) { return true, "" },
		Status:  func() any { return map[string]any{"accounts": []string{"111111111111"}} },
		Metrics: named("metrics"),
		Report:  named("report"),
		Page:    named("page"),
		Access:  a,
	}
}

func serve(h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	h.ServeHTTP(rec, req)
	return rec
}

// Beyond loopback, /, /status, /report and /metrics ask for the page's
// token; /healthz and /readyz stay open for the load balancer's and the
// orchestrator's probes; the metrics token opens /metrics only.
func TestEndpointsGuardedBeyondLoopback(t *testing.T) {
	const token, metricsToken = "page-token-0123456789", "metrics-token-9876543210"
	bearer := func(s string) map[string]string { return map[string]string{"Authorization": "Bearer " + s} }
	guarded := []string{"/", "/status", "/metrics", "/report", "/report?format=json", "/report/anything", "/nothing-here"}
	for _, listen := range []string{"0.0.0.0:9102", "[::]:9102", "10.0.1.23:9102", ":9102"} {
		h := New(handlers(webpage.Access{Listen: listen, Token: token, MetricsToken: metricsToken}))
		for _, path := range []string{"/healthz", "/readyz"} {
			if rec := serve(h, http.MethodGet, path, nil); rec.Code != http.StatusOK {
				t.Errorf("%s GET %s: %d, want 200", listen, path, rec.Code)
			}
		}
		for _, path := range guarded {
			if rec := serve(h, http.MethodGet, path, nil); rec.Code != http.StatusUnauthorized {
				t.Errorf("%s GET %s without the token: %d, want 401", listen, path, rec.Code)
			}
			if rec := serve(h, http.MethodPost, path, nil); rec.Code != http.StatusUnauthorized {
				t.Errorf("%s POST %s without the token: %d, want 401", listen, path, rec.Code)
			}
			want := http.StatusOK
			if path == "/report/anything" || path == "/nothing-here" {
				want = http.StatusNotFound
			}
			if rec := serve(h, http.MethodGet, path, bearer(token)); rec.Code != want {
				t.Errorf("%s GET %s with the token: %d, want %d", listen, path, rec.Code, want)
			}
			want = http.StatusUnauthorized
			if path == "/metrics" {
				want = http.StatusOK
			}
			if rec := serve(h, http.MethodGet, path, bearer(metricsToken)); rec.Code != want {
				t.Errorf("%s GET %s with the metrics token: %d, want %d", listen, path, rec.Code, want)
			}
		}
	}
	// Nothing configured: refused, saying which key to set.
	h := New(handlers(webpage.Access{Listen: "0.0.0.0:9102"}))
	for path, key := range map[string]string{"/": "http.token", "/status": "http.token", "/report": "http.alb_oidc_signer", "/metrics": "http.metrics_token"} {
		if rec := serve(h, http.MethodGet, path, nil); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), key) {
			t.Errorf("GET %s with nothing configured: %d %q, want 403 naming %s", path, rec.Code, rec.Body.String(), key)
		}
	}
	if rec := serve(h, http.MethodGet, "/healthz", nil); rec.Code != http.StatusOK {
		t.Errorf("GET /healthz with nothing configured: %d", rec.Code)
	}
	// The zero Access refuses all but the probes.
	h = New(handlers(webpage.Access{}))
	if rec := serve(h, http.MethodGet, "/status", nil); rec.Code != http.StatusForbidden {
		t.Errorf("GET /status with no Access: %d, want 403", rec.Code)
	}
	// On loopback, everything is open as before.
	h = New(handlers(webpage.Access{Listen: "127.0.0.1:9102", Token: token}))
	for _, path := range []string{"/", "/status", "/metrics", "/report"} {
		if rec := serve(h, http.MethodGet, path, nil); rec.Code != http.StatusOK {
			t.Errorf("loopback GET %s: %d, want 200", path, rec.Code)
		}
	}
}
