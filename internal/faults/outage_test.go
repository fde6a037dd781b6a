package faults

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// daemonProcess is a running `opsd run`.
type daemonProcess struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	addr string
	done chan error
}

func startDaemon(t *testing.T, bin, config, addr string) *daemonProcess {
	t.Helper()
	p := &daemonProcess{cmd: exec.Command(bin, "run", "--config", config), out: &syncBuffer{}, addr: addr, done: make(chan error, 1)}
	p.cmd.Env = opsdEnv(t)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	return p
}

// exited returns the process's exit error when it has exited.
func (p *daemonProcess) exited() (error, bool) {
	select {
	case err := <-p.done:
		p.done <- err
		return err, true
	default:
		return nil, false
	}
}

// get fetches path from the daemon's HTTP endpoints.
func (p *daemonProcess) get(path string) (int, map[string]any, error) {
	resp, err := http.Get("http://" + p.addr + path)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var doc map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&doc)
	return resp.StatusCode, doc, nil
}

// await polls until cond holds, failing t after limit or when the daemon
// exits; meanwhile the daemon must keep answering /healthz.
func (p *daemonProcess) await(t *testing.T, what string, limit time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < limit {
		if err, gone := p.exited(); gone {
			t.Fatalf("opsd exited (%v) while waiting for %s:\n%s", err, what, p.out.String())
		}
		if code, _, err := p.get("/healthz"); err != nil || code != 200 {
			t.Fatalf("/healthz = %d, %v while waiting for %s", code, err, what)
		}
		if cond() {
			return time.Since(start)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("%s did not happen within %s:\n%s", what, limit, p.out.String())
	return 0
}

func (p *daemonProcess) ready() bool {
	code, _, err := p.get("/readyz")
	return err == nil && code == 200
}

// outage is how long the test keeps AWS unreachable at least: far less
// than the minutes of a real outage, enough for opsd's readiness check
// (every 30 s) to see it.
const outage = 25 * time.Second

// AWS unreachable with the daemon running: the port AWS answers on is
// closed for a while. The daemon stays up and keeps answering /healthz,
// /readyz turns false (a reconcile that falls in the outage fails; whether
// one does depends on where the minute boundary falls, and the figures
// say); after AWS is back /readyz turns true by itself and the next
// scheduled run stops the instances launched during the outage, each
// once. SIGTERM then stops it cleanly.
func TestAWSUnreachableDaemonStaysUpAndRecovers(t *testing.T) {
	t.Parallel()
	m := &moto{srv: mototest.Shared(t)}
	bin := opsdbin.Build(t)
	tg := target{"220000000001", "eu-west-2"}
	first := m.launch(t, tg, 2, map[string]string{"Environment": "development", "OOOShutdown": "true"})

	proxy, err := New(m.srv.URL(), Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	addr := opsdbin.FreeAddr(t)
	// A schedule that is off all week (but for Sunday 23:59) and a
	// reconcile every minute, the shortest cron shutdown accepts.
	config := writeConfig(t, fmt.Sprintf(`aws:
  regions: [%s]
  endpoint_url: %q
  call_timeout: 3s
  max_attempts: 3
  accounts:
%shttp: {listen: %q}
shutdown:
  enabled: true
  schedule: "* * * * *"
  schedules:
    always:
      periods: [{off: "mon 00:00", on: "sun 23:58"}]
  default_schedule: always
`, tg.region, proxy.URL(), accountsYAML([]string{tg.account}), addr))
	p := startDaemon(t, bin, config, addr)
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if code, _, err := p.get("/healthz"); err == nil && code == 200 {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("opsd did not answer /healthz:\n%s", p.out.String())
		}
	}

	stopped := func(ids []string) func() bool {
		return func() bool {
			got := m.instances(t, tg)
			for _, id := range ids {
				if got[id].state != "stopped" || got[id].tags[lastAction] != "stop" {
					return false
				}
			}
			return true
		}
	}
	p.await(t, "ready and the first instances stopped", 30*time.Second, func() bool { return p.ready() && stopped(first)() })

	if err := proxy.Down(Refuse); err != nil {
		t.Fatal(err)
	}
	down := time.Now()
	// Launched while AWS is unreachable to opsd: the run after the
	// outage must stop them.
	later := m.launch(t, tg, 2, map[string]string{"Environment": "development", "OOOShutdown": "true"})
	toFalse := p.await(t, "/readyz false", 50*time.Second, func() bool { return !p.ready() })
	_, doc, _ := p.get("/readyz")
	if reason := fmt.Sprint(doc["reason"]); !strings.Contains(reason, "aws") {
		t.Errorf("/readyz reason %q does not name aws", reason)
	}
	if rest := outage - time.Since(down); rest > 0 {
		p.await(t, "the rest of the outage", rest+time.Second, func() bool { return time.Since(down) >= outage })
	}
	if err := proxy.Up(); err != nil {
		t.Fatal(err)
	}
	up := time.Now()
	outageTook := up.Sub(down)
	toStopped := p.await(t, "the instances launched during the outage stopped", 75*time.Second, stopped(later))
	toTrue := p.await(t, "/readyz true again", 60*time.Second, p.ready)

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("opsd exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("opsd did not stop after SIGTERM:\n%s", p.out.String())
	}
	out := p.out.String()
	if strings.Contains(out, "panic") || strings.Contains(out, "fatal error:") {
		t.Errorf("panic in opsd's output:\n%s", out)
	}
	failedRuns := strings.Count(out, `"msg":"job run","job":"shutdown","outcome":"failed"`) + strings.Count(out, `"msg":"job run","job":"shutdown","outcome":"timeout"`)
	okRuns := strings.Count(out, `"msg":"job run","job":"shutdown","outcome":"ok"`)
	tally := TallyChanges(proxy.StateChanges(), "StopInstances")
	for _, id := range append(append([]string(nil), first...), later...) {
		if tally.Applied[id] != 1 {
			t.Errorf("%s stopped %d times, want once", id, tally.Applied[id])
		}
	}
	t.Logf("FIGURES outage: AWS unreachable %s; /readyz false %s after it began; instances launched meanwhile stopped %s and /readyz true %s after it ended; shutdown runs ok %d, failed %d; proxy %s",
		outageTook.Round(time.Second), toFalse.Round(time.Second), toStopped.Round(time.Second), toTrue.Round(time.Second), okRuns, failedRuns, proxy.Stats())
}
