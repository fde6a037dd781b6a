package dlq

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

const testBucket = "opsd-archive"

// env is one account and region of fakes.
type env struct {
	clock *fakeClock
	sqs   *fakeSQS
	s3    *fakeS3
	cw    *fakeCloudWatch
}

func newEnv(now time.Time) *env {
	c := &fakeClock{t: now}
	e := &env{clock: c, sqs: newFakeSQS(c, testAccount, testRegion), s3: newFakeS3(), cw: newFakeCloudWatch()}
	e.s3.addBucket(testBucket)
	return e
}

func (e *env) clients() Clients { return Clients{SQS: e.sqs, S3: e.s3, CloudWatch: e.cw} }

func testArchiveConfig() ArchiveConfig {
	a := DefaultConfig().Archive
	a.Bucket = testBucket
	return a
}

// queueOf is the Queue discovery would make of a fake queue.
func queueOf(fq *fakeQueue) Queue {
	return Queue{Account: testAccount, Region: testRegion, Name: fq.name, URL: fq.url, ARN: fq.arn, FIFO: fq.fifo}
}

func (e *env) archiver(q Queue, a ArchiveConfig, retention time.Duration) *archiver {
	return &archiver{sqs: e.sqs, s3: e.s3, cfg: a, q: q, retention: retention, now: e.clock.now(), log: slog.New(slog.DiscardHandler)}
}

// archived decodes the object of message m in queue q.
func (e *env) archived(t *testing.T, q Queue, m *fakeMessage) (Record, fakeObject, bool) {
	t.Helper()
	key := ObjectKey(testArchiveConfig().Prefix, q.Account, q.Region, q.Name, m.sent, m.id)
	o, ok := e.s3.object(testBucket, key)
	if !ok {
		return Record{}, o, false
	}
	r, err := DecodeRecord(o.body)
	if err != nil {
		t.Fatalf("object %s: %v", key, err)
	}
	return r, o, true
}

const retention4d = 4 * 24 * time.Hour

func TestScanArchivesWhatIsDueAndReleasesTheRest(t *testing.T) {
	e := newEnv(t0)
	fq := e.sqs.addQueue("orders-dlq", retention4d, "", nil)
	q := queueOf(fq)
	attrs := map[string]sqstypes.MessageAttributeValue{
		"kind": {DataType: aws.String("String"), StringValue: aws.String("order")},
		"blob": {DataType: aws.String("Binary.gz"), BinaryValue: allBytes()},
	}
	var old []*fakeMessage
	for i := range 13 {
		old = append(old, e.sqs.put("orders-dlq", "old "+strings.Repeat("x", i), t0.Add(-3*24*time.Hour-time.Minute), attrs))
	}
	for range 7 {
		e.sqs.put("orders-dlq", "recent", t0.Add(-time.Hour), nil)
	}
	out := e.archiver(q, testArchiveConfig(), retention4d).scan(context.Background(), 20)
	if out.Received != 20 || out.Due != 13 || out.Archived != 13 || out.Deleted != 13 || out.Held != 7 || out.Kept != 0 || !out.Complete || out.Err() != nil {
		t.Fatalf("outcome = %+v", out)
	}
	for _, m := range old {
		r, o, ok := e.archived(t, q, m)
		if !ok {
			t.Fatalf("message %s not archived", m.id)
		}
		if r.Body != m.body || r.MessageID != m.id || r.QueueARN != q.ARN || !r.ArchivedAt.Equal(t0) ||
			r.Attributes["SentTimestamp"] == "" || r.Attributes["ApproximateReceiveCount"] != "1" ||
			string(r.MessageAttributes["blob"].BinaryValue) != string(allBytes()) || r.MessageAttributes["blob"].DataType != "Binary.gz" {
			t.Errorf("record = %+v", r)
		}
		if o.sse != s3types.ServerSideEncryptionAes256 || o.kms != "" {
			t.Errorf("object encryption %q %q, want AES256", o.sse, o.kms)
		}
	}
	live := e.sqs.live("orders-dlq")
	if len(live) != 7 {
		t.Fatalf("%d messages left in the queue, want the 7 not due", len(live))
	}
	for _, m := range live {
		if m.visibleAt.After(t0) {
			t.Errorf("message %s not due is still hidden until %s", m.id, m.visibleAt)
		}
		if _, _, ok := e.archived(t, q, m); ok {
			t.Errorf("message %s not due was archived", m.id)
		}
	}
	if n := len(e.s3.keys(testBucket)); n != 13 {
		t.Errorf("%d objects, want 13", n)
	}
}

