package webpage

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
)

func TestPageShowsRestoreTestsPerApplication(t *testing.T) {
	latest := &Latest{}
	ev := func(app, env, proven, validated, took, age string) reconcile.Action {
		d := map[string]string{"evidence": "restore-test", "policy": "Prod", "application": app, "environment": env, "rto": "4h", "rpo": "24h",
			"proven": proven, "tests": "1"}
		if took != "" {
			d["time_to_usable"], d["recovery_point_age"] = took, age
		}
		if validated != "" {
			d["validated_at"] = validated
		}
		return reconcile.Action{Service: "backup", Account: "111111111111", Region: "eu-west-2", Resource: "restore-test:Prod/" + app,
			Action: "none", Status: reconcile.Planned, Reason: "evidence", Details: d}
	}
	latest.Observe(context.Background(), t0, reconcile.Result{Service: "backup", Actions: []reconcile.Action{
		ev("shop", "production", "false", "2026-11-23T10:00:00Z", "5h", "2h"),
		ev("orders", "production", "true", "2026-11-22T06:00:00Z", "1h", "3h"),
		ev("blog", "", "false", "", "", ""),
	}})
	rec := httptest.NewRecorder()
	Handler(Source{Latest: latest, Location: time.UTC}).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	b, _ := io.ReadAll(rec.Body)
	page := string(b)
	i := strings.Index(page, `<table id="restore-tests-table">`)
	if i < 0 {
		t.Fatalf("no restore tests table:\n%s", page)
	}
	table := page[i : i+strings.Index(page[i:], "</table>")]
	rows := strings.Split(table, "<tr>")[2:]
	if len(rows) != 3 {
		t.Fatalf("rows = %d, want one per application:\n%s", len(rows), table)
	}
	for i, want := range [][]string{
		{"blog", "none in 30 days", "- (4h)", "- (24h)", `class="failed">no`},
		{"orders", "(production)", "Sun 22 Nov 06:00 UTC", "1h (4h)", "3h (24h)", `class="ok">yes`},
		{"shop", "Mon 23 Nov 10:00 UTC", "5h (4h)", "2h (24h)", `class="failed">no`},
	} {
		for _, w := range want {
			if !strings.Contains(rows[i], w) {
				t.Errorf("row %d lacks %q:\n%s", i, w, rows[i])
			}
		}
	}
	// The evidence rows change nothing: they are not findings.
	if strings.Contains(page[strings.Index(page, `id="findings"`):], "restore-test:Prod/shop") {
		t.Error("an evidence row is listed among the findings")
	}
}
