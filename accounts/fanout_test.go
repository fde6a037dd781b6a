package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opsd-dev/opsd/accounts"
)

// targets returns n targets in accounts 100000000000, 100000000001, …
func targets(n int) []accounts.Target {
	out := make([]accounts.Target, n)
	for i := range out {
		out[i] = accounts.Target{Account: fmt.Sprintf("1000000000%02d", i), Region: "eu-west-2"}
	}
	return out
}

// targetErrors checks every error is a *TargetError and returns their
// targets' accounts in order.
func targetErrors(t *testing.T, errs []error) []string {
	t.Helper()
	var out []string
	for _, err := range errs {
		var te *accounts.TargetError
		if !errors.As(err, &te) {
			t.Fatalf("error %v is not a *TargetError", err)
		}
		out = append(out, te.Target.Account)
	}
	return out
}

func TestFanOutRespectsTheLimit(t *testing.T) {
	for _, tc := range []struct{ limit, want int }{{3, 3}, {1, 1}, {0, 1}, {-2, 1}} {
		t.Run(fmt.Sprint(tc.limit), func(t *testing.T) {
			var running, most, calls atomic.Int32
			errs := accounts.FanOut{Limit: tc.limit}.Run(context.Background(), "test", targets(12), func(ctx context.Context, _ accounts.Target) error {
				calls.Add(1)
				n := running.Add(1)
				defer running.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(15 * time.Millisecond)
				return nil
			})
			if len(errs) != 0 {
				t.Fatalf("errors: %v", errs)
			}
			if calls.Load() != 12 {
				t.Errorf("fn called %d times, want 12", calls.Load())
			}
			if got := int(most.Load()); got != tc.want {
				t.Errorf("at most %d ran at once, want %d", got, tc.want)
			}
		})
	}
}

func TestFanOutOneFailureDoesNotStopTheOthers(t *testing.T) {
	boom := errors.New("boom")
	all := targets(6)
	var mu sync.Mutex
	done := map[string]bool{}
	errs := accounts.FanOut{Limit: 2}.Run(context.Background(), "test", all, func(ctx context.Context, tg accounts.Target) error {
		mu.Lock()
		done[tg.Account] = true
		mu.Unlock()
		if tg.Account == all[4].Account || tg.Account == all[1].Account {
			return fmt.Errorf("stop instances: %w", boom)
		}
		return nil
	})
	if len(done) != len(all) {
		t.Errorf("fn ran for %d targets, want %d", len(done), len(all))
	}
	if got := targetErrors(t, errs); strings.Join(got, ",") != all[1].Account+","+all[4].Account {
		t.Fatalf("failed accounts = %v, want %s and %s in target order", got, all[1].Account, all[4].Account)
	}
	for _, err := range errs {
		if !errors.Is(err, boom) {
			t.Errorf("%v does not wrap the cause", err)
		}
	}
	want := "account " + all[1].Account + " region eu-west-2: stop instances: boom"
	if errs[0].Error() != want {
		t.Errorf("error = %q, want %q", errs[0].Error(), want)
	}
}

func TestFanOutPanicBecomesAnError(t *testing.T) {
	all := targets(3)
	var calls atomic.Int32
	errs := accounts.FanOut{Limit: 1}.Run(context.Background(), "test", all, func(ctx context.Context, tg accounts.Target) error {
		calls.Add(1)
		if tg.Account == all[0].Account {
			panic("nil map write")
		}
		return nil
	})
	if calls.Load() != 3 {
		t.Errorf("fn called %d times, want 3", calls.Load())
	}
	if got := targetErrors(t, errs); len(got) != 1 || got[0] != all[0].Account {
		t.Fatalf("failed accounts = %v, want [%s]", got, all[0].Account)
	}
	if !strings.Contains(errs[0].Error(), "panic: nil map write") {
		t.Errorf("error = %q, want it to name the panic", errs[0])
	}
}

func TestFanOutCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	all := targets(5)
	errs := accounts.FanOut{Limit: 2}.Run(ctx, "test", all, func(ctx context.Context, _ accounts.Target) error {
		return ctx.Err() // work that honours its context
	})
	if got := targetErrors(t, errs); len(got) != len(all) {
		t.Fatalf("got %d errors, want one per target", len(got))
	}
	for _, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%v is not context.Canceled", err)
		}
	}
}

func TestFanOutCancelMidRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	all := targets(4)
	errs := accounts.FanOut{Limit: 1}.Run(ctx, "test", all, func(ctx context.Context, tg accounts.Target) error {
		if tg.Account == all[1].Account {
			cancel()
		}
		return ctx.Err()
	})
	got := targetErrors(t, errs)
	if strings.Join(got, ",") != all[1].Account+","+all[2].Account+","+all[3].Account {
		t.Fatalf("failed accounts = %v, want every target from the cancel on", got)
	}
	for _, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%v is not context.Canceled", err)
		}
	}
}

// The doc promises that a cancelled ctx stops targets not yet started.
func TestFanOutStartsNothingOnceCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var calls atomic.Int32
	errs := accounts.FanOut{Limit: 4}.Run(ctx, "test", targets(50), func(ctx context.Context, _ accounts.Target) error {
		calls.Add(1)
		return nil
	})
	if calls.Load() != 0 {
		t.Errorf("fn started %d times after cancellation, want 0", calls.Load())
	}
	if len(errs) != 50 {
		t.Errorf("got %d errors, want 50", len(errs))
	}
}

func TestFanOutTracesEachTarget(t *testing.T) {
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	all := targets(2)
	accounts.FanOut{Limit: 2, Tracer: tp.Tracer("test")}.Run(context.Background(), "shutdown", all, func(ctx context.Context, tg accounts.Target) error {
		if tg.Account == all[1].Account {
			return errors.New("denied")
		}
		return nil
	})
	spans := map[string]tracetest.SpanStub{}
	for _, s := range exporter.GetSpans() {
		spans[s.Name] = s
	}
	ok, failed := spans["shutdown "+all[0].String()], spans["shutdown "+all[1].String()]
	if ok.Name == "" || failed.Name == "" {
		t.Fatalf("spans = %v, want one per target", spans)
	}
	if ok.Status.Code == codes.Error || failed.Status.Code != codes.Error {
		t.Errorf("span statuses = %v, %v; want only the failed target's to be an error", ok.Status, failed.Status)
	}
	attrs := map[string]string{}
	for _, kv := range failed.Attributes {
		attrs[string(kv.Key)] = kv.Value.AsString()
	}
	if attrs["cloud.account.id"] != all[1].Account || attrs["cloud.region"] != "eu-west-2" {
		t.Errorf("span attributes = %v", attrs)
	}
}

func TestCollectKeepsTargetOrderAndFailures(t *testing.T) {
	targets := []accounts.Target{{Account: "1", Region: "a"}, {Account: "2", Region: "b"}, {Account: "3", Region: "c"}}
	got, errs := accounts.Collect(context.Background(), accounts.FanOut{Limit: 3}, "test", targets, func(_ context.Context, tg accounts.Target) (string, error) {
		if tg.Account == "2" {
			return "partial", errors.New("boom")
		}
		return tg.String(), nil
	})
	if want := []string{"1/a", "partial", "3/c"}; !slices.Equal(got, want) {
		t.Errorf("values = %v, want %v", got, want)
	}
	var te *accounts.TargetError
	if len(errs) != 1 || !errors.As(errs[0], &te) || te.Target.Account != "2" {
		t.Errorf("errors = %v, want one TargetError for account 2", errs)
	}
}

func TestListTargetsNamesTheFailure(t *testing.T) {
	if _, err := accounts.ListTargets(context.Background(), nil); err == nil || err.Error() != "list accounts and regions: no target source configured" {
		t.Errorf("nil source: %v", err)
	}
	_, err := accounts.ListTargets(context.Background(), func(context.Context) ([]accounts.Target, error) { return nil, errors.New("denied") })
	if err == nil || err.Error() != "list accounts and regions: denied" {
		t.Errorf("failing source: %v", err)
	}
}
