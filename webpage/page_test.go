package webpage

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/scheduler"
	"github.com/opsd-dev/opsd/state"
)

var t0 = time.Date(2026, 11, 24, 19, 5, 0, 0, time.UTC)

func shutdownResult(running, stopped int) reconcile.Result {
	res := reconcile.Result{Service: "shutdown"}
	for i := range running + stopped {
		a := reconcile.Action{Service: "shutdown", Account: "111111111111", Region: "eu-west-2", Resource: "i-" + string(rune('a'+i)),
			Action: "none", Status: reconcile.Planned, Reason: "on period default",
			Details: map[string]string{"schedule": "default", "state": "running", "name": "web-" + string(rune('a'+i)), "team_email": "payments@example.com"}}
		if i >= running {
			a.Action, a.Status, a.Reason = "stop", reconcile.Done, "off period default (Tue 19:00 → Wed 07:00 Europe/London)"
		}
		res.Actions = append(res.Actions, a)
	}
	return res
}

// testSource is a page source with a shutdown and a backup result, a week
// of hourly points and the history of the last run's stops, kept in a
// state store.
func testSource(t *testing.T) (Source, state.Keeper) {
	t.Helper()
	store := state.NewTolerant(state.NewMemory(), nil)
	series := NewSeries(store)
	latest := &Latest{}
	ctx := context.Background()
	for h := 7*24 - 1; h >= 0; h-- {
		at := t0.Add(-time.Duration(h) * time.Hour)
		running := 4
		if hr := at.Hour(); hr >= 19 || hr < 7 {
			running = 1
		}
		series.Observe(ctx, at, shutdownResult(running, 4-running))
	}
	backup := reconcile.Result{Service: "backup", Actions: []reconcile.Action{{Service: "backup", Account: "111111111111", Region: "eu-west-2",
		Resource: "i-b", Action: "report", Status: reconcile.Reported, Reason: "no BackupPolicy tag", Details: map[string]string{"name": "web-b"}}}}
	// As the daemon does with each run's result (daemon/page.go).
	for _, res := range []reconcile.Result{shutdownResult(1, 3), backup} {
		latest.Observe(ctx, t0, res)
		series.History().Observe(ctx, t0, res, 0, latest.Owners())
	}
	jobs := func() []scheduler.JobStatus {
		return []scheduler.JobStatus{{Name: "shutdown", Cron: "*/5 * * * *", NextRun: t0.Add(5 * time.Minute),
			LastRun: &scheduler.Run{Job: "shutdown", Start: t0, End: t0.Add(time.Second), Outcome: scheduler.OutcomeOK, Counts: map[string]int{"done": 3}}}}
	}
	return Source{Jobs: jobs, Latest: latest, Series: series, Location: time.UTC, Version: "v0.2.0"}, store
}

