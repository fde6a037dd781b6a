package scale

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/dlq"
	"github.com/opsd-dev/opsd/internal/awssim"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// archiveBucket is where the dlq benchmarks archive.
const archiveBucket = "opsd-dlq-archive"

// backlog is a dlq benchmark's dead-letter queues: queues spread over
// accounts (one region), each holding messages, archived on arrival.
type backlog struct {
	accounts int
	queues   int // in all, spread evenly over the accounts
	messages int // per queue
	latency  time.Duration
}

const backlogRegion = "eu-west-2"

func (bl backlog) account(i int) string { return fmt.Sprintf("%012d", 200000000000+i) }

func (bl backlog) queueName(i int) string { return fmt.Sprintf("orders-%03d-dlq", i) }

// queueAccount is the account queue i is in.
func (bl backlog) queueAccount(i int) string { return bl.account(i % bl.accounts) }

func body(queue string, i int) string {
	return fmt.Sprintf(`{"queue":%q,"seq":%d,"order":"ord-%08d","error":"payment provider timed out after 3 attempts"}`, queue, i, i)
}

// seed creates the queues, tagged as dead-letter queues, each holding its
// messages, and the archive bucket (encrypted, public access blocked).
func (bl backlog) seed(tb testing.TB, srv *awssim.Server) {
	tb.Helper()
	srv.CreateBucket(archiveBucket, awssim.BucketOptions{})
	for q := range bl.queues {
		name := bl.queueName(q)
		srv.CreateQueue(bl.queueAccount(q), backlogRegion, name, map[string]string{"MessageRetentionPeriod": "1209600"}, map[string]string{"opsd:dlq": "true"})
		if err := srv.SendMessages(bl.queueAccount(q), backlogRegion, name, bl.messages, time.Time{}, func(i int) string { return body(name, i) }); err != nil {
			tb.Fatal(err)
		}
	}
}

func (bl backlog) config(endpoint string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "aws:\n  endpoint_url: %q\n  regions: [%s]\n  accounts:\n", endpoint, backlogRegion)
	for a := range bl.accounts {
		fmt.Fprintf(&b, "    - {id: %q, role_arn: \"arn:aws:iam::%s:role/opsd\"}\n", bl.account(a), bl.account(a))
	}
	fmt.Fprintf(&b, "dlq:\n  enabled: true\n  timeout: 30m\n  archive:\n    bucket: %s\n    when: arrival\n    max_messages_per_run: %d\n", archiveBucket, bl.messages)
	return b.String()
}

// floor is the fewest per-message calls the APIs allow: a receive and a
// delete per 10 messages, one PutObject per message.
func (bl backlog) floor() map[string]int64 {
	batches := int64(bl.queues * ceilDiv(bl.messages, 10))
	return map[string]int64{
		"sqs.ReceiveMessage":     batches,
		"sqs.DeleteMessageBatch": batches,
		"s3.PutObject":           int64(bl.queues * bl.messages),
	}
}

