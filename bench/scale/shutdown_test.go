package scale

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/awssim"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// evening is a Tuesday 20:00 in Europe/London (GMT in November): inside
// the default schedule's off period, so every opted-in instance is
// stopped.
const evening = "2026-11-24T20:00:00Z"

// Tag keys opsd writes after a stop (shutdown's defaults).
const (
	lastActionTag   = "opsd:shutdown:last-action"
	lastActionAtTag = "opsd:shutdown:last-action-at"
)

// API maxima the floor is computed with.
const (
	// describePage is DescribeInstances' largest MaxResults.
	describePage = 1000
	// ec2IDBatch is the most instance ids one StopInstances or CreateTags
	// call takes (CreateTags documents "up to 1000 resource IDs").
	ec2IDBatch = 1000
	// markerWrites is how many times opsd must tag an instance it stops:
	// its intent (last-action=stopping) before the stop, so a stop whose
	// outcome is never recorded is still known as opsd's, and the outcome
	// (last-action=stop) after it. Both write every instance of a batch
	// in one call.
	markerWrites = 2
)

// estate is a shutdown benchmark's organisation: accounts × regions ×
// in-scope instances, each tagged Environment=development and
// OOOShutdown=true.
type estate struct {
	accounts  int
	regions   []string
	instances int // per account and region
	// concurrency is aws.concurrency, the targets worked on at once.
	concurrency int
	latency     time.Duration
}

func (e estate) account(i int) string { return fmt.Sprintf("%012d", 100000000000+i) }

func (e estate) targets() int { return e.accounts * len(e.regions) }

// seed puts the estate's instances in the simulator.
func (e estate) seed(srv *awssim.Server) {
	tags := map[string]string{"Environment": "development", "OOOShutdown": "true", "Name": "app"}
	for a := range e.accounts {
		for _, r := range e.regions {
			srv.AddInstances(e.account(a), r, e.instances, tags)
		}
	}
}

// config is the opsd configuration: every account through its role.
func (e estate) config(endpoint string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "timezone: Europe/London\naws:\n  endpoint_url: %q\n  concurrency: %d\n  regions: [%s]\n  accounts:\n",
		endpoint, e.concurrency, strings.Join(e.regions, ", "))
	for a := range e.accounts {
		fmt.Fprintf(&b, "    - {id: %q, role_arn: \"arn:aws:iam::%s:role/opsd\"}\n", e.account(a), e.account(a))
	}
	b.WriteString("shutdown:\n  enabled: true\n  timeout: 30m\n")
	return b.String()
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// floor is the fewest calls by operation the APIs allow for one evening:
// one AssumeRole per account; per account and region, the
// DescribeInstances pages at MaxResults 1000, StopInstances in batches of
// 1000, CreateTags in batches of 1000 for each of the markerWrites (each
// writing both marker tags at once), and the one Auto Scaling, two RDS
// and one ECS listings that observe groups, databases and services; and
// one DescribeInstanceTypes for the whole run (a type's instance storage
// is read once per process).
func (e estate) floor() map[string]int64 {
	t := int64(e.targets())
	pages := int64(max(1, ceilDiv(e.instances, describePage)))
	batches := int64(ceilDiv(e.instances, ec2IDBatch))
	return map[string]int64{
		"sts.AssumeRole":                        int64(e.accounts),
		"ec2.DescribeInstances":                 t * pages,
		"ec2.StopInstances":                     t * batches,
		"ec2.CreateTags":                        markerWrites * t * batches,
		"autoscaling.DescribeAutoScalingGroups": t,
		"rds.DescribeDBInstances":               t,
		"rds.DescribeDBClusters":                t,
		"ecs.ListClusters":                      t,
		"ec2.DescribeInstanceTypes":             1,
	}
}

