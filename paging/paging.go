package paging

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// stateKind names paging's documents in the state store; each service's
// open incidents are one document keyed by the service's name.
const stateKind = "paging"

// Deps are what Paging works with.
type Deps struct {
	// Pagers receive every event (PagerDuty, SNS); an event counts as
	// sent when the first pager, the one that pages, took it.
	Pagers []notify.Pager
	// State keeps the open incidents; nil keeps them in memory.
	State state.Keeper
	// Production are the environment values that are production.
	Production []string
	Logger     *slog.Logger
}

// Paging pages for the critical conditions in services' results.
type Paging struct {
	deps Deps
	mu   sync.Mutex
	// mem holds the open incidents when there is no state store.
	mem map[string]map[string]Incident
	// rejected is set once a rejection (a configuration error) was logged.
	rejected bool
}

// New returns a Paging; it makes no call.
func New(deps Deps) *Paging {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	return &Paging{deps: deps, mem: map[string]map[string]Incident{}}
}

// saved is a service's document in the state store.
type saved struct {
	Open map[string]Incident `json:"open"`
}

// Observe pages for res, a reconcile of its service at now in mode: it
// sends the triggers and resolves Decide returns and remembers the
// incidents open. A trigger that could not be sent is not remembered, so
// the next run sends it again; a resolve that could not be sent leaves
// its incident open, to be resolved by the next run. Failures are logged
// and returned.
func (p *Paging) Observe(ctx context.Context, res reconcile.Result, mode reconcile.Mode, now time.Time) error {
	if p == nil || mode == reconcile.Plan || len(p.deps.Pagers) == 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	open := p.load(ctx, res.Service)
	d := Decide(open, res, mode, Policy{Production: p.deps.Production, Now: now})
	if len(d.Events) == 0 {
		return nil
	}
	var errs []error
	for _, ev := range d.Events {
		if err := p.send(ctx, ev); err != nil {
			errs = append(errs, err)
			if ev.Action == notify.Trigger {
				delete(d.Open, ev.DedupKey)
			} else {
				d.Open[ev.DedupKey] = open[ev.DedupKey]
			}
			continue
		}
		p.deps.Logger.InfoContext(ctx, "page event sent", "action", string(ev.Action), "dedup_key", ev.DedupKey, "summary", ev.Summary)
	}
	p.store(ctx, res.Service, d.Open)
	return errors.Join(errs...)
}

// send gives ev to every pager; only the first one's failure keeps the
// event unsent. A rejected event is logged at error level once, and at
// debug level after.
func (p *Paging) send(ctx context.Context, ev notify.PageEvent) error {
	var first error
	for i, pg := range p.deps.Pagers {
		err := pg.Page(ctx, ev)
		if err == nil {
			continue
		}
		switch {
		case errors.Is(err, notify.ErrPageRejected) && !p.rejected:
			p.rejected = true
			p.deps.Logger.ErrorContext(ctx, "pagerduty refuses opsd's events: check notify.pagerduty (routing key); told once", "error", err.Error())
		case errors.Is(err, notify.ErrPageRejected):
			p.deps.Logger.DebugContext(ctx, "page event rejected", "dedup_key", ev.DedupKey, "error", err.Error())
		default:
			p.deps.Logger.ErrorContext(ctx, "send page event", "action", string(ev.Action), "dedup_key", ev.DedupKey, "error", err.Error())
		}
		if i == 0 {
			first = fmt.Errorf("page %s: %w", ev.DedupKey, err)
		}
	}
	return first
}

func (p *Paging) load(ctx context.Context, service string) map[string]Incident {
	if p.deps.State == nil {
		return p.mem[service]
	}
	s, _ := state.Load[saved](ctx, p.deps.State, stateKind, service)
	return s.Open
}

func (p *Paging) store(ctx context.Context, service string, open map[string]Incident) {
	if p.deps.State == nil {
		p.mem[service] = open
		return
	}
	p.deps.State.Save(ctx, stateKind, service, saved{Open: open})
}
