package daemon

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/scheduler"
)

// failingBackup reports a failed backup job of a production database.
type failingBackup struct{}

func (failingBackup) Name() string           { return "backup" }
func (failingBackup) Schedule() string       { return "0 3 * * *" }
func (failingBackup) Timeout() time.Duration { return time.Minute }
func (failingBackup) Reconcile(context.Context, reconcile.Request) reconcile.Result {
	return reconcile.Result{Service: "backup", Actions: []reconcile.Action{{
		Service: "backup", Account: "123456789012", Region: "eu-west-2", Resource: "orders-db",
		Action: "report-backup-job", Status: reconcile.Reported, Reason: "backup job j-1 FAILED",
		Details: map[string]string{"environment": "production"},
	}}}
}

// pagerDutyStandIn keeps the Events API v2 bodies it is sent.
type pagerDutyStandIn struct {
	mu     sync.Mutex
	bodies []map[string]any
}

func (p *pagerDutyStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(data, &body)
	p.mu.Lock()
	p.bodies = append(p.bodies, body)
	p.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (p *pagerDutyStandIn) got() []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]any(nil), p.bodies...)
}

func TestOnceReadsTheRoutingKeyFromSSMAndPagesOnce(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	ctx := context.Background()
	if _, err := ssm.NewFromConfig(srv.Config("eu-west-2")).PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String("/opsd/pagerduty/routing-key"), Type: ssmtypes.ParameterTypeSecureString, Value: aws.String("R0UTING-FROM-SSM"),
	}); err != nil {
		t.Fatal(err)
	}
	pd := &pagerDutyStandIn{}
	events := httptest.NewServer(pd)
	defer events.Close()

	cfg, err := config.Parse([]byte(`
aws: {regions: [eu-west-2], endpoint_url: "`+srv.URL()+`"}
notify: {pagerduty: {routing_key_ssm_parameter: /opsd/pagerduty/routing-key, events_url: "`+events.URL+`"}}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	env, err := NewEnv(ctx, cfg, EnvOptions{Mode: reconcile.Apply})
	if err != nil {
		t.Fatal(err)
	}
	if env.Paging == nil {
		t.Fatal("no paging with a routing key configured")
	}
	runner := &scheduler.Runner{}
	req := reconcile.Request{Now: time.Date(2026, 12, 4, 3, 0, 0, 0, time.UTC), Mode: reconcile.Apply}
	for range 2 {
		Once(ctx, runner, []reconcile.Service{failingBackup{}}, req, nil, env.Observe)
	}
	bodies := pd.got()
	if len(bodies) != 1 {
		t.Fatalf("PagerDuty got %d events, want 1 (the repeat pages no more): %v", len(bodies), bodies)
	}
	b := bodies[0]
	if b["routing_key"] != "R0UTING-FROM-SSM" || b["event_action"] != "trigger" ||
		b["dedup_key"] != "opsd/backup/123456789012/eu-west-2/orders-db/backup-job-failed" {
		t.Errorf("event = %v", b)
	}

	// A plan of the same never pages, and builds no paging at all.
	plan, err := NewEnv(ctx, cfg, EnvOptions{Mode: reconcile.Plan})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Paging != nil {
		t.Error("a plan environment pages")
	}
	req.Mode = reconcile.Plan
	Once(ctx, runner, []reconcile.Service{failingBackup{}}, req, nil, plan.Observe)
	Once(ctx, runner, []reconcile.Service{failingBackup{}}, req, nil, env.Observe)
	if n := len(pd.got()); n != 1 {
		t.Errorf("PagerDuty got %d events after plans, want still 1", n)
	}
}

func TestRoutingKeyErrorsNameTheParameter(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	cfg, err := config.Parse([]byte(`
aws: {regions: [eu-west-2], endpoint_url: "`+srv.URL()+`"}
notify: {pagerduty: {routing_key_ssm_parameter: /opsd/pagerduty/missing}}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewEnv(context.Background(), cfg, EnvOptions{Mode: reconcile.Apply})
	if err == nil || !strings.Contains(err.Error(), `read pagerduty routing key from ssm parameter "/opsd/pagerduty/missing"`) {
		t.Errorf("err = %v, want it to name the parameter", err)
	}
}

func TestScheduledRunsPage(t *testing.T) {
	pd := &pagerDutyStandIn{}
	events := httptest.NewServer(pd)
	defer events.Close()
	r := startDaemon(t, baseConfig+`notify: {pagerduty: {routing_key: R0UTINGKEY, events_url: "`+events.URL+`"}}`+"\n", failingBackup{})
	deadline := time.Now().Add(20 * time.Second)
	for len(pd.got()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	r.signals <- syscall.SIGTERM
	if err := <-r.done; err != nil {
		t.Fatal(err)
	}
	got := pd.got()
	if len(got) != 1 || got[0]["event_action"] != "trigger" || got[0]["routing_key"] != "R0UTINGKEY" {
		t.Fatalf("PagerDuty got %v, want one trigger", got)
	}
	if strings.Contains(r.log.String(), "R0UTINGKEY") {
		t.Error("the log shows the routing key")
	}
}