func get(t *testing.T, h http.Handler, target string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

func TestPageShowsServicesRecentActionsAndTheChart(t *testing.T) {
	src, _ := testSource(t)
	code, body := get(t, Handler(src), "/")
	if code != http.StatusOK {
		t.Fatalf("GET /: %d", code)
	}
	for _, want := range []string{
		"<td>shutdown</td><td><code>*/5 * * * *</code></td><td>Tue 24 Nov 19:05 UTC</td>", "3 done", "Tue 24 Nov 19:10 UTC",
		"i-b (web-b)", "no BackupPolicy tag", "off period default (Tue 19:00 → Wed 07:00 Europe/London)",
		`<svg id="running-chart"`, "Tue 24 Nov 19:00: 1 of 4 running", "Highest: 4.",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(body, "<rect "); n != 7*24 {
		t.Errorf("%d bars, want one per hour of the week (168)", n)
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Error("the page has a script or an external reference")
	}
	// A planned nothing is not a recent action.
	if strings.Contains(body, "<td>i-a (web-a)</td><td>none</td>") {
		t.Error("recent actions list a resource opsd did nothing to")
	}
}

func TestPageSearchShowsOneResourceAcrossServices(t *testing.T) {
	src, _ := testSource(t)
	_, body := get(t, Handler(src), "/?q=web-b")
	i := strings.Index(body, `<h2 id="search">`)
	j := strings.Index(body, "<h2>Services</h2>")
	if i < 0 || j < i {
		t.Fatalf("no search section:\n%s", body)
	}
	found := body[i:j]
	for _, want := range []string{"i-b (web-b)", "account 111111111111 region eu-west-2", "<td>shutdown</td><td>stop</td>", "<td>backup</td><td>report</td>", "schedule default"} {
		if !strings.Contains(found, want) {
			t.Errorf("search for web-b lacks %q:\n%s", want, found)
		}
	}
	if strings.Contains(found, "web-c") {
		t.Error("search for web-b shows web-c")
	}
	_, body = get(t, Handler(src), "/?q=payments@example.com")
	if strings.Count(body, `<div class="card">`) != 4 {
		t.Errorf("search by team: %d resources, want the 4 of the team", strings.Count(body, `<div class="card">`))
	}
	_, body = get(t, Handler(src), "/?q=%3Cscript%3E")
	if strings.Contains(body, "<script>") || !strings.Contains(body, `No resource opsd acts on matches "&lt;script&gt;"`) {
		t.Error("the query is not escaped")
	}
}

// The chart's points survive a restart through the state store.
func TestSeriesIsKeptInTheStateStore(t *testing.T) {
	_, store := testSource(t)
	again := NewSeries(store)
	p := again.Points(context.Background())
	if len(p) != 7*24 || p[len(p)-1].Running != 1 || p[len(p)-1].Total != 4 {
		t.Fatalf("after a restart: %d points, last %+v", len(p), p[len(p)-1])
	}
	// A week later, the old points are gone.
	again.Observe(context.Background(), t0.Add(7*24*time.Hour), shutdownResult(4, 0))
	if p := again.Points(context.Background()); len(p) != 1 {
		t.Errorf("a week on: %d points, want the new one only", len(p))
	}
}

func TestAccessBeyondLoopback(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "page") })
	for _, c := range []struct {
		name   string
		a      Access
		target string
		header map[string]string
		want   int
	}{
		{"loopback", Access{Listen: "127.0.0.1:9102"}, "/", nil, 200},
		{"elsewhere, nothing set", Access{Listen: "0.0.0.0:9102"}, "/", nil, 403},
		{"token missing", Access{Listen: "0.0.0.0:9102", Token: "s3cret"}, "/", nil, 401},
		{"token wrong", Access{Listen: "0.0.0.0:9102", Token: "s3cret"}, "/", map[string]string{"Authorization": "Bearer nope"}, 401},
		{"bearer token", Access{Listen: "0.0.0.0:9102", Token: "s3cret"}, "/", map[string]string{"Authorization": "Bearer s3cret"}, 200},
		{"token in the address: cookie, redirect", Access{Listen: "0.0.0.0:9102", Token: "s3cret"}, "/?q=x&token=s3cret", nil, 303},
		{"the raw token as a cookie (as earlier versions kept it)", Access{Listen: "0.0.0.0:9102", Token: "s3cret"}, "/", map[string]string{"Cookie": "opsd_token=s3cret"}, 401},
		{"ALB OIDC, a forged identity header only", Access{Listen: "[::]:9102", ALB: &ALBVerifier{Signer: "arn:x"}}, "/", map[string]string{"X-Amzn-Oidc-Identity": "alice"}, 401},
		{"ALB OIDC without the header", Access{Listen: "[::]:9102", ALB: &ALBVerifier{Signer: "arn:x"}}, "/", nil, 401},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, c.target, nil)
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		c.a.Guard(ok).ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, rec.Code, c.want)
		}
		if c.want == 303 {
			if loc, cookie := rec.Header().Get("Location"), rec.Header().Get("Set-Cookie"); loc != "/?q=x" || !strings.HasPrefix(cookie, "opsd_session=") ||
				!strings.Contains(cookie, "; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict") || strings.Contains(cookie, "s3cret") {
				t.Errorf("%s: Location %q, Set-Cookie %q", c.name, loc, rec.Header().Get("Set-Cookie"))
			}
		}
	}
}
