package daemon

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/slackrecord"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// watchedBackup tells Slack, makes one AWS call that fails, and reports
// a failed backup job of a production database (which pages): one run
// exercises every counter a scrape should show.
type watchedBackup struct{ env *Env }

func (watchedBackup) Name() string           { return "backup" }
func (watchedBackup) Schedule() string       { return "0 3 * * *" }
func (watchedBackup) Timeout() time.Duration { return time.Minute }
func (w watchedBackup) Reconcile(ctx context.Context, req reconcile.Request) reconcile.Result {
	_ = w.env.Notifier.Notify(ctx, notify.Message{Kind: notify.Kind("backup"), Title: "backup report", Text: "one job failed"})
	_, _ = ec2.NewFromConfig(w.env.Base).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-00000000000000000"}})
	return failingBackup{}.Reconcile(ctx, req)
}

// A running daemon's /metrics names every metric the dashboard and the
// alert rules read, with its labels.
func TestDaemonMetricsNameEveryMetricWithItsLabels(t *testing.T) {
	srv := mototest.Shared(t)
	mototest.SetCredentialsEnv(t)
	// The first readiness check is throttled, then answered.
	proxy := mototest.NewProxy(t, srv.URL())
	throttled := false
	proxy.Handle("GetCallerIdentity", func(w http.ResponseWriter, r *http.Request) {
		if !throttled {
			throttled = true
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>`))
			return
		}
		proxy.Forward(w, r)
	})
	slack := slackrecord.Start(t)
	pd := &pagerDutyStandIn{}
	events := httptest.NewServer(pd)
	defer events.Close()
	path := filepath.Join(t.TempDir(), "opsd.yaml")
	writeFile(t, path, fmt.Sprintf(baseConfig, proxy.URL())+fmt.Sprintf(`ha: {enabled: true, table: opsd-metrics-test}
notify:
  slack: {token: xoxb-test, channel: C-OPS, api_url: %q}
  pagerduty: {routing_key: R0UTINGKEY, events_url: %q}
`, slack.URL(), events.URL))
	r := &running{signals: make(chan os.Signal, 1), done: make(chan error, 1), log: &syncBuffer{}, path: path}
	listening := make(chan string, 1)
	go func() {
		r.done <- Run(context.Background(), Options{
			ConfigPath: path, Log: r.log, Signals: r.signals, ReadyInterval: 100 * time.Millisecond,
			Listening: func(a string) { listening <- a },
			Build:     func(env *Env) ([]reconcile.Service, error) { return []reconcile.Service{watchedBackup{env}}, nil },
		})
	}()
	select {
	case r.addr = <-listening:
	case err := <-r.done:
		t.Fatalf("daemon exited at start: %v\n%s", err, r.log.String())
	case <-time.After(20 * time.Second):
		t.Fatal("daemon did not start listening")
	}
	defer func() {
		r.signals <- syscall.SIGTERM
		<-r.done
	}()

	want := []string{
		"opsd_leader 1",
		`opsd_job_last_success_timestamp_seconds{job="backup"} `,
		`opsd_job_runs_total{job="backup",outcome="ok"} 1`,
		`opsd_aws_calls_total{operation="GetCallerIdentity",outcome="throttled",service="STS"} 1`,
		`opsd_aws_calls_total{operation="GetCallerIdentity",outcome="ok",service="STS"} `,
		`opsd_aws_calls_total{operation="DescribeInstances",outcome="error",service="EC2"} 1`,
		`opsd_aws_calls_total{operation="PutItem",outcome="ok",service="DynamoDB"} `,
		`opsd_notifications_total{channel="slack",outcome="ok"} 1`,
		`opsd_notifications_total{channel="slack",outcome="failed"} 0`,
		`opsd_notifications_total{channel="pagerduty",outcome="ok"} 1`,
		`opsd_notifications_total{channel="pagerduty",outcome="failed"} 0`,
		"opsd_state_errors_total 0",
		`opsd_errors_total{service="backup"} 0`,
		"\ngo_goroutines ",
		"\nprocess_resident_memory_bytes ",
	}
	var body string
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + r.addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
		missing := false
		for _, w := range want {
			missing = missing || !strings.Contains(body, w)
		}
		if !missing {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("/metrics lacks %s", w)
		}
	}
	t.Logf("/metrics:\n%s\nlog:\n%s", body, r.log.String())
}
