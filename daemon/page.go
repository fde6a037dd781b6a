package daemon

import (
	"context"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/webpage"
)

// observe is what happens with each scheduled run's result: paging
// (env.Observe), and the page's records: the last result of each service,
// the scheduled resources running by hour, and the history of actions
// over http.history, with each resource's owner as the last results say
// it; and the savings ledger, from shutdown's stops and starts.
func (d *daemon) observe(env *Env) func(context.Context, reconcile.Request, reconcile.Result) {
	return func(ctx context.Context, req reconcile.Request, res reconcile.Result) {
		if d.lease != nil {
			if _, ok := d.lease.Leading(); !ok {
				// A run cut short by losing the lease: what it saw and
				// could not do is the new leader's to page for and show.
				return
			}
		}
		env.Observe(ctx, req, res)
		if req.Mode != reconcile.Apply {
			return
		}
		d.latest.Observe(ctx, req.Now, res)
		d.series.Observe(ctx, req.Now, res)
		d.series.History().Observe(ctx, req.Now, res, historyPeriod(env), d.latest.Owners())
		if d.ledger != nil {
			d.ledger.Observe(ctx, req.Now, res)
		}
	}
}

// historyPeriod is how long the page keeps the actions opsd took:
// http.history, or the page's default.
func historyPeriod(env *Env) time.Duration {
	if env == nil || env.Config == nil || env.Config.HTTP.History <= 0 {
		return webpage.DefaultHistoryPeriod
	}
	return env.Config.HTTP.History
}

// location is the configured timezone, for the page's times.
func (d *daemon) location() *time.Location {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.env == nil || d.env.Location == nil {
		return time.UTC
	}
	return d.env.Location
}

// albVerifier verifies the tokens of the load balancer signer names, or is
// nil for none (check-config has refused a signer that is not an ARN).
func albVerifier(signer string) *webpage.ALBVerifier {
	if signer == "" {
		return nil
	}
	keys, err := webpage.KeysURLFor(signer)
	if err != nil {
		return nil
	}
	return &webpage.ALBVerifier{Signer: signer, KeysURL: keys}
}
