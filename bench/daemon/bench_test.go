package daemon

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// services is how many jobs idleConfig schedules: one per service.
const services = 6

// TestDaemonStartsAndIdles checks the harness the benchmarks rely on: the
// daemon with every service configured becomes ready against moto, runs
// each job once at start, stays up, and its usage can be read.
func TestDaemonStartsAndIdles(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	bin := opsdbin.Build(t)
	addr := opsdbin.FreeAddr(t)
	p := start(t, bin, idleConfig(t, srv.URL(), addr), addr)
	defer p.stop()
	p.waitReady(t, 30*time.Second)
	p.waitJobsRan(t, services, 60*time.Second)
	u, err := readUsage(p.cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if u.rss <= 0 || u.peak < u.rss || u.cpu <= 0 {
		t.Errorf("usage %+v: want a resident size, a peak at least as large, and some CPU time", u)
	}
	if code, _ := p.get("/readyz"); code != 200 {
		t.Errorf("/readyz answered %d after the runs at start; want 200", code)
	}
}

// BenchmarkStartupToReady measures process start to the first true
// /readyz against moto (target ≤ 300 ms), every service configured. It
// reports the median, which the first start's cold page cache (the binary
// read from disk) does not move, and the worst.
func BenchmarkStartupToReady(b *testing.B) {
	srv := mototest.Shared(b)
	srv.Reset(b)
	mototest.SetCredentialsEnv(b)
	bin := opsdbin.Build(b)
	var took []time.Duration
	for b.Loop() {
		addr := opsdbin.FreeAddr(b)
		path := idleConfig(b, srv.URL(), addr)
		began := time.Now()
		p := start(b, bin, path, addr)
		took = append(took, p.waitReady(b, 30*time.Second).Sub(began))
		p.stop()
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-to-ready")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "ms-to-ready-worst")
}

// BenchmarkIdle measures a daemon with every service configured and
// nothing due, after the runs at start have finished, for
// BENCH_IDLE_WINDOW (default 60s): resident memory at the end, peak
// resident memory, the anonymous part of the resident memory (heap and
// stacks, without the binary's mapped pages), and CPU as a percentage of
// one core (targets: RSS ≤ 40 MB, CPU ≤ 0.5%). Run it with -benchtime 1x.
func BenchmarkIdle(b *testing.B) {
	window := 60 * time.Second
	if v := os.Getenv("BENCH_IDLE_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("BENCH_IDLE_WINDOW=%q: %v", v, err)
		}
		window = d
	}
	srv := mototest.Shared(b)
	srv.Reset(b)
	mototest.SetCredentialsEnv(b)
	bin := opsdbin.Build(b)
	var rss, peak, anon int64
	var cpu float64
	for b.Loop() {
		addr := opsdbin.FreeAddr(b)
		p := start(b, bin, idleConfig(b, srv.URL(), addr), addr)
		p.waitReady(b, 30*time.Second)
		p.waitJobsRan(b, services, 60*time.Second)
		before, err := readUsage(p.cmd.Process.Pid)
		if err != nil {
			b.Fatal(err)
		}
		time.Sleep(window)
		after, err := readUsage(p.cmd.Process.Pid)
		if err != nil {
			b.Fatalf("%v (did opsd exit while idle?)", err)
		}
		p.stop()
		rss, peak, anon = max(rss, after.rss), max(peak, after.peak), max(anon, after.anon)
		cpu = max(cpu, 100*(after.cpu-before.cpu).Seconds()/window.Seconds())
	}
	b.ReportMetric(float64(rss)/(1<<20), "MB-rss")
	b.ReportMetric(float64(peak)/(1<<20), "MB-peak-rss")
	b.ReportMetric(float64(anon)/(1<<20), "MB-anon-rss")
	b.ReportMetric(cpu, "%cpu")
}
