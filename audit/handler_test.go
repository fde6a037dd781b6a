package audit

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, h http.Handler, method, target string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestReportHandlerBeforeTheFirstAssessment(t *testing.T) {
	h := ReportHandler(func() *Report { return nil }, nil)
	res, body := get(t, h, http.MethodGet, "/report")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "No assessment has run yet") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("%d %s %q", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	res, body = get(t, h, http.MethodGet, "/report?format=json")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "No assessment has run yet") {
		t.Errorf("json: %d %q", res.StatusCode, body)
	}
}

func TestReportHandlerFormatsAndFilter(t *testing.T) {
	rep := sampleReport()
	h := ReportHandler(func() *Report { return rep }, nil)

	res, body := get(t, h, http.MethodGet, "/report")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(body, "leaky-bucket") {
		t.Errorf("html: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("csp = %q", csp)
	}

	res, body = get(t, h, http.MethodGet, "/report?format=json&application=compliant")
	var got Report
	if err := json.Unmarshal([]byte(body), &got); err != nil || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("json: %v %s", err, res.Header.Get("Content-Type"))
	}
	if len(got.Applications) != 1 || got.Applications[0].Name != "compliant" {
		t.Errorf("filtered json = %+v", got.Applications)
	}

	res, body = get(t, h, http.MethodGet, "/report?format=text")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "FAIL     security.s3-block-public-access") {
		t.Errorf("text: %d %q", res.StatusCode, body)
	}

	_, body = get(t, h, http.MethodGet, "/report?application=nobody")
	if !strings.Contains(body, "No application named “nobody” was found.") {
		t.Errorf("unknown application page lacks the note")
	}

	if res, _ := get(t, h, http.MethodGet, "/report?format=pdf"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("format=pdf: %d", res.StatusCode)
	}
	if res, _ := get(t, h, http.MethodPost, "/report"); res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d", res.StatusCode)
	}
	if res, _ := get(t, h, http.MethodHead, "/report"); res.StatusCode != http.StatusOK {
		t.Errorf("HEAD: %d", res.StatusCode)
	}
}

// After an assessment that failed, with none since, the page says it
// failed and why, not that none has run.
func TestReportHandlerAfterAFailedAssessment(t *testing.T) {
	at := time.Date(2026, 12, 3, 6, 0, 0, 0, time.UTC)
	failed := func() (Failure, bool) {
		return Failure{At: at, Errors: []string{"list accounts: AccessDeniedException: not <authorised>"}}, true
	}
	h := ReportHandler(func() *Report { return nil }, failed)
	res, body := get(t, h, http.MethodGet, "/report")
	if res.StatusCode != http.StatusServiceUnavailable || strings.Contains(body, "No assessment has run yet") ||
		!strings.Contains(body, "2026-12-03 06:00 UTC, failed") || !strings.Contains(body, "not &lt;authorised&gt;") {
		t.Errorf("html: %d %q", res.StatusCode, body)
	}
	_, body = get(t, h, http.MethodGet, "/report?format=text")
	if !strings.Contains(body, "The last assessment, at 2026-12-03T06:00:00Z, failed:\n- list accounts: AccessDeniedException") {
		t.Errorf("text: %q", body)
	}
}
