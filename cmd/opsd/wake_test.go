package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// launchClock makes an EC2 endpoint behave as AWS does where moto does
// not: AWS sets an instance's LaunchTime each time it starts it, moto only
// when it creates it. StartInstances through the proxy stamps each
// instance with the clock of the opsd run in progress (its --now), and
// DescribeInstances answers that time as LaunchTime.
type launchClock struct {
	mu      sync.Mutex
	now     time.Time
	started map[string]time.Time
}

var (
	startedIDRE = regexp.MustCompile(`InstanceId\.\d+=(i-[0-9a-f]+)`)
	launchRE    = regexp.MustCompile(`(?s)<instanceId>(i-[0-9a-f]+)</instanceId>(.*?)<launchTime>[^<]*</launchTime>`)
)

// install makes p stamp and answer launch times.
func (lc *launchClock) install(p *mototest.Proxy) {
	lc.started = map[string]time.Time{}
	p.Handle("StartInstances", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		lc.mu.Lock()
		for _, m := range startedIDRE.FindAllStringSubmatch(string(body), -1) {
			lc.started[m[1]] = lc.now
		}
		lc.mu.Unlock()
		p.Forward(w, r)
	})
	p.Handle("DescribeInstances", func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		p.Forward(rec, r)
		lc.mu.Lock()
		out := launchRE.ReplaceAllStringFunc(rec.Body.String(), func(s string) string {
			m := launchRE.FindStringSubmatch(s)
			at, ok := lc.started[m[1]]
			if !ok {
				return s
			}
			return fmt.Sprintf("<instanceId>%s</instanceId>%s<launchTime>%s</launchTime>", m[1], m[2], at.UTC().Format("2006-01-02T15:04:05.000Z"))
		})
		lc.mu.Unlock()
		for k, v := range rec.Header() {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = io.WriteString(w, out)
	})
}

// startedAt is the launch time the proxy answers for id, zero if none.
func (lc *launchClock) startedAt(id string) time.Time {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.started[id]
}

// at sets the clock of the next opsd run and returns it as --now.
func (lc *launchClock) at(t time.Time) string {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	// The start lands a few seconds after the reconcile's clock, as in AWS.
	lc.now = t.Add(20 * time.Second)
	return t.UTC().Format(time.RFC3339)
}

// nextFridayAfter is 19:05 London time on the first Friday at least a day
// after t: the runs below must lie after moto's real creation time of the
// instance.
func nextFridayAfter(t *testing.T, after time.Time) time.Time {
	t.Helper()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	d := after.In(london).AddDate(0, 0, 1)
	for d.Weekday() != time.Friday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 19, 5, 0, 0, london)
}

// A development instance overnight shutdown stops on Friday evening is
// woken by a patch window on Sunday (wake_stopped), patched and stopped
// again. On Monday morning shutdown must start it: patching's start and
// stop are not a person's, even though AWS moved its LaunchTime past
// shutdown's stop marker. Both services, the real binary, moto behind the
// emulator (SSM) and a proxy giving LaunchTime AWS's meaning.
func TestShutdownStartsOnMondayWhatPatchingWokeOnSunday(t *testing.T) {
	srv := mototest.Shared(t)
	mototest.SetCredentialsEnv(t)
	srv.Reset(t)
	bin := opsdbin.Build(t)
	em := startEmulator(t, buildEmulator(t), srv.URL())
	proxy := mototest.NewProxy(t, em.url)
	var lc launchClock
	lc.install(proxy)
	moto := srv.Config("eu-west-2")

	id := launchTagged(t, moto, []string{"dev-box"}, "Environment=development", "OOOShutdown=true", "TOPATCH=true")["dev-box"]
	path := writeConfig(t, fmt.Sprintf(`aws: {regions: [eu-west-2], endpoint_url: %q}
shutdown: {enabled: true}
patching:
  enabled: true
  poll_interval: 1s
  windows:
    default: {schedule: "0 1 * * sun", duration: 3h, wake_stopped: true}
`, proxy.URL()))

	friday := nextFridayAfter(t, time.Now())
	sunday := friday.AddDate(0, 0, 2)
	sundayAt := func(h, m int) time.Time {
		return time.Date(sunday.Year(), sunday.Month(), sunday.Day(), h, m, 0, 0, friday.Location())
	}
	monday := time.Date(sunday.Year(), sunday.Month(), sunday.Day()+1, 7, 5, 0, 0, friday.Location())
	const both = "shutdown,patching"

	mustRunOnce(t, bin, path, lc.at(friday), both)
	wantState(t, moto, id, "stopped", "Friday evening")

	mustRunOnce(t, bin, path, lc.at(sundayAt(0, 45)), both)
	wantState(t, moto, id, "running", "woken for the window")
	out := mustRunOnce(t, bin, path, lc.at(sundayAt(1, 5)), both)
	out += mustRunOnce(t, bin, path, lc.at(sundayAt(1, 15)), both)
	wantState(t, moto, id, "stopped", "after patching")
	if !strings.Contains(out, "1 installed") {
		t.Errorf("no patch run report after patching:\n%s", out)
	}
	if lc.startedAt(id).IsZero() {
		t.Fatal("the proxy saw no StartInstances: the launch time did not move")
	}

	out = mustRunOnce(t, bin, path, lc.at(monday), both)
	wantState(t, moto, id, "running", "Monday morning")
	if strings.Contains(out, "stopped outside opsd") {
		t.Errorf("Monday's run took patching's start for a person's:\n%s", out)
	}
}

// wantState fails t unless instance id is in state.
func wantState(t *testing.T, cfg aws.Config, id, state, when string) {
	t.Helper()
	out, err := ec2.NewFromConfig(cfg).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil || len(out.Reservations) == 0 || len(out.Reservations[0].Instances) == 0 {
		t.Fatalf("%s: describe %s: %v", when, id, err)
	}
	if got := string(out.Reservations[0].Instances[0].State.Name); got != state {
		t.Fatalf("%s: %s is %s, want %s", when, id, got, state)
	}
}
