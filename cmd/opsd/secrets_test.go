package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/slackrecord"

	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// TestSecretsNeverLeak runs the daemon with every service enabled, a
// Slack token, the page's and the metrics token, an account reached with
// an external id, a DLQ whose messages carry secrets in their bodies and
// attributes, an AWS secret key, and traces exported over OTLP; then it
// greps every output opsd made (its log, every Slack message, every
// exported span, /status, /metrics, /readyz, /healthz, /report in each
// format, the page asked with each token, and the output of check-config,
// plan and dlq list) for the secrets. Only the S3 archive
// may hold the message bodies: keeping them is its job.
func TestSecretsNeverLeak(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	secrets := map[string]string{
		"slack token":           "xoxb-" + secret(t, "token"),
		"external id":           secret(t, "ext"),
		"message body":          secret(t, "body"),
		"message attribute":     secret(t, "attr"),
		"aws secret access key": secret(t, "aws"),
		"page token":            secret(t, "page"),
		"metrics token":         secret(t, "metrics"),
	}
	t.Setenv("AWS_SECRET_ACCESS_KEY", secrets["aws secret access key"])

	member := memberConfig(t, srv)
	seedSecretEstate(t, member, secrets["message body"], secrets["message attribute"])
	em := startEmulator(t, buildEmulator(t), srv.URL())
	proxy := mototest.NewProxy(t, em.url)
	var mu sync.Mutex
	var assumed []string
	proxy.Handle("AssumeRole", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		assumed = append(assumed, string(body))
		mu.Unlock()
		proxy.Forward(w, r)
	})
	slack := slackrecord.Start(t)
	otlp := otlpCollector(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.srv.URL)
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "200")

	addr := opsdbin.FreeAddr(t)
	path := writeConfig(t, fmt.Sprintf(`aws:
  regions: [eu-west-2]
  endpoint_url: %q
  accounts: [{id: %q, role_arn: %q, external_id: %q}]
http: {listen: %q, token: %q, metrics_token: %q}
log: {level: debug}
notify: {slack: {token: %q, channel: "#ops", api_url: %q}}
scheduler: {grace_period: 30s}
shutdown: {enabled: true}
patching: {enabled: true, poll_interval: 1s}
backup: {enabled: true}
monitor: {enabled: true}
dlq: {enabled: true, archive: {bucket: opsd-dlq-archive, when: arrival, wait_time: 1s}}
audit: {enabled: true}
`, proxy.URL(), memberAccount, memberRole, secrets["external id"], addr, secrets["page token"], secrets["metrics token"], secrets["slack token"], slack.GetAPIURL()))

	bin := opsdbin.Build(t)
	outputs := map[string][]byte{}
	for _, args := range [][]string{
		{"check-config", "--config", path},
		{"plan", "--config", path},
		{"plan", "--config", path, "--json"},
		{"dlq", "list", "--config", path},
	} {
		code, out := runChild(t, bin, args...)
		if code != 0 {
			t.Errorf("opsd %s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
		outputs["opsd "+strings.ReplaceAll(strings.Join(args, " "), path, "FILE")] = []byte(out)
	}

	p := startOpsd(t, bin, path, addr)
	jobs := []string{"audit", "backup", "dlq", "monitor", "patching", "shutdown"}
	p.status(t, func(doc map[string]any) bool { return allRan(doc, jobs) })
	for _, endpoint := range []string{"/", "/status", "/metrics", "/readyz", "/healthz", "/report", "/report?format=json", "/report?format=text"} {
		resp, err := http.Get("http://" + addr + endpoint)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s\n%s", endpoint, resp.Status, body)
		}
		outputs["GET "+endpoint] = body
	}
	// Asked with the tokens (loopback lets everyone in, but a request
	// logged with its address or headers would show them).
	for name, req := range map[string]struct{ target, header string }{
		"GET /?token=":                    {"/?token=" + secrets["page token"], ""},
		"GET /status with the page token": {"/status", "Bearer " + secrets["page token"]},
		"GET /metrics with its token":     {"/metrics", "Bearer " + secrets["metrics token"]},
	} {
		r, err := http.NewRequest(http.MethodGet, "http://"+addr+req.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		if req.header != "" {
			r.Header.Set("Authorization", req.header)
		}
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		outputs[name] = append([]byte(fmt.Sprint(resp.Header)), body...)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(40 * time.Second):
		t.Fatalf("opsd did not stop:\n%s", p.out.String())
	}
	outputs["daemon stdout and stderr"] = []byte(p.out.String())
	nPosts, slackBodies := slack.All()
	outputs["slack messages"] = slackBodies
	nExports, spans := otlp.all()
	outputs["otlp trace exports"] = spans

	// The secrets were there to leak: each was used.
	mu.Lock()
	usedExternalID := len(assumed) > 0 && strings.Contains(assumed[0], secrets["external id"])
	mu.Unlock()
	if !usedExternalID {
		t.Errorf("no AssumeRole carried the external id: %q", assumed)
	}
	if nPosts == 0 || !strings.Contains(string(slackBodies), "orders-dlq") {
		t.Errorf("Slack got %d messages, none about orders-dlq:\n%s", nPosts, slackBodies)
	}
	if !slack.AuthenticatedWith(secrets["slack token"]) {
		t.Error("the Slack messages were not sent with the configured token")
	}
	if nExports == 0 || !strings.Contains(string(spans), "opsd") {
		t.Errorf("the collector got %d exports (%d bytes)", nExports, len(spans))
	}
	objects := archived(t, member)
	nArchived, archive := len(objects), strings.Join(objects, "\n")
	if nArchived != 3 || !strings.Contains(archive, secrets["message body"]) || !strings.Contains(archive, secrets["message attribute"]) {
		t.Errorf("the archive holds %d objects, without the messages' body and attribute:\n%s", nArchived, archive)
	}

	for _, leak := range leaks(outputs, secrets) {
		t.Error(leak)
	}
	total := 0
	for name, b := range outputs {
		total += len(b)
		t.Logf("%s: %d bytes", name, len(b))
	}
	t.Logf("grepped %d outputs, %d bytes, for %d secrets; %d Slack messages, %d OTLP exports, %d archived messages",
		len(outputs), total, len(secrets), nPosts, nExports, nArchived)
}

// allRan reports whether every job named has finished a run and none is
// running.
func allRan(doc map[string]any, names []string) bool {
	ran := map[string]bool{}
	list, _ := doc["jobs"].([]any)
	for _, j := range list {
		m, _ := j.(map[string]any)
		if m == nil || m["running"] == true {
			return false
		}
		if m["last_run"] != nil {
			ran[fmt.Sprint(m["name"])] = true
		}
	}
	for _, n := range names {
		if !ran[n] {
			return false
		}
	}
	return true
}

// The operations endpoint listens on loopback unless configured
// otherwise.
func TestHTTPListenDefaultsToLoopback(t *testing.T) {
	cfg, err := config.Load(writeConfig(t, "aws: {regions: [eu-west-2]}\nshutdown: {enabled: true}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for what, listen := range map[string]string{"default": config.Default().HTTP.Listen, "loaded": cfg.HTTP.Listen} {
		host, _, err := net.SplitHostPort(listen)
		if err != nil {
			t.Fatalf("%s http.listen %q: %v", what, listen, err)
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			t.Errorf("%s http.listen = %q, want a loopback address", what, listen)
		}
	}
}

// leaks finds a secret whole, truncated to its nonce, or inside JSON.
func TestLeaksFindsSecrets(t *testing.T) {
	secrets := map[string]string{"token": "xoxb-token-SECRET-0123456789abcdef"}
	for name, out := range map[string]string{
		"whole":     "token=xoxb-token-SECRET-0123456789abcdef",
		"truncated": `"token":"…SECRET-0123456789abcdef"`,
	} {
		if got := leaks(map[string][]byte{name: []byte(out)}, secrets); len(got) != 1 {
			t.Errorf("%s: leaks = %q, want one", name, got)
		}
	}
	if got := leaks(map[string][]byte{"clean": []byte("token=[redacted]")}, secrets); len(got) != 0 {
		t.Errorf("clean: leaks = %q", got)
	}
}

// A configuration with secrets under a misspelt key, of the wrong type, or
// in a misspelt environment variable is refused without echoing them.
func TestCheckConfigNeverEchoesSecrets(t *testing.T) {
	secrets := map[string]string{
		"misspelt token":     "xoxb-" + secret(t, "typo"),
		"token as a list":    "xoxb-" + secret(t, "list"),
		"external id as map": secret(t, "map"),
		"environment token":  "xoxb-" + secret(t, "env"),
		"misspelt metrics":   secret(t, "metrics-typo"),
		"metrics as a list":  secret(t, "metrics-list"),
		"same http tokens":   secret(t, "same"),
	}
	t.Setenv("OPSD_NOTIFY__SLACK__TOKN", secrets["environment token"])
	path := writeConfig(t, fmt.Sprintf(`aws:
  regions: [eu-west-2]
  accounts: [{id: "222222222222", role_arn: "arn:aws:iam::222222222222:role/x", external_id: {value: %q}}]
notify: {slack: {tokn: %q, token: [%q], channel: "#ops"}}
http: {listen: "0.0.0.0:9102", metrics_tokn: %q, metrics_token: [%q]}
`, secrets["external id as map"], secrets["misspelt token"], secrets["token as a list"], secrets["misspelt metrics"], secrets["metrics as a list"]))
	code, stdout, stderr := opsd(t, "check-config", "--config", path)
	if code != exitUsage || !strings.Contains(stdout, "notify.slack.tokn") || !strings.Contains(stdout, "http.metrics_tokn") {
		t.Fatalf("exit %d, want 2 naming notify.slack.tokn and http.metrics_tokn:\n%s%s", code, stdout, stderr)
	}
	outputs := map[string][]byte{"check-config stdout": []byte(stdout), "check-config stderr": []byte(stderr)}
	// The metrics token the same as the page's is refused, without either.
	same := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2]}\nhttp: {listen: \"0.0.0.0:9102\", token: %q, metrics_token: %q}\n",
		secrets["same http tokens"], secrets["same http tokens"]))
	code, stdout, stderr = opsd(t, "check-config", "--config", same)
	if code != exitUsage || !strings.Contains(stdout, "http.metrics_token: must differ from http.token") {
		t.Fatalf("same tokens: exit %d, want 2 naming http.metrics_token:\n%s%s", code, stdout, stderr)
	}
	outputs["check-config stdout, same tokens"], outputs["check-config stderr, same tokens"] = []byte(stdout), []byte(stderr)
	for _, leak := range leaks(outputs, secrets) {
		t.Error(leak)
	}
}
