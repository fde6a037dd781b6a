package webpage

import (
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const (
	pageToken    = "page-token-0123456789"
	metricsToken = "metrics-token-9876543210"
)

// serveWith serves one request to the handler and returns the recorder.
func serveWith(h http.Handler, target string, header map[string]string, tweak ...func(*http.Request)) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for _, f := range tweak {
		f(req)
	}
	h.ServeHTTP(rec, req)
	return rec
}

// login opens target?token= and returns the session cookie set.
func login(t *testing.T, h http.Handler, target string, header map[string]string, tweak ...func(*http.Request)) *http.Cookie {
	t.Helper()
	rec := serveWith(h, target+"?token="+pageToken, header, tweak...)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("login: %d", rec.Code)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	t.Fatalf("login set no session cookie: %q", rec.Header().Values("Set-Cookie"))
	return nil
}

// The ?token= login sets a signed, expiring session: never the token, Secure
// when the visitor came over https (to opsd, or to the ALB in front),
// HttpOnly and SameSite=Strict.
func TestLoginSetsASessionNotTheToken(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	a := Access{Listen: "0.0.0.0:9102", Token: pageToken, Now: func() time.Time { return now }}
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "page") })
	page := a.Guard(ok)
	for _, c := range []struct {
		name   string
		header map[string]string
		tweak  []func(*http.Request)
		secure bool
	}{
		{"plain http", nil, nil, false},
		{"https through the ALB", map[string]string{"X-Forwarded-Proto": "https"}, nil, true},
		{"https through two proxies", map[string]string{"X-Forwarded-Proto": "HTTPS, http"}, nil, true},
		{"http through the ALB", map[string]string{"X-Forwarded-Proto": "http"}, nil, false},
		{"TLS to opsd", nil, []func(*http.Request){func(r *http.Request) { r.TLS = &tls.ConnectionState{} }}, true},
	} {
		s := login(t, page, "/", c.header, c.tweak...)
		if strings.Contains(s.Value, pageToken) || strings.Contains(s.Raw, pageToken) {
			t.Errorf("%s: the cookie holds the token: %s", c.name, s.Raw)
		}
		if s.Secure != c.secure || !s.HttpOnly || s.SameSite != http.SameSiteStrictMode || s.Path != "/" || s.MaxAge != int(SessionTTL/time.Second) {
			t.Errorf("%s: cookie %s, want Secure=%v, HttpOnly, SameSite=Strict, Path=/, Max-Age 12 h", c.name, s.Raw, c.secure)
		}
		if rec := serveWith(page, "/", map[string]string{"Cookie": sessionCookie + "=" + s.Value}); rec.Code != http.StatusOK {
			t.Errorf("%s: the session opens nothing: %d", c.name, rec.Code)
		}
	}
}

// A session is refused once expired, when tampered with, when signed with
// another token (so changing http.token ends every session), and is
// accepted by another replica with the same token.
func TestSessionRefusedWhenTamperedOrExpired(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "page") })
	page := Access{Listen: "0.0.0.0:9102", Token: pageToken, Now: clock}.Guard(ok)
	s := login(t, page, "/", nil).Value
	exp, mac, _ := strings.Cut(s, ".")
	flip := func(v string) string {
		b := []byte(v)
		b[len(b)-1] ^= 1
		return string(b)
	}
	later := func(d time.Duration) func(*http.Request) {
		return func(*http.Request) { now = now.Add(d) }
	}
	for _, c := range []struct {
		name  string
		h     http.Handler
		value string
		want  int
	}{
		{"as issued", page, s, 200},
		{"another replica, same token", Access{Listen: "[::]:9102", Token: pageToken, Now: clock}.Guard(ok), s, 200},
		{"expiry moved later", page, "9" + exp + "." + mac, 401},
		{"signature changed", page, exp + "." + flip(mac), 401},
		{"signature only", page, mac, 401},
		{"empty", page, "", 401},
		{"the token rotated", Access{Listen: "0.0.0.0:9102", Token: pageToken + "-new", Now: clock}.Guard(ok), s, 401},
	} {
		if rec := serveWith(c.h, "/", map[string]string{"Cookie": sessionCookie + "=" + c.value}); rec.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, rec.Code, c.want)
		}
	}
	if rec := serveWith(page, "/", map[string]string{"Cookie": sessionCookie + "=" + s}, later(SessionTTL-time.Second)); rec.Code != 200 {
		t.Errorf("a second before expiry: %d, want 200", rec.Code)
	}
	if rec := serveWith(page, "/", map[string]string{"Cookie": sessionCookie + "=" + s}, later(time.Second)); rec.Code != 401 {
		t.Errorf("expired: %d, want 401", rec.Code)
	}
}

