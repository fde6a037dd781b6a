package dlq

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// The operations the archiver calls, as a mototest.Proxy names them.
const (
	opReceive = "AmazonSQS.ReceiveMessage"
	opDelete  = "AmazonSQS.DeleteMessageBatch"
	opRelease = "AmazonSQS.ChangeMessageVisibilityBatch"
	opPut     = "PUT /{bucket}/{key+}"
	opGet     = "GET /{bucket}/{key+}"
)

// motoKill is one archiver process in front of moto: a proxy that passes
// its calls to moto until the chosen call, where the process dies, and
// refuses every call after it. It remembers the receipt handles moto gave
// out, so that the test can end their visibility timeouts at once instead
// of waiting for them.
type motoKill struct {
	p      *mototest.Proxy
	direct *sqs.Client // moto itself
	op     string      // "" for any call
	n      int
	mode   int
	rng    *rand.Rand

	mu       sync.Mutex
	seen     int
	dead     bool
	fired    string
	receipts []string
}

func newMotoKill(t *testing.T, srv *mototest.Server, direct *sqs.Client, op string, n, mode int, rng *rand.Rand) *motoKill {
	k := &motoKill{p: mototest.NewProxy(t, srv.URL()), direct: direct, op: op, n: n, mode: mode, rng: rng}
	for _, o := range []string{opReceive, opDelete, opRelease, opPut, opGet} {
		k.p.Handle(o, k.handler(o))
	}
	return k
}

func (k *motoKill) handler(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		k.mu.Lock()
		dead, fatal := k.dead, false
		if !dead && (k.op == "" || k.op == op) {
			k.seen++
			if k.seen == k.n {
				k.dead, fatal = true, true
				k.fired = fmt.Sprintf("%s #%d mode %d", op, k.n, k.mode)
			}
		}
		k.mu.Unlock()
		if dead || (fatal && k.mode == killBefore) {
			mototest.WriteError(w, r, http.StatusBadRequest, "Killed", "the process died")
			return
		}
		if fatal && k.mode == killMid && op == opDelete {
			k.deleteSome(r)
			mototest.WriteError(w, r, http.StatusBadRequest, "Killed", "the process died")
			return
		}
		rec := httptest.NewRecorder()
		k.p.Forward(rec, r)
		if op == opReceive {
			k.remember(rec.Body.Bytes())
		}
		if fatal {
			mototest.WriteError(w, r, http.StatusBadRequest, "Killed", "the process died")
			return
		}
		for h, v := range rec.Header() {
			w.Header()[h] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}
}

// deleteSome carries out the first few entries of a DeleteMessageBatch.
func (k *motoKill) deleteSome(r *http.Request) {
	var in struct {
		QueueUrl string
		Entries  []struct{ Id, ReceiptHandle string }
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Entries) == 0 {
		return
	}
	some := in.Entries[:k.rng.IntN(len(in.Entries)+1)]
	if len(some) == 0 {
		return
	}
	batch := &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(in.QueueUrl)}
	for _, e := range some {
		batch.Entries = append(batch.Entries, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(e.Id), ReceiptHandle: aws.String(e.ReceiptHandle)})
	}
	_, _ = k.direct.DeleteMessageBatch(context.Background(), batch)
}

func (k *motoKill) remember(body []byte) {
	var out struct {
		Messages []struct{ ReceiptHandle string }
	}
	if json.Unmarshal(body, &out) != nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, m := range out.Messages {
		k.receipts = append(k.receipts, m.ReceiptHandle)
	}
}

// release makes messages visible again at once, ignoring handles moto no
// longer knows.
func release(ctx context.Context, c *sqs.Client, url string, receipts []string) {
	for start := 0; start < len(receipts); start += maxBatch {
		in := &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url)}
		for i, h := range receipts[start:min(start+maxBatch, len(receipts))] {
			in.Entries = append(in.Entries, sqstypes.ChangeMessageVisibilityBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: aws.String(h)})
		}
		_, _ = c.ChangeMessageVisibilityBatch(ctx, in)
	}
}

