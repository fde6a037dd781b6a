package dlq

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// invariant checks what the archiver promises, whatever happened: every
// message is in the queue or in the archive (never neither), no message
// is archived twice or under another's key, every archive object is its
// message byte for byte, and nothing not yet due was archived.
type invariant struct {
	t         *testing.T
	e         *env
	q         Queue
	originals map[string]*fakeMessage // by message id
	due       map[string]bool
	checked   map[string]bool // object keys already checked
}

func (v *invariant) check(when string) {
	t := v.t
	t.Helper()
	inQueue := map[string]bool{}
	for _, m := range v.e.sqs.live(v.q.Name) {
		inQueue[m.id] = true
	}
	archived := map[string]int{}
	for _, key := range v.e.s3.keys(testBucket) {
		id := strings.TrimSuffix(key[strings.LastIndex(key, "/")+1:], ".json")
		archived[id]++
		if v.checked[key] {
			continue
		}
		o, _ := v.e.s3.object(testBucket, key)
		r, err := DecodeRecord(o.body)
		if err != nil {
			t.Fatalf("%s: object %s: %v", when, key, err)
		}
		m := v.originals[r.MessageID]
		if m == nil || r.MessageID != id {
			t.Fatalf("%s: object %s holds message %q", when, key, r.MessageID)
		}
		if want := ObjectKey(testArchiveConfig().Prefix, testAccount, testRegion, v.q.Name, m.sent, m.id); key != want {
			t.Fatalf("%s: message %s archived at %s, want %s", when, m.id, key, want)
		}
		if r.Body != m.body || r.Attributes["SentTimestamp"] != fmt.Sprint(m.sent.UnixMilli()) ||
			string(r.MessageAttributes["bin"].BinaryValue) != string(m.attrs["bin"].BinaryValue) {
			t.Fatalf("%s: object %s is not message %s byte for byte", when, key, m.id)
		}
		if !v.due[m.id] {
			t.Fatalf("%s: message %s was archived before it was due", when, m.id)
		}
		v.checked[key] = true
	}
	v.e.s3.mu.Lock()
	overwrites := v.e.s3.overwrites
	v.e.s3.mu.Unlock()
	if overwrites > 0 {
		t.Fatalf("%s: %d archive objects were overwritten", when, overwrites)
	}
	for id := range v.originals {
		if !inQueue[id] && archived[id] == 0 {
			t.Fatalf("%s: message %s is neither in the queue nor in the archive", when, id)
		}
		if archived[id] > 1 {
			t.Fatalf("%s: message %s archived %d times", when, id, archived[id])
		}
	}
}

// done reports whether every due message is archived and out of the
// queue, and every other one in the queue.
func (v *invariant) done() bool {
	inQueue := map[string]bool{}
	for _, m := range v.e.sqs.live(v.q.Name) {
		inQueue[m.id] = true
	}
	for id := range v.originals {
		if v.due[id] == inQueue[id] {
			return false
		}
	}
	return true
}

func (e *env) visible(name string) int64 {
	now := e.clock.now()
	var n int64
	for _, m := range e.sqs.live(name) {
		if !m.visibleAt.After(now) {
			n++
		}
	}
	return n
}

// randomKill picks where the next archiver dies: before a write, between
// a write and its delete, in the middle of a delete batch, or at any call
// at all (a receive whose answer is lost, a release, ...).
func randomKill(rng *rand.Rand) (*killSwitch, string) {
	switch rng.IntN(6) {
	case 0:
		return &killSwitch{op: "PutObject", n: 1 + rng.IntN(10), mode: killBefore}, "before put"
	case 1:
		return &killSwitch{op: "PutObject", n: 1 + rng.IntN(10), mode: killAfter}, "between put and delete"
	case 2:
		return &killSwitch{op: "DeleteMessageBatch", n: 1 + rng.IntN(3), mode: killMid}, "mid delete batch"
	case 3:
		return &killSwitch{op: "DeleteMessageBatch", n: 1 + rng.IntN(3), mode: killAfter}, "after delete batch"
	case 4:
		return &killSwitch{n: 1 + rng.IntN(40), mode: killBefore}, "before any call"
	}
	return &killSwitch{n: 1 + rng.IntN(40), mode: killAfter}, "after any call"
}

