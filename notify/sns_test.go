package notify

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// snsEnvelope is what SNS delivers to a subscribed SQS queue.
type snsEnvelope struct {
	Message           string `json:"Message"`
	TopicArn          string `json:"TopicArn"`
	MessageAttributes map[string]struct {
		Type  string `json:"Type"`
		Value string `json:"Value"`
	} `json:"MessageAttributes"`
}

// subscribedQueue creates a topic and a queue subscribed to it in moto and
// returns the topic's ARN and a function reading what the queue received.
func subscribedQueue(t *testing.T, cfg aws.Config) (string, func(n int) []snsEnvelope) {
	t.Helper()
	ctx := context.Background()
	topic, err := sns.NewFromConfig(cfg).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("opsd-events")})
	if err != nil {
		t.Fatal(err)
	}
	sq := sqs.NewFromConfig(cfg)
	q, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("opsd-events-copy")})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sns.NewFromConfig(cfg).Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)])}); err != nil {
		t.Fatal(err)
	}
	read := func(n int) []snsEnvelope {
		t.Helper()
		var out []snsEnvelope
		deadline := time.Now().Add(10 * time.Second)
		for len(out) < n && time.Now().Before(deadline) {
			got, err := sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range got.Messages {
				var env snsEnvelope
				if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &env); err != nil {
					t.Fatalf("queue received %q, not an SNS envelope: %v", aws.ToString(m.Body), err)
				}
				out = append(out, env)
			}
		}
		if len(out) != n {
			t.Fatalf("queue received %d messages, want %d", len(out), n)
		}
		return out
	}
	return aws.ToString(topic.TopicArn), read
}

func TestSNSPublishesMessagesAndPagesAsJSON(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	cfg := srv.Config("eu-west-2")
	topicARN, read := subscribedQueue(t, cfg)
	pub, err := NewSNS(sns.NewFromConfig(cfg), topicARN)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	msg := Message{Kind: KindDLQ, Severity: Warning, Title: "DLQ: 3 new messages in orders-dlq",
		Fields: []Field{{Label: "Queue", Value: "orders-dlq"}},
		Labels: Labels{Account: "123456789012", Region: "eu-west-2", Environment: "production", TeamEmail: "pay@example.com"}}
	if err := pub.Notify(ctx, msg); err != nil {
		t.Fatal(err)
	}
	if err := pub.Page(ctx, testEvent); err != nil {
		t.Fatal(err)
	}
	got := read(2)
	if got[0].MessageAttributes["type"].Value == "page" { // a standard queue keeps no order
		got[0], got[1] = got[1], got[0]
	}

	var m SNSMessage
	if err := json.Unmarshal([]byte(got[0].Message), &m); err != nil {
		t.Fatalf("message is not JSON: %v: %s", err, got[0].Message)
	}
	if m.Type != "message" || m.Kind != KindDLQ || m.Title != msg.Title || m.Labels != msg.Labels || len(m.Fields) != 1 {
		t.Errorf("published message = %+v", m)
	}
	a := got[0].MessageAttributes
	if a["kind"].Value != "dlq" || a["severity"].Value != "warning" || a["type"].Value != "message" || a["kind"].Type != "String" {
		t.Errorf("message attributes = %+v", a)
	}

	var p SNSPage
	if err := json.Unmarshal([]byte(got[1].Message), &p); err != nil {
		t.Fatalf("page is not JSON: %v: %s", err, got[1].Message)
	}
	if p.Type != "page" || p.Action != Trigger || p.DedupKey != testEvent.DedupKey || p.Severity != PageCritical || p.Summary != testEvent.Summary {
		t.Errorf("published page = %+v", p)
	}
	a = got[1].MessageAttributes
	if a["kind"].Value != "backup" || a["severity"].Value != "critical" || a["type"].Value != "page" {
		t.Errorf("page attributes = %+v", a)
	}
}

func TestSNSNamesTheTopicWhenPublishingFails(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	pub, _ := NewSNS(sns.NewFromConfig(srv.Config("eu-west-2")), "arn:aws:sns:eu-west-2:123456789012:missing")
	err := pub.Notify(context.Background(), Message{Kind: KindBackup, Severity: Error, Title: "x"})
	if err == nil {
		t.Fatal("publishing to a missing topic did not fail")
	}
	if want := "publish backup message \"x\" to sns topic arn:aws:sns:eu-west-2:123456789012:missing"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v, want it to start %q", err, want)
	}
}

type capturePublish struct{ in *sns.PublishInput }

func (c *capturePublish) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	c.in = in
	return &sns.PublishOutput{}, nil
}

func TestSNSCutsAMessageTooLargeToPublish(t *testing.T) {
	c := &capturePublish{}
	pub, _ := NewSNS(c, "arn:aws:sns:eu-west-2:123456789012:opsd-events")
	rows := make([][]string, 20000)
	for i := range rows {
		rows[i] = []string{"123456789012", "development", "1", "0", "0", "0"}
	}
	msg := Message{Kind: KindShutdown, Severity: Info, Title: "big", Text: strings.Repeat("• a line about a resource\n", 20000), Table: &Table{Columns: []string{"a"}, Rows: rows}}
	if err := pub.Notify(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	body := aws.ToString(c.in.Message)
	var doc SNSMessage
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if len(body) > maxSNSMessage || !doc.Truncated || doc.Table == nil || doc.Title != "big" {
		t.Fatalf("published %d bytes, truncated %v, table %v", len(body), doc.Truncated, doc.Table != nil)
	}
	// As many rows as fit are kept, in order, and the rest counted.
	kept := len(doc.Table.Rows)
	if kept == 0 || kept+doc.OmittedRows != len(rows) {
		t.Errorf("%d rows kept and %d counted as left out, want %d in all", kept, doc.OmittedRows, len(rows))
	}
	doc.Table.Rows = append(doc.Table.Rows, rows[kept])
	doc.OmittedRows--
	if more, _ := json.Marshal(doc); len(more) <= maxSNSMessage {
		t.Errorf("one more row would have fitted (%d bytes)", len(more))
	}
}

// A message whose text alone is too large keeps its whole table when the
// cut text leaves room for it.
func TestSNSKeepsTheTableWhenCuttingTheTextIsEnough(t *testing.T) {
	c := &capturePublish{}
	pub, _ := NewSNS(c, "arn:aws:sns:eu-west-2:123456789012:opsd-events")
	table := &Table{Columns: []string{"Instance"}, Rows: [][]string{{"i-1"}, {"i-2"}}}
	if err := pub.Notify(context.Background(), Message{Kind: KindPatching, Title: "big", Text: strings.Repeat("x", maxSNSMessage), Table: table}); err != nil {
		t.Fatal(err)
	}
	var doc SNSMessage
	if err := json.Unmarshal([]byte(aws.ToString(c.in.Message)), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Truncated || doc.Table == nil || len(doc.Table.Rows) != 2 || doc.OmittedRows != 0 || len(doc.Text) != maxSNSMessage/2 {
		t.Errorf("truncated %v, table %+v, %d omitted, text of %d", doc.Truncated, doc.Table, doc.OmittedRows, len(doc.Text))
	}
}
