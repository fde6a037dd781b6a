package events

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/opsd-dev/opsd/internal/mototest"
)

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

// A burst of events on an SQS queue in moto, read through the real SDK:
// each service they concern runs once after the coalescing window, a
// duplicate (same event id) and opsd's own change add nothing, the queue
// is left empty, and a follower reads nothing.
func TestReaderCoalescesABurstIntoOneRunPerService(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	ctx := context.Background()
	q := sqs.NewFromConfig(srv.Config("eu-west-2"))
	made, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("opsd-events")})
	if err != nil {
		t.Fatal(err)
	}
	url := aws.ToString(made.QueueUrl)
	send := func(body string) {
		if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}
	tag := func(id, instance string, keys string) string {
		return fmt.Sprintf(`{"id":%q,"source":"aws.tag","detail-type":"Tag Change on Resource","account":"123456789012","region":"eu-west-2","resources":["arn:aws:ec2:eu-west-2:123456789012:instance/%s"],"detail":{"service":"ec2","resource-type":"instance","changed-tag-keys":[%s]}}`, id, instance, keys)
	}
	for i := range 12 {
		send(tag(fmt.Sprintf("e-%d", i), fmt.Sprintf("i-%d", i), `"OOOShutdown"`))
	}
	send(tag("e-3", "i-3", `"OOOShutdown"`)) // a copy
	send(tag("e-own", "i-1", `"opsd:shutdown:last-action"`))
	send(`not an event`)

	clock := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var ran []string
	leading := false
	r := &Reader{Queue: q, QueueURL: url, Options: opts, Coalesce: 20 * time.Second,
		Leading: func() bool { return leading },
		Enabled: func(s string) bool { return s == Shutdown || s == Patching },
		Run:     func(s string) { mu.Lock(); ran = append(ran, s); mu.Unlock() },
		Now:     func() time.Time { return clock }}

	// A follower leaves the queue alone.
	lctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	r.Loop(lctx)
	cancel()
	if n := visible(t, q, url); n != 15 {
		t.Fatalf("after the follower: %d messages visible, want 15", n)
	}

	leading = true
	var noted []Event
	for range 4 {
		evs, err := r.Poll(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		noted = append(noted, evs...)
	}
	if len(noted) != 12 {
		t.Errorf("%d events noted, want the 12 distinct ones", len(noted))
	}
	if got := r.Flush(); len(got) != 0 {
		t.Errorf("ran %v before the window passed", got)
	}
	clock = clock.Add(20 * time.Second)
	if got := r.Flush(); !slices.Equal(got, []string{Patching, Shutdown}) {
		t.Errorf("ran %v, want patching and shutdown once each (backup and monitor are off)", got)
	}
	if got := r.Flush(); len(got) != 0 {
		t.Errorf("ran %v again", got)
	}
	if n := visible(t, q, url); n != 0 {
		t.Errorf("%d messages left in the queue", n)
	}
}

func visible(t *testing.T, q *sqs.Client, url string) int {
	t.Helper()
	out, err := q.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range out.Attributes {
		var k int
		fmt.Sscan(v, &k)
		n += k
	}
	return n
}
