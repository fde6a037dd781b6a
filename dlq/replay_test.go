package dlq

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// archiveAll puts msgs in a queue called from and archives them all.
func archiveAll(t *testing.T, e *env, from string, put func()) Queue {
	t.Helper()
	fq := e.sqs.queues[e.sqs.queueURL(from)]
	if fq == nil {
		fq = e.sqs.addQueue(from, retention4d, "", nil)
	}
	put()
	a := testArchiveConfig()
	a.When = ArchiveOnArrival
	q := queueOf(fq)
	out := e.archiver(q, a, retention4d).scan(context.Background(), int64(len(e.sqs.live(from))))
	if out.Err() != nil || len(e.sqs.live(from)) != 0 {
		t.Fatalf("archive: %+v %v", out, out.Err())
	}
	return q
}

func replayClients(e *env) ReplayClients { return ReplayClients{S3: e.s3, SQS: e.sqs} }

func TestReplaySendsArchivedMessagesBack(t *testing.T) {
	e := newEnv(t0)
	var originals []*fakeMessage
	archiveAll(t, e, "orders-dlq", func() {
		for i := range 23 {
			m := e.sqs.put("orders-dlq", "body "+strings.Repeat("ü", i), t0.Add(-time.Duration(i)*time.Hour), map[string]sqstypes.MessageAttributeValue{
				"bin":  {DataType: aws.String("Binary.gz"), BinaryValue: allBytes()},
				"n":    {DataType: aws.String("Number.int"), StringValue: aws.String("42")},
				"kind": {DataType: aws.String("String"), StringValue: aws.String("order")},
			})
			m.trace = "Root=1-abc"
			originals = append(originals, m)
		}
	})
	e.s3.setObject(testBucket, "dlq-archive/README.txt", []byte("not a message"))
	e.sqs.addQueue("orders", 0, "orders-dlq", nil)
	e.s3.calls.reset()
	var seen []ReplayEntry
	rep, err := Replay(context.Background(), replayClients(e), ReplayOptions{
		From: "s3://" + testBucket + "/dlq-archive/", To: "orders", Each: func(r ReplayEntry) { seen = append(seen, r) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Objects != 23 || rep.Sent != 23 || rep.Failed+rep.Skipped != 0 || len(seen) != 23 || rep.FIFO {
		t.Fatalf("report = %+v", rep)
	}
	got := e.sqs.live("orders")
	if len(got) != 23 {
		t.Fatalf("%d messages in orders, want 23", len(got))
	}
	byBody := map[string]*fakeMessage{}
	for _, m := range got {
		byBody[m.body] = m
	}
	for _, o := range originals {
		m := byBody[o.body]
		if m == nil {
			t.Fatalf("message %q not replayed", o.body)
		}
		if string(m.attrs["bin"].BinaryValue) != string(allBytes()) || aws.ToString(m.attrs["bin"].DataType) != "Binary.gz" ||
			aws.ToString(m.attrs["n"].StringValue) != "42" || aws.ToString(m.attrs["n"].DataType) != "Number.int" || m.trace != "Root=1-abc" {
			t.Errorf("replayed %q with attributes %v trace %q", m.body, m.attrs, m.trace)
		}
	}
	if n := e.sqs.calls.count("SendMessageBatch"); n != 3 {
		t.Errorf("%d SendMessageBatch calls for 23 messages, want 3", n)
	}
	for _, op := range e.s3.calls.all() {
		if op != "ListObjectsV2" && op != "GetObject" {
			t.Errorf("replay called S3 %s", op)
		}
	}
	if n := len(e.s3.keys(testBucket)); n != 24 {
		t.Errorf("the archive changed: %d objects", n)
	}
}

func TestReplayDryRunSendsNothing(t *testing.T) {
	e := newEnv(t0)
	archiveAll(t, e, "orders-dlq", func() {
		for range 4 {
			e.sqs.put("orders-dlq", "b", t0, nil)
		}
	})
	var seen []ReplayEntry
	rep, err := Replay(context.Background(), replayClients(e), ReplayOptions{
		From: "s3://" + testBucket, To: e.sqs.queueURL("orders-dlq"), DryRun: true, Each: func(r ReplayEntry) { seen = append(seen, r) },
	})
	if err != nil || rep.WouldSend != 4 || rep.Sent != 0 || len(seen) != 4 || seen[0].Status != ReplayWouldSend || seen[0].MessageID == "" {
		t.Fatalf("report %+v seen %+v err %v", rep, seen, err)
	}
	if n := e.sqs.calls.count("SendMessageBatch") + e.sqs.calls.count("SendMessage"); n != 0 {
		t.Errorf("dry run sent %d times", n)
	}
}

func TestReplaySkipsMalformedObjectsAndReportsFailures(t *testing.T) {
	e := newEnv(t0)
	archiveAll(t, e, "q", func() {
		e.sqs.put("q", "good one", t0, nil)
		e.sqs.put("q", "refuse me", t0, nil)
		e.sqs.put("q", "good two", t0, nil)
	})
	good, _ := EncodeRecord(sampleRecord())
	e.s3.setObject(testBucket, "dlq-archive/bad/truncated.json", good[:len(good)-10])
	e.s3.setObject(testBucket, "dlq-archive/bad/garbage.json", []byte("{}"))
	noValue := sampleRecord()
	noValue.MessageAttributes = map[string]Attribute{"x": {DataType: "Binary", StringValue: aws.String("s")}}
	b, _ := EncodeRecord(noValue)
	e.s3.setObject(testBucket, "dlq-archive/bad/novalue.json", b)
	e.sqs.addQueue("target", 0, "", nil)
	rep, err := Replay(context.Background(), replayClients(e), ReplayOptions{From: "s3://" + testBucket + "/dlq-archive", To: "target"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Objects != 6 || rep.Sent != 2 || rep.Skipped != 3 || rep.Failed != 1 || len(rep.Problems) != 4 {
		t.Fatalf("report = %+v", rep)
	}
	skipped := map[string]bool{}
	for _, p := range rep.Problems {
		if p.Status == ReplaySkipped {
			skipped[p.Key] = true
		}
		if p.Status == ReplayFailed && !strings.Contains(p.Error, "InvalidMessageContents") {
			t.Errorf("failure = %+v", p)
		}
	}
	for _, k := range []string{"dlq-archive/bad/truncated.json", "dlq-archive/bad/garbage.json", "dlq-archive/bad/novalue.json"} {
		if !skipped[k] {
			t.Errorf("%s not reported as skipped: %+v", k, rep.Problems)
		}
	}
	if n := len(e.sqs.live("target")); n != 2 {
		t.Errorf("%d messages sent, want the 2 good ones", n)
	}
}

func TestReplayToAFIFOQueue(t *testing.T) {
	e := newEnv(t0)
	fifo := e.sqs.addQueue("jobs-dlq.fifo", retention4d, "", nil)
	archiveAll(t, e, "jobs-dlq.fifo", func() {
		e.sqs.mu.Lock()
		e.sqs.putLocked(fifo, "first", t0, nil, "g1", "d1")
		e.sqs.putLocked(fifo, "second", t0, nil, "g2", "d2")
		e.sqs.mu.Unlock()
	})
	var std []*fakeMessage
	archiveAll(t, e, "plain-dlq", func() { std = append(std, e.sqs.put("plain-dlq", "from standard", t0, nil)) })
	e.sqs.addQueue("jobs.fifo", 0, "", nil)
	rep, err := Replay(context.Background(), replayClients(e), ReplayOptions{From: "s3://" + testBucket + "/", To: "jobs.fifo"})
	if err != nil || rep.Sent != 3 || !rep.FIFO {
		t.Fatalf("report %+v err %v", rep, err)
	}
	got := map[string]*fakeMessage{}
	for _, m := range e.sqs.live("jobs.fifo") {
		got[m.body] = m
	}
	if m := got["first"]; m == nil || m.group != "g1" || m.dedup != "d1" {
		t.Errorf("first = %+v", m)
	}
	if m := got["from standard"]; m == nil || m.group != std[0].id || m.dedup != std[0].id {
		t.Errorf("from standard = %+v", m)
	}
}

func TestReplaySendsALargeMessageAlone(t *testing.T) {
	e := newEnv(t0)
	big := bigBody(256 << 10)
	archiveAll(t, e, "q", func() {
		e.sqs.put("q", big, t0, map[string]sqstypes.MessageAttributeValue{"a": {DataType: aws.String("String"), StringValue: aws.String("v")}})
		e.sqs.put("q", "small", t0, nil)
	})
	e.sqs.addQueue("target", 0, "", nil)
	rep, err := Replay(context.Background(), replayClients(e), ReplayOptions{From: "s3://" + testBucket, To: "target"})
	if err != nil || rep.Sent != 2 {
		t.Fatalf("report %+v err %v", rep, err)
	}
	if e.sqs.calls.count("SendMessage") != 1 || e.sqs.calls.count("SendMessageBatch") != 1 {
		t.Errorf("calls = %v", e.sqs.calls.all())
	}
	for _, m := range e.sqs.live("target") {
		if len(m.body) > 1000 && m.body != big {
			t.Error("the large body changed")
		}
	}
}

func TestReplayRefusesBadArguments(t *testing.T) {
	e := newEnv(t0)
	e.sqs.addQueue("target", 0, "", nil)
	for _, o := range []ReplayOptions{
		{From: "bucket/prefix", To: "target"},
		{From: "s3://Not_A_Bucket/x", To: "target"},
		{From: "s3://" + testBucket, To: "no-such-queue"},
		{From: "s3://" + testBucket, To: "not a name"},
		{From: "s3://missing-bucket", To: "target"},
	} {
		if _, err := Replay(context.Background(), replayClients(e), o); err == nil {
			t.Errorf("Replay(%+v) did not fail", o)
		}
	}
}
