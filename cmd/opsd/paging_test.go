package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/slackrecord"
)

// eventsStandIn answers like the PagerDuty Events API v2 and keeps the
// event actions and dedup keys it was sent.
type eventsStandIn struct {
	mu     sync.Mutex
	events []string
}

func (e *eventsStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	var body struct {
		RoutingKey  string `json:"routing_key"`
		EventAction string `json:"event_action"`
		DedupKey    string `json:"dedup_key"`
	}
	_ = json.Unmarshal(data, &body)
	e.mu.Lock()
	e.events = append(e.events, body.EventAction+" "+body.DedupKey+" "+body.RoutingKey)
	e.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (e *eventsStandIn) got() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.events...)
}

func TestRunOnceRoutesByTeamAndPagesForAProductionDLQ(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	ctx := context.Background()
	cfg := srv.Config("eu-west-2")
	q := sqs.NewFromConfig(cfg)
	dl, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("payments-dlq"),
		Tags: map[string]string{"opsd:dlq": "true", "Environment": "production", "TeamEmail": "pay@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: dl.QueueUrl, MessageBody: aws.String("payment 1 failed")}); err != nil {
		t.Fatal(err)
	}
	topic, err := sns.NewFromConfig(cfg).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("opsd-events")})
	if err != nil {
		t.Fatal(err)
	}
	slack := slackrecord.Start(t)
	pd := &eventsStandIn{}
	events := httptest.NewServer(pd)
	defer events.Close()
	path := writeConfig(t, fmt.Sprintf(`
aws: {regions: [eu-west-2], endpoint_url: %q}
notify:
  slack: {token: xoxb-test, channel: C-platform, api_url: %q}
  routes: [{team_emails: [pay@example.com], channel: C-payments}]
  pagerduty: {routing_key: R0UTINGKEY, events_url: %q}
  sns: {topic_arn: %q}
dlq: {enabled: true}
`, srv.URL(), slack.URL(), events.URL, aws.ToString(topic.TopicArn)))

	for range 2 {
		if code, stdout, stderr := opsd(t, "run", "--config", path, "--once", "--only", "dlq"); code != exitOK {
			t.Fatalf("run --once exit %d\n%s%s", code, stdout, stderr)
		}
	}
	posts := slack.Posts()
	if len(posts) != 1 || posts[0].Form.Get("channel") != "C-payments" {
		var chans []string
		for _, p := range posts {
			chans = append(chans, p.Form.Get("channel"))
		}
		t.Errorf("slack posts went to %v, want one to C-payments (the team's route)", chans)
	}
	key := "opsd/dlq/123456789012/eu-west-2/payments-dlq/dlq-messages"
	if got := strings.Join(pd.got(), "|"); got != "trigger "+key+" R0UTINGKEY" {
		t.Errorf("PagerDuty got %q, want one trigger for %s", got, key)
	}

	if code, stdout, stderr := opsd(t, "plan", "--config", path, "--only", "dlq"); code != exitOK {
		t.Fatalf("plan exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := q.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: dl.QueueUrl}); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := opsd(t, "run", "--config", path, "--once", "--only", "dlq"); code != exitOK {
		t.Fatalf("run --once exit %d\n%s%s", code, stdout, stderr)
	}
	want := "trigger " + key + " R0UTINGKEY|resolve " + key + " R0UTINGKEY"
	if got := strings.Join(pd.got(), "|"); got != want {
		t.Errorf("PagerDuty got %q after the queue was emptied, want %q", got, want)
	}
}