// floorWall is the wall time the floor implies: the floor's calls spread
// over aws.concurrency calls in flight at once, each taking the latency.
func floorWall(floor map[string]int64, concurrency int, latency time.Duration) time.Duration {
	var n int64
	for _, v := range floor {
		n += v
	}
	return time.Duration(ceilDiv(int(n), concurrency)) * latency
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// verifyStopped counts the instances that are not stopped, or stopped
// without opsd's marker tags.
func (e estate) verifyStopped(srv *awssim.Server) (stopped, wrong int, example string) {
	for a := range e.accounts {
		for _, r := range e.regions {
			srv.EachInstance(e.account(a), r, func(in awssim.Instance) bool {
				if in.State == "stopped" && in.Tags[lastActionTag] == "stop" && in.Tags[lastActionAtTag] != "" {
					stopped++
					return true
				}
				if wrong == 0 {
					example = fmt.Sprintf("%s in %s/%s is %s with tags %v", in.ID, e.account(a), r, in.State, in.Tags)
				}
				wrong++
				return true
			})
		}
	}
	return stopped, wrong, example
}

// shutdownRun is one evening's run and what it cost.
type shutdownRun struct {
	run
	calls awssim.Calls
	floor map[string]int64
}

func runShutdown(tb testing.TB, e estate) shutdownRun {
	tb.Helper()
	srv := awssim.New(awssim.Options{Latency: e.latency})
	defer srv.Close()
	e.seed(srv)
	bin := opsdbin.Build(tb)
	cfg := writeFile(tb, "opsd.yaml", opsdbin.WithState(tb, e.config(srv.URL())))
	srv.ResetCalls()
	r := runOpsd(tb, bin, srv.Env(awssim.DefaultAccount), 10*time.Minute,
		"run", "--config", cfg, "--once", "--now", evening, "--only", "shutdown")
	out := shutdownRun{run: r, calls: srv.Calls(), floor: e.floor()}
	if r.exit != 0 {
		tb.Fatalf("opsd run --once exited %d\nstdout tail:\n%s\nstderr tail:\n%s", r.exit, r.stdout, r.stderr)
	}
	stopped, wrong, example := e.verifyStopped(srv)
	if want := e.targets() * e.instances; stopped != want || wrong != 0 {
		tb.Errorf("%d of %d instances stopped and tagged; %d not, e.g. %s", stopped, want, wrong, example)
	}
	return out
}

// callTable lists calls by operation beside the floor, on one line (the
// testing package cuts long benchmark logs).
func callTable(calls, floor map[string]int64) string {
	ops := slices.Sorted(maps.Keys(calls))
	for op := range floor {
		if _, ok := calls[op]; !ok {
			ops = append(ops, op)
		}
	}
	parts := make([]string, 0, len(ops)+1)
	for _, op := range ops {
		parts = append(parts, fmt.Sprintf("%s %d/%d", op, calls[op], floor[op]))
	}
	parts = append(parts, fmt.Sprintf("total %d/%d", sum(calls), sum(floor)))
	return "calls/floor: " + strings.Join(parts, ", ")
}

func TestShutdownCallsMatchTheFloor(t *testing.T) {
	e := estate{accounts: 3, regions: []string{"eu-west-2", "eu-west-1"}, instances: 120, concurrency: 4, latency: time.Millisecond}
	r := runShutdown(t, e)
	if len(r.calls.Throttled) > 0 {
		t.Errorf("throttled calls without a limit: %v", r.calls.Throttled)
	}
	if fmt.Sprint(r.calls.ByOp) != fmt.Sprint(r.floor) {
		t.Errorf("AWS calls differ from the floor: %s", callTable(r.calls.ByOp, r.floor))
	}
	for a := range e.accounts {
		got := r.calls.ByAccount[e.account(a)]
		if n := got["ec2.DescribeInstances"]; n != r.floor["ec2.DescribeInstances"]/int64(e.accounts) {
			t.Errorf("account %s: %d DescribeInstances calls, want %d: calls are not attributed to the assumed role's account (%v)",
				e.account(a), n, r.floor["ec2.DescribeInstances"]/int64(e.accounts), got)
		}
	}
}

func TestFloorArithmetic(t *testing.T) {
	e := estate{accounts: 500, regions: []string{"eu-west-2", "eu-west-1"}, instances: 200, concurrency: 16, latency: 30 * time.Millisecond}
	f := e.floor()
	want := map[string]int64{
		"sts.AssumeRole": 500, "ec2.DescribeInstances": 1000, "ec2.StopInstances": 1000, "ec2.CreateTags": 2000,
		"autoscaling.DescribeAutoScalingGroups": 1000, "rds.DescribeDBInstances": 1000, "rds.DescribeDBClusters": 1000,
		"ecs.ListClusters": 1000, "ec2.DescribeInstanceTypes": 1,
	}
	if fmt.Sprint(f) != fmt.Sprint(want) {
		t.Errorf("floor %v, want %v", f, want)
	}
	// 8,501 calls, 16 at a time, 30 ms each: 532 rounds.
	if got := floorWall(f, e.concurrency, e.latency); got != 532*30*time.Millisecond {
		t.Errorf("floor wall %s", got)
	}
	big := estate{accounts: 1, regions: []string{"eu-west-2"}, instances: 2500}.floor()
	if big["ec2.DescribeInstances"] != 3 || big["ec2.StopInstances"] != 3 || big["ec2.CreateTags"] != 6 {
		t.Errorf("2,500 instances: floor %v, want 3 pages and 3 batches", big)
	}
}

// BenchmarkShutdownAtScale runs one evening's shutdown over 500 accounts ×
// 2 regions × 200 instances at 30 ms a call and the default concurrency.
// Run it with -benchtime 1x.
func BenchmarkShutdownAtScale(b *testing.B) {
	e := estate{accounts: 500, regions: []string{"eu-west-2", "eu-west-1"}, instances: 200, concurrency: 16, latency: 30 * time.Millisecond}
	for b.Loop() {
		r := runShutdown(b, e)
		reportShutdown(b, e, r)
	}
}

func reportShutdown(b *testing.B, e estate, r shutdownRun) {
	fw := floorWall(r.floor, e.concurrency, e.latency)
	b.ReportMetric(r.wall.Seconds(), "wall-s")
	b.ReportMetric(fw.Seconds(), "floor-wall-s")
	b.ReportMetric(float64(sum(r.calls.ByOp)), "calls")
	b.ReportMetric(float64(sum(r.floor)), "floor-calls")
	b.ReportMetric(float64(r.maxRSS)/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(r.cpu.Seconds(), "cpu-s")
	b.ReportMetric(float64(sum(r.calls.ByOp))/float64(sum(r.floor)), "calls/floor")
	b.ReportMetric(r.wall.Seconds()/fw.Seconds(), "wall/floor-wall")
	for op, n := range r.calls.ByOp {
		b.ReportMetric(float64(n), op[strings.Index(op, ".")+1:]+"-calls")
	}
	b.Logf("wall %.1fs (floor %.1fs, target ≤ %.1fs), calls %d (floor %d), peak RSS %.0f MiB (target ≤ 200), CPU %.1fs, throttled %v; "+
		"%d accounts × %d regions × %d instances, latency %s, concurrency %d; %s",
		r.wall.Seconds(), fw.Seconds(), 2*fw.Seconds(), sum(r.calls.ByOp), sum(r.floor), float64(r.maxRSS)/(1<<20), r.cpu.Seconds(), r.calls.Throttled,
		e.accounts, len(e.regions), e.instances, e.latency, e.concurrency, callTable(r.calls.ByOp, r.floor))
}
