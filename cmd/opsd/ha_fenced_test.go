package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
	"github.com/opsd-dev/opsd/internal/slackrecord"
)

// heldAnswer holds back the answers to one operation through a proxy: the
// call reaches moto at once (the caller's view of the estate is from that
// moment) but its answer is delivered only once released.
type heldAnswer struct {
	reached chan struct{}
	release chan struct{}
	once    sync.Once
}

func holdAnswers(t *testing.T, p *mototest.Proxy, operation string) *heldAnswer {
	h := &heldAnswer{reached: make(chan struct{}), release: make(chan struct{})}
	t.Cleanup(h.free)
	var reached sync.Once
	p.Handle(operation, func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		p.Forward(rec, r)
		reached.Do(func() { close(h.reached) })
		<-h.release
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = io.Copy(w, rec.Body)
	})
	return h
}

func (h *heldAnswer) free() { h.once.Do(func() { close(h.release) }) }

// A leader paused (SIGSTOP) in the middle of its run, past its lease,
// resumes after the other replica took over and did the work. Its stop is
// refused by the fence; it must tell no one (no "1 failed … does not hold
// the leader lease" in Slack) and record its run as aborted, not leader,
// not as a failure. The new leader's summary is the one told.
func TestFencedLeaderTellsNoOne(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	client := ec2.NewFromConfig(srv.Config("eu-west-2"))
	id := estate(t, client)["dev-api"]
	slack := slackrecord.Start(t)
	withSlack := func(cfg string) string {
		return cfg + fmt.Sprintf("notify: {slack: {token: xoxb-test, channel: \"#ops\", api_url: %q}}\n", slack.URL())
	}

	proxyA, proxyB := mototest.NewProxy(t, srv.URL()), mototest.NewProxy(t, srv.URL())
	held := holdAnswers(t, proxyA, "DescribeInstances")
	bin := opsdbin.Build(t)
	addrA, addrB := opsdbin.FreeAddr(t), opsdbin.FreeAddr(t)
	a := startOpsd(t, bin, writeConfig(t, withSlack(haConfig(proxyA.URL(), addrA, "replica-a"))), addrA)
	select {
	case <-held.reached:
	case <-time.After(30 * time.Second):
		t.Fatalf("replica-a never listed instances\n%s", a.out.String())
	}
	// The leader saw dev-api running; it is paused before it acts.
	if err := a.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	t.Cleanup(func() {
		if !resumed {
			_ = a.cmd.Process.Signal(syscall.SIGCONT)
		}
	})

	b := startOpsd(t, bin, writeConfig(t, withSlack(haConfig(proxyB.URL(), addrB, "replica-b"))), addrB)
	b.status(t, func(doc map[string]any) bool { return role(doc) == "leader" && lastOutcome(doc) == "ok" })
	if got := states(t, client)[id]; got != "stopped" {
		t.Fatalf("the new leader did not stop dev-api: %s\n%s", got, b.out.String())
	}
	told := slack.Count()

	// The old leader resumes with its stale view and tries to stop dev-api.
	if err := a.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	resumed = true
	held.free()
	doc := a.status(t, func(doc map[string]any) bool { return lastOutcome(doc) == "skipped" && !jobRunning(doc) })
	if role(doc) != "follower" {
		t.Errorf("replica-a's role after resuming = %q, want follower", role(doc))
	}
	if !strings.Contains(a.out.String(), "aborted, not leader") {
		t.Errorf("replica-a's log does not say its run was aborted, not leader:\n%s", a.out.String())
	}
	if n := proxyA.Count("StopInstances"); n != 0 {
		t.Errorf("the fenced replica reached StopInstances %d times", n)
	}
	// Give a late post time to arrive before looking.
	time.Sleep(time.Second)
	for _, text := range slack.Texts(told) {
		t.Errorf("the fenced replica posted to Slack: %q", text)
	}
	for _, text := range slack.Texts(0) {
		if strings.Contains(text, "leader lease") || strings.Contains(text, "failed") && !strings.Contains(text, "0 failed") {
			t.Errorf("a Slack post tells of a failure: %q", text)
		}
	}
	if told == 0 {
		t.Errorf("the new leader's stop was told to no one")
	}
}