// TestKillTheArchiverAnywhereAndLoseNothing kills the archiver at random
// points in every run until it has archived 3,000 messages' due two
// thirds (hundreds of kills), in
// a queue that delivers some messages twice (stale receipt handles whose
// deletes succeed and delete nothing) and fails some delete entries. After
// every kill no message is lost or archived twice; in the end every due
// message is archived exactly once and gone from the queue, and every
// other one is still there.
func TestKillTheArchiverAnywhereAndLoseNothing(t *testing.T) {
	const messages, minKills = 3000, 250
	e := newEnv(t0)
	e.sqs.dupRate = 0.05
	e.sqs.deleteFailRate = 0.02
	e.sqs.shuffle = true
	q := queueOf(e.sqs.addQueue("orders-dlq", retention4d, "orders", nil))
	v := &invariant{t: t, e: e, q: q, originals: map[string]*fakeMessage{}, due: map[string]bool{}, checked: map[string]bool{}}
	rng := rand.New(rand.NewPCG(2026, 11))
	for i := range messages {
		sent := t0.Add(-3*24*time.Hour - time.Duration(rng.IntN(3600))*time.Second)
		due := i%3 != 0
		if !due {
			sent = t0.Add(-time.Duration(rng.IntN(12*3600)) * time.Second) // due 60 h after t0 at the earliest
		}
		body := fmt.Sprintf("message %d %s", i, strings.Repeat("é", rng.IntN(64)))
		bin := make([]byte, 1+rng.IntN(32))
		for j := range bin {
			bin[j] = byte(rng.IntN(256))
		}
		m := e.sqs.put(q.Name, body, sent, map[string]sqstypes.MessageAttributeValue{
			"bin": {DataType: aws.String("Binary"), BinaryValue: bin},
		})
		v.originals[m.id] = m
		v.due[m.id] = due
	}
	a := testArchiveConfig()
	a.MaxMessagesPerRun = 50
	fired := map[string]int{}
	total := 0
	rounds := 0
	for round := 0; !v.done(); round++ {
		rounds++
		if round > 1500 { // 1,500 rounds move the clock 50 h
			t.Fatal("the archiver makes no progress")
		}
		k, where := randomKill(rng)
		e.sqs.kill, e.s3.kill = k, k
		e.archiver(q, a, retention4d).scan(context.Background(), e.visible(q.Name))
		e.sqs.kill, e.s3.kill = nil, nil
		if k.isDead() {
			fired[where]++
			total++
		}
		v.check(fmt.Sprintf("round %d (kill %s: %s)", round, where, k.firedText()))
		// The dead process's hidden messages come back when their
		// visibility timeout ends.
		e.clock.advance(a.VisibilityTimeout + time.Second)
	}
	t.Logf("%d kills over %d messages in %d runs: %v", total, messages, rounds, fired)
	if total < minKills {
		t.Errorf("only %d kills happened, want at least %d", total, minKills)
	}
	for _, w := range []string{"before put", "between put and delete", "mid delete batch", "before any call", "after any call"} {
		if fired[w] == 0 {
			t.Errorf("no kill %s happened", w)
		}
	}
	if n := len(e.s3.keys(testBucket)); n != 2*messages/3 {
		t.Errorf("%d objects, want %d", n, 2*messages/3)
	}
	// A run without a kill changes nothing once everything is archived.
	e.archiver(q, a, retention4d).scan(context.Background(), e.visible(q.Name))
	v.check("after the last run")
	if !v.done() {
		t.Error("a run after everything was archived undid it")
	}
}

func (k *killSwitch) firedText() string {
	if k == nil {
		return "none"
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fired == "" {
		return "did not fire"
	}
	return k.fired
}