// TestIntegrationKillTheArchiverAgainstMoto is the kill test against moto
// through the real SDK: an archiver dies at random points (before a put,
// between a put and its delete, in the middle of a delete batch, at any
// call) until 60 due messages are archived, with 20 not yet due beside
// them. The bucket is versioned, so that a second write of any key would
// show. After every kill every message is in the queue or the archive and
// no key has been written twice.
func TestIntegrationKillTheArchiverAgainstMoto(t *testing.T) {
	e := newMotoEnv(t)
	ctx := context.Background()
	direct := sqs.NewFromConfig(e.srv.Config(motoRegion))
	directS3 := s3.NewFromConfig(e.srv.Config(motoRegion), func(o *s3.Options) { o.UsePathStyle = true })
	const bucket = "opsd-dlq-archive"
	e.bucket(t, bucket, true)
	if _, err := e.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	url := e.queue(t, "orders-dlq", map[string]string{"MessageRetentionPeriod": "345600"}, nil)
	bodies := map[string]string{}
	due := map[string]bool{}
	send := func(n int, isDue bool) {
		for start := 0; start < n; start += maxBatch {
			in := &sqs.SendMessageBatchInput{QueueUrl: aws.String(url)}
			for i := start; i < min(start+maxBatch, n); i++ {
				in.Entries = append(in.Entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)),
					MessageBody: aws.String(fmt.Sprintf("due=%v %d %s", isDue, i, strings.Repeat("€", i%7))),
					MessageAttributes: map[string]sqstypes.MessageAttributeValue{
						"bin": {DataType: aws.String("Binary"), BinaryValue: []byte{byte(i), 0, 0xff}},
					}})
			}
			out, err := direct.SendMessageBatch(ctx, in)
			if err != nil || len(out.Failed) > 0 {
				t.Fatalf("send: %v %v", err, out)
			}
			for _, s := range out.Successful {
				id := aws.ToString(s.MessageId)
				i := 0
				fmt.Sscan(aws.ToString(s.Id), &i)
				bodies[id] = aws.ToString(in.Entries[i-start].MessageBody)
				due[id] = isDue
			}
		}
	}
	send(60, true)
	time.Sleep(20 * time.Millisecond)
	now := time.Now().Add(3 * 24 * time.Hour)
	time.Sleep(20 * time.Millisecond)
	send(20, false)

	a := motoArchiveConfig(bucket).Archive
	a.MaxMessagesPerRun = 20
	q := Queue{Account: mototest.DefaultAccountID, Region: motoRegion, Name: "orders-dlq", URL: url, ARN: arnOf("orders-dlq")}
	rng := rand.New(rand.NewPCG(5, 2026))
	checked := map[string]bool{}
	kills := 0
	for round := 0; ; round++ {
		if round > 60 {
			t.Fatal("the archiver makes no progress")
		}
		var op string
		mode := killBefore
		n := 1 + rng.IntN(20)
		switch rng.IntN(5) {
		case 0:
			op = opPut
		case 1:
			op, mode = opPut, killAfter
		case 2:
			op, mode, n = opDelete, killMid, 1+rng.IntN(3)
		case 3:
			mode, n = killAfter, 1+rng.IntN(40)
		default:
			n = 1 + rng.IntN(40)
		}
		k := newMotoKill(t, e.srv, direct, op, n, mode, rng)
		c := NewClients(k.p.Config(motoRegion))
		ar := &archiver{sqs: c.SQS, s3: c.S3, cfg: a, q: q, retention: retention4d, now: now, log: slog.New(slog.DiscardHandler)}
		ar.scan(ctx, int64(len(bodies)))
		if k.dead {
			kills++
		}
		// The dead process's hidden messages come back.
		release(ctx, direct, url, k.receipts)

		// Every message is in the queue or the archive, each key written once.
		inQueue := map[string]bool{}
		var handles []string
		for _, m := range e.drainDirect(t, direct, url) {
			inQueue[aws.ToString(m.MessageId)] = true
			handles = append(handles, aws.ToString(m.ReceiptHandle))
		}
		release(ctx, direct, url, handles)
		archived := map[string]bool{}
		versions, err := directS3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
		if err != nil {
			t.Fatal(err)
		}
		perKey := map[string]int{}
		for _, v := range versions.Versions {
			perKey[aws.ToString(v.Key)]++
		}
		for key, nv := range perKey {
			if nv != 1 {
				t.Fatalf("round %d: %s written %d times", round, key, nv)
			}
			id := strings.TrimSuffix(key[strings.LastIndex(key, "/")+1:], ".json")
			archived[id] = true
			if !checked[key] {
				r, err := readRecord(ctx, directS3, bucket, key)
				if err != nil || r.MessageID != id || r.Body != bodies[id] || string(r.MessageAttributes["bin"].BinaryValue) == "" {
					t.Fatalf("round %d: object %s: %v %+v", round, key, err, r)
				}
				if !due[id] {
					t.Fatalf("round %d: message %s archived before it was due", round, id)
				}
				checked[key] = true
			}
		}
		finished := true
		for id := range bodies {
			if !inQueue[id] && !archived[id] {
				t.Fatalf("round %d (kill %s): message %s is neither in the queue nor in the archive", round, k.fired, id)
			}
			if due[id] == inQueue[id] {
				finished = false
			}
		}
		if finished {
			t.Logf("%d rounds, %d kills", round+1, kills)
			break
		}
	}
	if kills < 5 {
		t.Errorf("only %d kills happened", kills)
	}
}

// drainDirect receives every visible message of a queue straight from moto.
func (e *motoEnv) drainDirect(t *testing.T, c *sqs.Client, url string) []sqstypes.Message {
	t.Helper()
	var all []sqstypes.Message
	for {
		out, err := c.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, VisibilityTimeout: 60})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			return all
		}
		all = append(all, out.Messages...)
	}
}
