package prometheus_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.yaml.in/yaml/v3"

	"github.com/opsd-dev/opsd/telemetry"
)

// served returns every metric name opsd's /metrics serves, each with the
// label names it carries, once every instrument has recorded something.
func served(t *testing.T) map[string][]string {
	t.Helper()
	ctx := context.Background()
	tel, err := telemetry.Setup(ctx, telemetry.Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer tel.Shutdown(ctx)
	if err := tel.ObserveLeader(func() bool { return true }); err != nil {
		t.Fatal(err)
	}
	m := tel.Metrics
	m.Runs.Add(ctx, 1, metricAttrs("job", "shutdown", "outcome", "ok"))
	m.Duration.Record(ctx, 1, metricAttrs("job", "shutdown"))
	m.Actions.Add(ctx, 1, metricAttrs("service", "shutdown", "action", "stop", "status", "done"))
	m.Service(ctx, "shutdown")
	m.JobSucceeded(ctx, "shutdown", time.Now())
	m.AWSCall(ctx, "EC2", "DescribeInstances", "throttled")
	m.Notification(ctx, "slack", errors.New("refused"))
	m.StateErrors.Add(ctx, 1)

	rec := httptest.NewRecorder()
	tel.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	out := map[string][]string{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		labels := out[name]
		if i := strings.Index(rest, "}"); i >= 0 {
			for _, kv := range strings.Split(rest[:i], ",") {
				if k, _, ok := strings.Cut(kv, "="); ok && !slices.Contains(labels, k) {
					labels = append(labels, k)
				}
			}
		}
		out[name] = labels
	}
	return out
}

var (
	stringLit   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	matchers    = regexp.MustCompile(`\{[^}]*\}`)
	ranges      = regexp.MustCompile(`\[[^\]]*\]`)
	grouping    = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)`)
	token       = regexp.MustCompile(`[0-9.]+(?:e[+-]?[0-9]+)?|[A-Za-z_:][A-Za-z0-9_:]*\s*\(?`)
	matcherName = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)`)
	keywords    = []string{"and", "or", "unless", "bool", "offset", "inf", "nan"}
)

// selectors returns the metrics expr reads (a name followed by "(" is a
// function or an aggregation, not a metric) and every label name it
// matches or groups by.
func selectors(expr string) (metrics []string, labels []string) {
	for _, m := range matchers.FindAllString(expr, -1) {
		for _, n := range matcherName.FindAllStringSubmatch(m, -1) {
			labels = append(labels, n[1])
		}
	}
	for _, g := range grouping.FindAllStringSubmatch(expr, -1) {
		for _, l := range strings.Split(g[1], ",") {
			if l = strings.TrimSpace(l); l != "" {
				labels = append(labels, l)
			}
		}
	}
	bare := stringLit.ReplaceAllString(expr, `""`)
	bare = matchers.ReplaceAllString(bare, " ")
	bare = ranges.ReplaceAllString(bare, " ")
	bare = grouping.ReplaceAllString(bare, " ")
	for _, tok := range token.FindAllString(bare, -1) {
		if strings.HasSuffix(tok, "(") || tok[0] >= '0' && tok[0] <= '9' || tok[0] == '.' {
			continue
		}
		if tok = strings.TrimSpace(tok); !slices.Contains(keywords, tok) {
			metrics = append(metrics, tok)
		}
	}
	return metrics, labels
}

// Labels every series has from the scrape, not from opsd.
var scrapeLabels = []string{"job", "instance"}

// check fails when expr reads no metric, a metric opsd does not serve, or
// a label none of the metrics it reads has.
func check(t *testing.T, where, expr string, have map[string][]string) {
	t.Helper()
	metrics, labels := selectors(expr)
	if len(metrics) == 0 {
		t.Errorf("%s: %q reads no metric", where, expr)
	}
	var known []string
	for _, m := range metrics {
		served, ok := have[m]
		if !ok {
			t.Errorf("%s: %q reads %s, which opsd does not serve", where, expr, m)
		}
		known = append(known, served...)
	}
	for _, l := range labels {
		if l != "le" && !slices.Contains(known, l) && !slices.Contains(scrapeLabels, l) {
			t.Errorf("%s: %q uses label %s, which none of %v has", where, expr, l, metrics)
		}
	}
}

