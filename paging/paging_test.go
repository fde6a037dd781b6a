package paging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// fakePager keeps the events it is given and fails while fail is set.
type fakePager struct {
	events []notify.PageEvent
	fail   error
}

func (f *fakePager) Page(_ context.Context, ev notify.PageEvent) error {
	if f.fail != nil {
		return f.fail
	}
	f.events = append(f.events, ev)
	return nil
}

func (f *fakePager) took() []string {
	var out []string
	for _, ev := range f.events {
		out = append(out, string(ev.Action)+" "+ev.DedupKey)
	}
	return out
}

func TestPagingPagesOnceAndResolvesAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	st := state.NewTolerant(state.NewMemory(), slog.New(slog.DiscardHandler))
	pd, sns := &fakePager{}, &fakePager{}
	deps := Deps{Pagers: []notify.Pager{pd, sns}, State: st, Production: []string{"production"}}
	key := Key("dlq", acct, region, "orders-dlq", CondDLQMessages)

	p := New(deps)
	if err := p.Observe(ctx, result("dlq", dlqWatchFull, dlqAlert), reconcile.Apply, now); err != nil {
		t.Fatal(err)
	}
	if err := p.Observe(ctx, result("dlq", dlqWatchFull, dlqAlert), reconcile.Apply, now); err != nil {
		t.Fatal(err)
	}
	// A restarted daemon, or the replica that takes over, remembers.
	p = New(deps)
	if err := p.Observe(ctx, result("dlq", dlqWatchFull), reconcile.Apply, now); err != nil {
		t.Fatal(err)
	}
	if err := p.Observe(ctx, result("dlq", dlqWatchEmpty), reconcile.Plan, now); err != nil {
		t.Fatal(err)
	}
	if err := p.Observe(ctx, result("dlq", dlqWatchEmpty), reconcile.Apply, now); err != nil {
		t.Fatal(err)
	}
	want := "trigger " + key + "|resolve " + key
	if got := strings.Join(pd.took(), "|"); got != want {
		t.Errorf("pagerduty took %s, want %s", got, want)
	}
	if got := strings.Join(sns.took(), "|"); got != want {
		t.Errorf("sns took %s, want %s", got, want)
	}
}

func TestPagingRetriesATriggerThatFailed(t *testing.T) {
	ctx := context.Background()
	pd := &fakePager{fail: errors.New("pagerduty server error (503)")}
	p := New(Deps{Pagers: []notify.Pager{pd}, Production: []string{"production"}})
	err := p.Observe(ctx, result("backup", act("backup", "orders-db", "report-backup-job", reconcile.Reported, prod)), reconcile.Apply, now)
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v, want the pager's failure", err)
	}
	pd.fail = nil
	if err := p.Observe(ctx, result("backup", act("backup", "orders-db", "report-backup-job", reconcile.Reported, prod)), reconcile.Apply, now); err != nil {
		t.Fatal(err)
	}
	if len(pd.events) != 1 || pd.events[0].Action != notify.Trigger {
		t.Errorf("events after the retry = %v", pd.took())
	}
}

func TestPagingKeepsAnIncidentWhoseResolveFailed(t *testing.T) {
	ctx := context.Background()
	pd := &fakePager{}
	p := New(Deps{Pagers: []notify.Pager{pd}, Production: []string{"production"}})
	job := act("backup", "orders-db", "report-backup-job", reconcile.Reported, prod)
	_ = p.Observe(ctx, result("backup", job), reconcile.Apply, now)
	pd.fail = errors.New("network down")
	if err := p.Observe(ctx, result("backup"), reconcile.Apply, now); err == nil {
		t.Fatal("a failed resolve returned no error")
	}
	pd.fail = nil
	_ = p.Observe(ctx, result("backup"), reconcile.Apply, now)
	if got := strings.Join(pd.took(), "|"); !strings.HasSuffix(got, "|resolve "+Key("backup", acct, region, "orders-db", CondBackupJobFailed)) {
		t.Errorf("events = %s, want the resolve sent once it could be", got)
	}
}

func TestPagingTellsARejectedEventOnce(t *testing.T) {
	ctx := context.Background()
	var log bytes.Buffer
	pd := &fakePager{fail: fmt.Errorf("%w (400): invalid routing key", notify.ErrPageRejected)}
	p := New(Deps{Pagers: []notify.Pager{pd}, Production: []string{"production"}, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	for range 3 {
		_ = p.Observe(ctx, result("backup", act("backup", "orders-db", "report-backup-job", reconcile.Reported, prod)), reconcile.Apply, now)
	}
	if n := strings.Count(log.String(), "level=ERROR"); n != 1 {
		t.Errorf("%d error records, want 1:\n%s", n, log.String())
	}
	if !strings.Contains(log.String(), "notify.pagerduty") {
		t.Errorf("the error does not point at the configuration:\n%s", log.String())
	}
}

func TestPagingWithoutPagersDoesNothing(t *testing.T) {
	var p *Paging
	if err := p.Observe(context.Background(), result("backup"), reconcile.Apply, now); err != nil {
		t.Fatal(err)
	}
	if err := New(Deps{}).Observe(context.Background(), result("backup", backupJob), reconcile.Apply, now); err != nil {
		t.Fatal(err)
	}
}