// A visitor with the cookie earlier versions kept the raw token in has it
// removed.
func TestLegacyTokenCookieRemoved(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "page") })
	page := Access{Listen: "0.0.0.0:9102", Token: pageToken}.Guard(ok)
	rec := serveWith(page, "/?token="+pageToken, map[string]string{"Cookie": legacyCookie + "=" + pageToken})
	var removed bool
	for _, c := range rec.Result().Cookies() {
		removed = removed || (c.Name == legacyCookie && c.MaxAge < 0 && c.Value == "")
	}
	if rec.Code != http.StatusSeeOther || !removed {
		t.Errorf("%d, Set-Cookie %q: want the opsd_token cookie removed", rec.Code, rec.Header().Values("Set-Cookie"))
	}
}

// /metrics beyond loopback: the metrics token or whatever opens the page;
// with none of them configured, refused, naming the key to set.
func TestMetricsAccessBeyondLoopback(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "opsd_job_runs_total 1\n") })
	keys := newALBKeys(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	alb := &ALBVerifier{Signer: testALB, KeysURL: keys.srv.URL + "/", Now: func() time.Time { return now }}
	bearerOf := func(s string) map[string]string { return map[string]string{"Authorization": "Bearer " + s} }
	both := Access{Listen: "0.0.0.0:9102", Token: pageToken, MetricsToken: metricsToken}
	for _, c := range []struct {
		name   string
		a      Access
		target string
		header map[string]string
		want   int
		body   string
	}{
		{"loopback", Access{Listen: "127.0.0.1:9102"}, "/metrics", nil, 200, ""},
		{"nothing configured", Access{Listen: "0.0.0.0:9102"}, "/metrics", nil, 403, "http.metrics_token"},
		{"metrics token only, none given", Access{Listen: "0.0.0.0:9102", MetricsToken: metricsToken}, "/metrics", nil, 401, "metrics token"},
		{"metrics token only, given", Access{Listen: "0.0.0.0:9102", MetricsToken: metricsToken}, "/metrics", bearerOf(metricsToken), 200, ""},
		{"metrics token only, wrong", Access{Listen: "0.0.0.0:9102", MetricsToken: metricsToken}, "/metrics", bearerOf(pageToken), 401, ""},
		{"metrics token, lower-case scheme", both, "/metrics", map[string]string{"Authorization": "bearer " + metricsToken}, 200, ""},
		{"both, none given", both, "/metrics", nil, 401, ""},
		{"both, metrics token", both, "/metrics", bearerOf(metricsToken), 200, ""},
		{"both, page token", both, "/metrics", bearerOf(pageToken), 200, ""},
		{"both, a longer token", both, "/metrics", bearerOf(metricsToken + "x"), 401, ""},
		{"page token only, given", Access{Listen: "0.0.0.0:9102", Token: pageToken}, "/metrics", bearerOf(pageToken), 200, ""},
		{"ALB identity", Access{Listen: "0.0.0.0:9102", MetricsToken: metricsToken, ALB: alb}, "/metrics",
			map[string]string{"X-Amzn-Oidc-Data": keys.token(t, testALB, now.Add(time.Minute), keys.key)}, 200, ""},
	} {
		rec := serveWith(c.a.GuardMetrics(metrics), c.target, c.header)
		if rec.Code != c.want || !strings.Contains(rec.Body.String(), c.body) {
			t.Errorf("%s: %d %q, want %d with %q", c.name, rec.Code, rec.Body.String(), c.want, c.body)
		}
		if strings.Contains(rec.Body.String(), metricsToken) || strings.Contains(rec.Body.String(), pageToken) && c.want != 200 {
			t.Errorf("%s: the answer holds a token", c.name)
		}
	}
	// The metrics token opens /metrics only.
	page := both.Guard(metrics)
	if rec := serveWith(page, "/status", bearerOf(metricsToken)); rec.Code != http.StatusUnauthorized {
		t.Errorf("the metrics token opened /status: %d", rec.Code)
	}
	if rec := serveWith(page, "/status?token="+metricsToken, nil); rec.Code != http.StatusUnauthorized || len(rec.Result().Cookies()) != 0 {
		t.Errorf("the metrics token as ?token= logged in: %d", rec.Code)
	}
}

// The login's redirect stays on opsd.
func TestLoginRedirectStaysOnOpsd(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "page") })
	page := Access{Listen: "0.0.0.0:9102", Token: pageToken}.Guard(ok)
	rec := serveWith(page, "/", nil, func(r *http.Request) { r.URL.Path = "//evil.example.com/x"; r.URL.RawQuery = "token=" + pageToken })
	if loc := rec.Header().Get("Location"); rec.Code != http.StatusSeeOther || loc != "/evil.example.com/x" {
		t.Errorf("%d Location %q, want a path on opsd", rec.Code, loc)
	}
}