func TestSelectors(t *testing.T) {
	metrics, labels := selectors(`sum by (service) (rate(opsd_aws_calls_total{outcome="throttled"}[15m])) / sum by (service) (rate(opsd_aws_calls_total[15m])) > 0.05 or time() - max by (job) (x) > 26 * 3600 and on(instance) absent(up) > 1e9`)
	if want := []string{"opsd_aws_calls_total", "opsd_aws_calls_total", "x", "up"}; !slices.Equal(metrics, want) {
		t.Errorf("metrics %q, want %q", metrics, want)
	}
	if want := []string{"outcome", "service", "service", "job", "instance"}; !slices.Equal(labels, want) {
		t.Errorf("labels %q, want %q", labels, want)
	}
}

// rules is the part of a Prometheus rule file checked here.
type rules struct {
	Groups []struct {
		Name  string
		Rules []struct {
			Alert, Record, Expr, For string
			Labels                   map[string]string
			Annotations              map[string]string
		}
	}
}

func TestAlertRulesReadMetricsOpsdServes(t *testing.T) {
	b, err := os.ReadFile("opsd-rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rs rules
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&rs); err != nil {
		t.Fatalf("opsd-rules.yaml: %v", err)
	}
	have := served(t)
	var alerts []string
	read := map[string]bool{}
	for _, g := range rs.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" || r.Expr == "" {
				t.Errorf("group %s: a rule without alert or expr: %+v", g.Name, r)
				continue
			}
			if slices.Contains(alerts, r.Alert) {
				t.Errorf("alert %s twice", r.Alert)
			}
			alerts = append(alerts, r.Alert)
			if s := r.Labels["severity"]; s != "critical" && s != "warning" {
				t.Errorf("alert %s: severity %q, want critical or warning", r.Alert, s)
			}
			if r.Annotations["summary"] == "" {
				t.Errorf("alert %s has no summary", r.Alert)
			}
			if r.For != "" {
				if _, err := time.ParseDuration(r.For); err != nil {
					t.Errorf("alert %s: for %q: %v", r.Alert, r.For, err)
				}
			}
			check(t, "alert "+r.Alert, r.Expr, have)
			metrics, _ := selectors(r.Expr)
			for _, m := range metrics {
				read[m] = true
			}
		}
	}
	// Each of the metrics an operator is woken for has a rule.
	for _, m := range []string{"opsd_leader", "opsd_job_last_success_timestamp_seconds", "opsd_job_runs_total", "opsd_errors_total",
		"opsd_aws_calls_total", "opsd_notifications_total", "opsd_state_errors_total"} {
		if !read[m] {
			t.Errorf("no alert reads %s", m)
		}
	}
}

// dashboard is the part of a Grafana dashboard checked here.
type dashboard struct {
	Title, UID string
	Panels     []struct {
		Title, Type string
		Targets     []struct{ Expr string }
	}
}

func TestDashboardReadsMetricsOpsdServes(t *testing.T) {
	b, err := os.ReadFile("../grafana/opsd.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("grafana/opsd.json: %v", err)
	}
	if d.Title == "" || d.UID == "" {
		t.Errorf("dashboard title %q uid %q", d.Title, d.UID)
	}
	have := served(t)
	read := map[string]bool{}
	for _, p := range d.Panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			check(t, "panel "+p.Title, q.Expr, have)
			metrics, _ := selectors(q.Expr)
			for _, m := range metrics {
				read[m] = true
			}
		}
	}
	for m := range have {
		if strings.HasPrefix(m, "opsd_") && !strings.HasSuffix(m, "_bucket") && !strings.HasSuffix(m, "_sum") && !strings.HasSuffix(m, "_count") && !read[m] {
			t.Errorf("no panel shows %s", m)
		}
	}
}

// metricAttrs is the attribute option of key-value pairs.
func metricAttrs(kv ...string) metric.MeasurementOption {
	attrs := make([]attribute.KeyValue, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		attrs = append(attrs, attribute.String(kv[i], kv[i+1]))
	}
	return metric.WithAttributes(attrs...)
}