// verifyArchived checks that every message is in the archive exactly once,
// as its own record, and that the queues are empty. It returns the
// problems found, at most a few.
func (bl backlog) verifyArchived(srv *awssim.Server) []string {
	var problems []string
	add := func(format string, args ...any) {
		if len(problems) < 5 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	objects := srv.Objects(archiveBucket)
	if want := bl.queues * bl.messages; len(objects) != want {
		add("%d objects in the archive, want %d", len(objects), want)
	}
	seen := map[string]bool{}
	for key, b := range objects {
		rec, err := dlq.DecodeRecord(b)
		if err != nil {
			add("object %s: %v", key, err)
			continue
		}
		if !strings.HasSuffix(key, "/"+rec.MessageID+".json") {
			add("object %s holds message %s", key, rec.MessageID)
		}
		if seen[rec.Body] {
			add("message %s archived twice", rec.Body)
		}
		seen[rec.Body] = true
	}
	for q := range bl.queues {
		name := bl.queueName(q)
		for i := range bl.messages {
			if !seen[body(name, i)] {
				add("message %d of %s is not in the archive", i, name)
				break
			}
		}
		visible, inFlight, err := srv.QueueDepth(bl.queueAccount(q), backlogRegion, name)
		if err != nil || visible+inFlight != 0 {
			add("queue %s holds %d visible and %d in-flight messages (%v)", name, visible, inFlight, err)
		}
	}
	return problems
}

// dlqRun is one archive run and what it cost.
type dlqRun struct {
	run
	calls awssim.Calls
	floor map[string]int64
}

func runArchive(tb testing.TB, bl backlog) dlqRun {
	tb.Helper()
	srv := awssim.New(awssim.Options{Latency: bl.latency})
	defer srv.Close()
	bl.seed(tb, srv)
	bin := opsdbin.Build(tb)
	cfg := writeFile(tb, "opsd.yaml", opsdbin.WithState(tb, bl.config(srv.URL())))
	srv.ResetCalls()
	r := runOpsd(tb, bin, srv.Env(awssim.DefaultAccount), 10*time.Minute, "run", "--config", cfg, "--once", "--only", "dlq")
	out := dlqRun{run: r, calls: srv.Calls(), floor: bl.floor()}
	if r.exit != 0 {
		tb.Fatalf("opsd run --once exited %d\nstdout tail:\n%s\nstderr tail:\n%s", r.exit, r.stdout, r.stderr)
	}
	if problems := bl.verifyArchived(srv); len(problems) > 0 {
		tb.Errorf("after one run:\n%s", strings.Join(problems, "\n"))
	}
	return out
}

func TestDLQArchiveCallsMatchTheFloor(t *testing.T) {
	bl := backlog{accounts: 2, queues: 4, messages: 25, latency: time.Millisecond}
	r := runArchive(t, bl)
	for op, want := range r.floor {
		if got := r.calls.ByOp[op]; got != want {
			t.Errorf("%s: %d calls, floor %d", op, got, want)
		}
	}
	if n := r.calls.ByOp["s3.GetObject"]; n != 0 {
		t.Errorf("%d archived objects read back: no message was archived before", n)
	}
}

// BenchmarkDLQArchiveAtScale archives 100,000 messages from 50 dead-letter
// queues at 10 ms a call, in one run of opsd: the queues in one account
// (where one account and region's queue workers bound the pace) and spread
// over ten accounts. Run it with -benchtime 1x.
func BenchmarkDLQArchiveAtScale(b *testing.B) {
	for _, accounts := range []int{1, 10} {
		bl := backlog{accounts: accounts, queues: 50, messages: 2000, latency: 10 * time.Millisecond}
		b.Run(strconv.Itoa(accounts)+"-accounts", func(b *testing.B) {
			for b.Loop() {
				reportArchive(b, bl, runArchive(b, bl))
			}
		})
	}
}

func reportArchive(b *testing.B, bl backlog, r dlqRun) {
	msgs := float64(bl.queues * bl.messages)
	sqsCalls := float64(r.calls.Service("sqs"))
	b.ReportMetric(msgs/r.wall.Seconds(), "msgs/s")
	b.ReportMetric(r.wall.Seconds(), "wall-s")
	b.ReportMetric(sqsCalls/msgs, "sqs-calls/msg")
	// Receives and deletes, without finding the queues and reading their
	// attributes once per run: the part the floor of 0.2 counts.
	b.ReportMetric(float64(r.calls.ByOp["sqs.ReceiveMessage"]+r.calls.ByOp["sqs.DeleteMessageBatch"])/msgs, "sqs-receive-delete/msg")
	b.ReportMetric(float64(r.calls.ByOp["s3.PutObject"])/msgs, "s3-puts/msg")
	b.ReportMetric(float64(r.maxRSS)/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(r.cpu.Seconds(), "cpu-s")
	b.Logf("%.0f msgs/s (target ≥ 2000), SQS calls/msg %.3f (floor 0.2), S3 puts/msg %.3f (floor 1), peak RSS %.0f MiB, CPU %.1fs, throttled %v; "+
		"%d messages in %d queues over %d accounts, latency %s; %s",
		msgs/r.wall.Seconds(), sqsCalls/msgs, float64(r.calls.ByOp["s3.PutObject"])/msgs, float64(r.maxRSS)/(1<<20), r.cpu.Seconds(), r.calls.Throttled,
		bl.queues*bl.messages, bl.queues, bl.accounts, bl.latency, callTable(r.calls.ByOp, r.floor))
}
