package faults

import (
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// The DLQ archive promise, tested on the real binary against moto: no
// message is deleted from its queue before its archive object is
// confirmed in S3, so that after any number of kill -9s and any faults
// every message sent is either in S3 exactly once, with its body and
// attributes intact, or still in the queue.
//
// DLQ_KILL_MESSAGES, DLQ_KILLS and DLQ_KILL_MAX_CHARS size the kill test
// (300 messages of up to 200,000 characters and 16 kills in make test;
// make test-long runs 1,000 messages and 40 kills). moto's SendMessage
// slows with the queue's length (3,000 sends take 6.5 minutes), so the
// 10,000-message kill test runs against the simulated AWS instead
// (bench/scale TestDLQArchiveSurvivesKillNineAt10000Messages).

// killer kills the opsd process of the moment at the nth call of an
// operation, as the call reaches the proxy: before it is forwarded, which
// the proxy then completes for the dead process as AWS would.
type killer struct {
	mu      sync.Mutex
	p       *dlqProcess
	op      string
	nth     int
	seen    int
	deletes int // DeleteMessageBatch calls that reached the proxy
	fired   bool
}

func (k *killer) onCall(c Call, _ Fault) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if c.Operation == "DeleteMessageBatch" {
		k.deletes++
	}
	if k.p == nil || k.op == "" || !operationMatches(k.op, c.Operation) {
		return
	}
	k.seen++
	if k.seen == k.nth {
		k.fired = true
		k.p.kill()
	}
}

// arm sets the process to kill and when; op "" kills by timer only.
func (k *killer) arm(p *dlqProcess, op string, nth int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.p, k.op, k.nth, k.seen, k.fired = p, op, nth, 0, false
}

func (k *killer) disarm() (fired bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	fired = k.fired
	k.p, k.op = nil, ""
	return fired
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q is not a positive whole number", name, s)
	}
	return n
}

// TestDLQArchiveSurvivesKillNine archives a dead-letter queue of messages
// of 0 to 200,000 characters (non-ASCII among them) with String, Number
// and Binary attributes, killing opsd with SIGKILL again and again: at
// random times in the first second (the reported case), at random times
// in the first four seconds, at the nth DeleteMessageBatch (the kill
// lands as the batch is sent; the proxy completes it or, when it holds a
// slowed batch, drops it) and at the nth S3 PUT. Then opsd runs unkilled
// until the queue is empty, and every message sent is reconciled against
// the bucket and the queue.
func TestDLQArchiveSurvivesKillNine(t *testing.T) {
	// Not parallel: its hundreds of calls and kills would starve the
	// timing-bound shutdown fault test beside it.
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, seed^0xd1e))
	m := &moto{srv: mototest.Shared(t)}
	bin := opsdbin.Build(t)
	n, kills, maxChars := envInt(t, "DLQ_KILL_MESSAGES", 300), envInt(t, "DLQ_KILLS", 16), envInt(t, "DLQ_KILL_MAX_CHARS", 200000)
	start := time.Now()
	e := newArchiveEstate(t, m, target{"333333333301", "eu-west-2"}, n, maxChars, rng)
	t.Logf("sent %d messages, %d bytes of bodies, in %s", len(e.sent), e.bytes, time.Since(start).Round(time.Millisecond))

	k := &killer{}
	proxy, err := New(m.srv.URL(), Options{Seed: seed, OnCall: k.onCall})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	// Half the delete batches are held a moment, so that kills by timer
	// often fall while one is on its way.
	proxy.Add(Rule{Fault: Slow, Operations: []string{"DeleteMessageBatch"}, Rate: 0.5, Delay: 250 * time.Millisecond})
	config := e.config(t, proxy.URL())
	now := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)

	modes := map[string]int{}
	midRun, withWork := 0, 0
	for i := range kills {
		// A run that starts with nothing visible (the rest held by a
		// killed run until their visibility timeout) ends at once: it is
		// no test of the archiver, and not counted.
		if visible, _ := e.counts(t, m); visible > 0 {
			withWork++
		}
		p := startDLQRun(t, bin, config, now)
		var mode string
		switch i % 4 {
		case 0:
			mode = "timer 0.1-0.9s"
			go killAfter(p, 100*time.Millisecond+time.Duration(rng.Int64N(int64(800*time.Millisecond))))
		case 1:
			mode = "timer 0.1-4s"
			go killAfter(p, 100*time.Millisecond+time.Duration(rng.Int64N(int64(3900*time.Millisecond))))
		case 2:
			mode = "at a DeleteMessageBatch"
			k.arm(p, "DeleteMessageBatch", 1+rng.IntN(6))
		case 3:
			mode = "at an S3 PUT"
			k.arm(p, "PUT /"+e.bucket+"/*", 1+rng.IntN(40))
		}
		exit, out := p.wait(t, 5*time.Minute)
		fired := k.disarm()
		if p.cmd.ProcessState.String() == "signal: killed" {
			midRun++
			modes[mode]++
		} else if exit != 0 && exit != 1 {
			t.Fatalf("kill run %d (%s): exit %d:\n%s", i+1, mode, exit, tailText(out, 4000))
		}
		visible, inFlight := e.counts(t, m)
		t.Logf("kill run %d (%s): %s, fired %v; queue %d visible, %d in flight", i+1, mode, p.cmd.ProcessState, fired, visible, inFlight)
	}
	if midRun < withWork/2 || midRun == 0 {
		t.Errorf("only %d of the %d runs that had messages to archive were killed before they ended; the kills did not test the archiver", midRun, withWork)
	}
	runs := e.drain(t, m, bin, config, now, 30)
	c := e.reconcile(t, m)
	t.Logf("figures: %d messages, %d kills mid-run %v, %d delete batches sent, then %d unkilled runs; %s; %s in all",
		n, midRun, modes, k.deletes, runs, c, time.Since(start).Round(time.Second))
	for _, p := range c.problems() {
		t.Error(p)
	}
	if c.archived != c.sent || c.inQueue != 0 {
		t.Errorf("want every message archived once and none left: %s", c)
	}
}