func TestScanUsesTheKMSKey(t *testing.T) {
	e := newEnv(t0)
	q := queueOf(e.sqs.addQueue("q", retention4d, "", nil))
	m := e.sqs.put("q", "b", t0.Add(-4*24*time.Hour), nil)
	a := testArchiveConfig()
	a.KMSKeyID = "arn:aws:kms:eu-west-2:111111111111:key/abc"
	e.archiver(q, a, retention4d).scan(context.Background(), 1)
	_, o, ok := e.archived(t, q, m)
	if !ok || o.sse != s3types.ServerSideEncryptionAwsKms || o.kms != a.KMSKeyID {
		t.Errorf("object %v encryption %q %q", ok, o.sse, o.kms)
	}
}

func TestAMessageArchivedBeforeIsDeletedNotRewritten(t *testing.T) {
	e := newEnv(t0)
	q := queueOf(e.sqs.addQueue("q", retention4d, "", nil))
	m := e.sqs.put("q", "b", t0.Add(-4*24*time.Hour), nil)
	a := testArchiveConfig()
	// The first scan writes it but cannot delete it.
	e.sqs.fail["DeleteMessageBatch"] = apiError("ServiceUnavailable", "down")
	out := e.archiver(q, a, retention4d).scan(context.Background(), 1)
	if out.Archived != 1 || out.Deleted != 0 || out.Kept != 1 || out.Err() == nil {
		t.Fatalf("first scan = %+v", out)
	}
	first, _, _ := e.archived(t, q, m)
	delete(e.sqs.fail, "DeleteMessageBatch")
	e.clock.advance(a.VisibilityTimeout + time.Second)
	// The second finds it archived: 412, checked, deleted.
	out = e.archiver(q, a, retention4d).scan(context.Background(), 1)
	if out.Archived != 0 || out.AlreadyArchived != 1 || out.Deleted != 1 || out.Kept != 0 || out.Err() != nil {
		t.Fatalf("second scan = %+v", out)
	}
	again, _, _ := e.archived(t, q, m)
	if !again.ArchivedAt.Equal(first.ArchivedAt) || len(e.s3.keys(testBucket)) != 1 {
		t.Error("the archive object was overwritten")
	}
	if len(e.sqs.live("q")) != 0 {
		t.Error("the message is still in the queue")
	}
}

func TestAnotherObjectAtTheKeyKeepsTheMessage(t *testing.T) {
	e := newEnv(t0)
	q := queueOf(e.sqs.addQueue("q", retention4d, "", nil))
	m := e.sqs.put("q", "mine", t0.Add(-4*24*time.Hour), nil)
	key := ObjectKey(testArchiveConfig().Prefix, testAccount, testRegion, "q", m.sent, m.id)
	other := sampleRecord()
	other.MessageID = m.id
	other.Body = "someone else's"
	b, _ := EncodeRecord(other)
	e.s3.setObject(testBucket, key, b)
	out := e.archiver(q, testArchiveConfig(), retention4d).scan(context.Background(), 1)
	if out.Deleted != 0 || out.Kept != 1 || out.Err() == nil || !strings.Contains(out.Err().Error(), "holds another message") {
		t.Fatalf("outcome = %+v, err %v", out, out.Err())
	}
	e.s3.setObject(testBucket, key, []byte("garbage"))
	e.clock.advance(time.Hour)
	out = e.archiver(q, testArchiveConfig(), retention4d).scan(context.Background(), 1)
	if out.Deleted != 0 || out.Kept != 1 {
		t.Fatalf("outcome over a garbage object = %+v", out)
	}
	if len(e.sqs.live("q")) != 1 {
		t.Error("the message was deleted although its archive is not it")
	}
}

func TestAFailedWriteKeepsAndReleasesTheMessage(t *testing.T) {
	e := newEnv(t0)
	q := queueOf(e.sqs.addQueue("q", retention4d, "", nil))
	e.sqs.put("q", "b", t0.Add(-4*24*time.Hour), nil)
	e.s3.fail["PutObject"] = apiError("AccessDenied", "Access Denied")
	out := e.archiver(q, testArchiveConfig(), retention4d).scan(context.Background(), 1)
	if out.Archived != 0 || out.Kept != 1 || out.Held != 1 || out.Err() == nil || !strings.Contains(out.Err().Error(), "AccessDenied") {
		t.Fatalf("outcome = %+v, err %v", out, out.Err())
	}
	if n := e.sqs.calls.count("DeleteMessageBatch"); n != 0 {
		t.Errorf("%d deletes after a failed write", n)
	}
	live := e.sqs.live("q")
	if len(live) != 1 || live[0].visibleAt.After(t0) {
		t.Errorf("the message is not back in the queue, visible: %+v", live)
	}
}

