package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/slackrecord"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// stateConfig watches the DLQs of the base account, tells Slack through
// slackURL, and keeps its state in statePath (or, with ha, in the lease
// table). The dlq job runs at start and then once a year.
func stateConfig(endpoint, addr, slackURL, statePath, ha string) string {
	return fmt.Sprintf(`aws: {regions: [eu-west-2], endpoint_url: %q}
http: {listen: %q}
notify: {slack: {token: xoxb-state, channel: C-OPS, api_url: %q}}
state: {path: %q}
%s
dlq: {enabled: true, schedule: "0 0 1 1 *"}
`, endpoint, addr, slackURL, statePath, ha)
}

// stateEstate is moto, reset, with a tagged dead-letter queue holding three
// messages; a Slack stand-in; and the opsd binary.
func stateEstate(t *testing.T) (*mototest.Server, *slackrecord.Server, string) {
	t.Helper()
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	seedStateQueue(t, srv)
	return srv, slackrecord.Start(t), opsdbin.Build(t)
}

func seedStateQueue(t *testing.T, srv *mototest.Server) {
	t.Helper()
	q := sqs.NewFromConfig(srv.Config("eu-west-2"))
	out, err := q.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("payments-dlq"), Tags: map[string]string{"opsd:dlq": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := q.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: out.QueueUrl, MessageBody: aws.String(fmt.Sprintf("payment %d failed", i))}); err != nil {
			t.Fatal(err)
		}
	}
}

// dlqRan reports whether the dlq job's last run has ended.
func dlqRan(doc map[string]any) bool { return lastDLQOutcome(doc) != "" }

// A daemon killed with SIGKILL and started again repeats no alert: the
// restarted daemon's first run finds the queue's burst already told in
// the state file. The reminder still comes when it is due (a run as of a
// day later), and a corrupt state file never stops opsd: it starts, says
// so, and works (telling the queue afresh, since what it knew is gone).
func TestProcessRestartRepeatsNoAlert(t *testing.T) {
	srv, slack, bin := stateEstate(t)
	statePath := filepath.Join(t.TempDir(), "state.db")
	addr := opsdbin.FreeAddr(t)
	config := writeConfig(t, stateConfig(srv.URL(), addr, slack.GetAPIURL(), statePath, ""))

	a := startOpsd(t, bin, config, addr)
	a.status(t, dlqRan)
	if n, _ := slack.All(); n != 1 {
		t.Fatalf("first daemon: %d Slack messages, want the arrival alert", n)
	}
	_ = a.cmd.Process.Kill()
	<-a.done

	b := startOpsd(t, bin, config, addr)
	doc := b.status(t, dlqRan)
	if n, text := slack.All(); n != 1 {
		t.Fatalf("after kill -9 and a restart: %d Slack messages, want still 1:\n%s", n, text)
	}
	st, _ := doc["state"].(map[string]any)
	if st["ok"] != true || !strings.Contains(fmt.Sprint(st["where"]), statePath) {
		t.Errorf("/status state = %v", st)
	}
	_ = b.cmd.Process.Kill()
	<-b.done

	later := time.Now().Add(25 * time.Hour).UTC().Format(time.RFC3339)
	out := mustRunOnce(t, bin, config, later, "dlq")
	n, text := slack.All()
	if n != 2 || !strings.Contains(string(text), "DLQ reminder") {
		t.Fatalf("a day later: %d Slack messages, want the reminder as the second:\n%s\n%s", n, text, out)
	}

	if err := os.WriteFile(statePath, []byte("this is not a bbolt file"), 0o600); err != nil {
		t.Fatal(err)
	}
	out = mustRunOnce(t, bin, config, "", "dlq")
	if !strings.Contains(out, "state file was corrupt") {
		t.Errorf("the run over a corrupt state file did not say so:\n%s", out)
	}
	if n, _ := slack.All(); n != 3 {
		t.Errorf("after the corrupt file: %d Slack messages, want the alert told afresh (3)", n)
	}
	if matches, _ := filepath.Glob(statePath + ".corrupt-*"); len(matches) != 1 {
		t.Errorf("corrupt file kept as %v, want one copy beside the new state", matches)
	}
}

// With ha on, the state lives in the lease table: when the leader is
// killed the follower takes over and its first run sends nothing already
// told.
func TestProcessFailoverRepeatsNoAlert(t *testing.T) {
	srv, slack, bin := stateEstate(t)
	dir := t.TempDir()
	addrA, addrB := opsdbin.FreeAddr(t), opsdbin.FreeAddr(t)
	ha := func(holder string) string { return fmt.Sprintf("ha: {enabled: true, holder: %q, ttl: 5s}", holder) }
	a := startOpsd(t, bin, writeConfig(t, stateConfig(srv.URL(), addrA, slack.GetAPIURL(), filepath.Join(dir, "a.db"), ha("replica-a"))), addrA)
	a.status(t, func(doc map[string]any) bool { return role(doc) == "leader" && dlqRan(doc) })
	b := startOpsd(t, bin, writeConfig(t, stateConfig(srv.URL(), addrB, slack.GetAPIURL(), filepath.Join(dir, "b.db"), ha("replica-b"))), addrB)
	b.status(t, func(doc map[string]any) bool { return role(doc) == "follower" })
	if n, _ := slack.All(); n != 1 {
		t.Fatalf("before the failover: %d Slack messages, want the leader's alert", n)
	}
	_ = a.cmd.Process.Kill()
	<-a.done
	doc := b.status(t, func(doc map[string]any) bool { return role(doc) == "leader" && lastDLQOutcome(doc) == "ok" })
	if n, text := slack.All(); n != 1 {
		t.Fatalf("after the failover: %d Slack messages, want still 1:\n%s", n, text)
	}
	if st, _ := doc["state"].(map[string]any); !strings.Contains(fmt.Sprint(st["where"]), "DynamoDB table opsd-lease") {
		t.Errorf("the new leader's state = %v, want the lease table", st)
	}
}

// lastDLQOutcome is the dlq job's last outcome, or "".
func lastDLQOutcome(doc map[string]any) string {
	jobs, _ := doc["jobs"].([]any)
	for _, j := range jobs {
		m, _ := j.(map[string]any)
		if m["name"] == "dlq" {
			if last, _ := m["last_run"].(map[string]any); last != nil {
				s, _ := last["outcome"].(string)
				return s
			}
		}
	}
	return ""
}