func killAfter(p *dlqProcess, d time.Duration) {
	select {
	case <-p.done:
	case <-time.After(d):
		p.kill()
	}
}

// TestDLQArchiveUnderFaults archives the same kind of queue while S3 and
// SQS fail as they do in AWS: throttled and reset DeleteMessageBatch
// calls (the reset ones having deleted), PUTs whose connection is reset
// after S3 stored the object (the SDK's retry then meets the object
// already there), S3 500s, reset receives, and a few kills on top.
func TestDLQArchiveUnderFaults(t *testing.T) {
	// Not parallel, as TestDLQArchiveSurvivesKillNine.
	seed := testSeed(t)
	rng := rand.New(rand.NewPCG(seed, seed^0xfa17))
	m := &moto{srv: mototest.Shared(t)}
	bin := opsdbin.Build(t)
	began := time.Now()
	e := newArchiveEstate(t, m, target{"333333333302", "eu-west-2"}, 150, 200000, rng)
	t.Logf("sent %d messages in %s", len(e.sent), time.Since(began).Round(time.Millisecond))

	k := &killer{}
	proxy, err := New(m.srv.URL(), Options{Seed: seed, OnCall: k.onCall})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	put := "PUT /" + e.bucket + "/*"
	proxy.Add(
		Rule{Fault: Throttle, Operations: []string{"DeleteMessageBatch"}, Rate: 0.25, Burst: 2},
		Rule{Fault: ResetAfter, Operations: []string{"DeleteMessageBatch"}, Rate: 0.15},
		Rule{Fault: ResetAfter, Operations: []string{put}, Rate: 0.2},
		Rule{Fault: InternalError, Operations: []string{put}, Rate: 0.05},
		Rule{Fault: ResetBefore, Operations: []string{"ReceiveMessage"}, Rate: 0.05},
		Rule{Fault: Throttle, Operations: []string{"ChangeMessageVisibilityBatch"}, Rate: 0.2},
	)
	config := e.config(t, proxy.URL())
	now := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	for i := range 4 {
		began := time.Now()
		p := startDLQRun(t, bin, config, now)
		k.arm(p, "DeleteMessageBatch", 2+rng.IntN(4))
		_, _ = p.wait(t, 5*time.Minute)
		t.Logf("kill run %d: %s after %s", i+1, p.cmd.ProcessState, time.Since(began).Round(time.Millisecond))
		k.disarm()
	}
	runs := e.drain(t, m, bin, config, now, 40)
	c := e.reconcile(t, m)
	st := proxy.Stats()
	t.Logf("figures: %d messages, 4 kill runs then %d runs; faults %s; %s", len(e.sent), runs, st, c)
	for _, f := range []Fault{Throttle, ResetAfter, InternalError} {
		if st.Injected[f] == 0 {
			t.Errorf("no %s fault was injected; the test did not test it", f)
		}
	}
	for _, p := range c.problems() {
		t.Error(p)
	}
	if c.archived != c.sent || c.inQueue != 0 {
		t.Errorf("want every message archived once and none left: %s", c)
	}
}