func TestDeleteFailuresAreRetriedAndReported(t *testing.T) {
	e := newEnv(t0)
	q := queueOf(e.sqs.addQueue("q", retention4d, "", nil))
	for range 10 {
		e.sqs.put("q", "b", t0.Add(-4*24*time.Hour), nil)
	}
	e.sqs.deleteFailRate = 1
	out := e.archiver(q, testArchiveConfig(), retention4d).scan(context.Background(), 10)
	if out.Archived != 10 || out.Deleted != 0 || out.Kept != 10 || !strings.Contains(out.Err().Error(), "InternalError") {
		t.Fatalf("outcome = %+v err %v", out, out.Err())
	}
	if n := e.sqs.calls.count("DeleteMessageBatch"); n != 2 {
		t.Errorf("%d DeleteMessageBatch calls, want the batch and one retry", n)
	}
	// A sender fault is not retried.
	e.sqs.deleteFailRate = 0
	e.sqs.calls.reset()
	e.clock.advance(time.Hour)
	out = e.archiver(q, testArchiveConfig(), retention4d).scan(context.Background(), 10)
	if out.AlreadyArchived != 10 || out.Deleted != 10 || len(e.sqs.live("q")) != 0 || len(e.s3.keys(testBucket)) != 10 {
		t.Fatalf("outcome = %+v", out)
	}
}

func TestBatchResultCountsUnconfirmedEntriesAsNotDone(t *testing.T) {
	hs := []handle{{"a", "ra"}, {"b", "rb"}, {"c", "rc"}}
	done, notDone := batchResult(hs, []string{"0"}, []sqstypes.BatchResultErrorEntry{{Id: aws.String("1"), Code: aws.String("ReceiptHandleIsInvalid"), SenderFault: true}}, nil)
	if len(done) != 1 || done[0].id != "a" || len(notDone) != 2 || notDone[0].code != "ReceiptHandleIsInvalid" || !notDone[0].senderFault || notDone[1].code != "Unconfirmed" {
		t.Errorf("done %v notDone %+v", done, notDone)
	}
}

func TestScanStopsAtTheCap(t *testing.T) {
	e := newEnv(t0)
	q := queueOf(e.sqs.addQueue("q", retention4d, "", nil))
	for range 100 {
		e.sqs.put("q", "b", t0.Add(-time.Hour), nil)
	}
	a := testArchiveConfig()
	a.MaxMessagesPerRun = 25
	out := e.archiver(q, a, retention4d).scan(context.Background(), 100)
	if out.Received != 25 || out.Held != 25 || out.Complete {
		t.Fatalf("outcome = %+v", out)
	}
	if n := e.sqs.calls.count("ReceiveMessage"); n != 3 {
		t.Errorf("%d receives for 25 messages, want 3", n)
	}
	for _, m := range e.sqs.live("q") {
		if m.visibleAt.After(t0) {
			t.Fatal("a held message was not released")
		}
	}
}

func TestScanOfAFIFOQueue(t *testing.T) {
	e := newEnv(t0)
	fq := e.sqs.addQueue("orders-dlq.fifo", retention4d, "", nil)
	q := queueOf(fq)
	e.sqs.mu.Lock()
	for i := range 12 {
		g := []string{"g1", "g2", "g3"}[i%3]
		e.sqs.putLocked(fq, "m", t0.Add(-4*24*time.Hour), nil, g, "d"+g+string(rune('a'+i)))
	}
	e.sqs.mu.Unlock()
	a := testArchiveConfig()
	a.When = ArchiveOnArrival
	var total archiveOutcome
	for range 12 {
		out := e.archiver(q, a, retention4d).scan(context.Background(), int64(len(e.sqs.live(q.Name))))
		total.Archived += out.Archived
		if len(e.sqs.live(q.Name)) == 0 {
			break
		}
	}
	if total.Archived != 12 {
		t.Fatalf("archived %d of 12 FIFO messages", total.Archived)
	}
	for _, k := range e.s3.keys(testBucket) {
		o, _ := e.s3.object(testBucket, k)
		r, _ := DecodeRecord(o.body)
		if r.Attributes["MessageGroupId"] == "" || r.Attributes["MessageDeduplicationId"] == "" || r.Attributes["SequenceNumber"] == "" {
			t.Errorf("FIFO attributes missing from %s: %v", k, r.Attributes)
		}
	}
}

func TestCheckBucket(t *testing.T) {
	f := newFakeS3()
	f.addBucket("good")
	if err := checkBucket(context.Background(), f, "good"); err != nil {
		t.Errorf("good bucket refused: %v", err)
	}
	f.addBucket("public")
	f.pab["public"].RestrictPublicBuckets = aws.Bool(false)
	f.addBucket("noblock")
	f.pab["noblock"] = nil
	f.addBucket("plain")
	f.enc["plain"] = false
	for b, want := range map[string]string{
		"public":  "does not block all public access",
		"noblock": "has no public access block",
		"plain":   "has no default encryption",
		"absent":  "has no public access block",
	} {
		err := checkBucket(context.Background(), f, b)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkBucket(%s) = %v, want %q", b, err, want)
		}
	}
	f.fail["GetPublicAccessBlock"] = apiError("AccessDenied", "no")
	if err := checkBucket(context.Background(), f, "good"); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("checkBucket without permission = %v", err)
	}
}
