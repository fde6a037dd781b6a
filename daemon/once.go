package daemon

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/scheduler"
	"github.com/opsd-dev/opsd/telemetry"
)

// Select returns the services named in only (all when only is empty), or an
// error naming a service that is unknown or not enabled.
func Select(services []reconcile.Service, only []string) ([]reconcile.Service, error) {
	if len(only) == 0 {
		return services, nil
	}
	byName := map[string]reconcile.Service{}
	for _, s := range services {
		byName[s.Name()] = s
	}
	var out []reconcile.Service
	for _, name := range only {
		s, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("--only %s: %w", name, errNotEnabled(name))
		}
		out = append(out, s)
	}
	return out, nil
}

func errNotEnabled(name string) error {
	switch name {
	case "shutdown", "patching", "backup", "monitor", "dlq", "audit", "certs":
		return fmt.Errorf("service %s is not enabled in the configuration (%s.enabled: true)", name, name)
	}
	return fmt.Errorf("no service is called %q (shutdown, patching, backup, monitor, dlq, audit, certs)", name)
}

// ParseOnly splits a comma-separated --only value.
func ParseOnly(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// Job wraps one reconcile of svc as a scheduler job: each run reconciles as
// of now() in mode, records its actions in metrics, and fails when any part
// of the reconcile failed. Each result is passed to sink, with the request
// it ran under, when sink is set (Env.Observe pages for it).
func Job(svc reconcile.Service, mode reconcile.Mode, now func() (req reconcile.Request), m *telemetry.Metrics, sink func(context.Context, reconcile.Request, reconcile.Result)) scheduler.Job {
	return scheduler.Job{
		Name:    svc.Name(),
		Cron:    svc.Schedule(),
		Timeout: svc.Timeout(),
		Run: func(ctx context.Context) (map[string]int, error) {
			req := now()
			req.Mode = mode
			res := svc.Reconcile(ctx, req)
			if sink != nil {
				sink(ctx, req, res)
			}
			recordActions(ctx, m, res)
			counts := map[string]int{}
			for _, a := range res.Actions {
				counts[string(a.Status)]++
			}
			if len(res.Errors) > 0 {
				counts["errors"] = len(res.Errors)
			}
			return counts, resultError(res)
		},
	}
}

func resultError(res reconcile.Result) error {
	var errs []error
	errs = append(errs, res.Errors...)
	for _, a := range res.Actions {
		if a.Status == reconcile.Failed {
			errs = append(errs, fmt.Errorf("%s %s in %s/%s: %s", a.Action, a.Resource, a.Account, a.Region, a.Error))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("reconcile %s: %w", res.Service, errors.Join(errs...))
}

func recordActions(ctx context.Context, m *telemetry.Metrics, res reconcile.Result) {
	if m == nil {
		return
	}
	// One addition per service, action and status, not per action: a
	// reconcile over a large fleet has hundreds of thousands of actions.
	type key struct{ service, action, status string }
	var order []key
	counts := map[key]int64{}
	for _, a := range res.Actions {
		k := key{a.Service, a.Action, string(a.Status)}
		if _, seen := counts[k]; !seen {
			order = append(order, k)
		}
		counts[k]++
	}
	for _, k := range order {
		m.Actions.Add(ctx, counts[k], metric.WithAttributes(attribute.String("service", k.service),
			attribute.String("action", k.action), attribute.String("status", k.status)))
	}
	if n := len(res.Errors) + res.Count(reconcile.Failed); n > 0 {
		m.Errors.Add(ctx, int64(n), metric.WithAttributes(attribute.String("service", res.Service)))
	}
}

// Once runs one reconcile of each service through runner (so each has its
// span, deadline and record) and returns the results in service order.
// Each result is passed to observe, when set, as the run produces it
// (Env.Observe pages for it).
func Once(ctx context.Context, runner *scheduler.Runner, services []reconcile.Service, req reconcile.Request, m *telemetry.Metrics, observe func(context.Context, reconcile.Request, reconcile.Result)) ([]reconcile.Result, []scheduler.Run) {
	var results []reconcile.Result
	var runs []scheduler.Run
	for _, svc := range services {
		var got *reconcile.Result
		job := Job(svc, req.Mode, func() reconcile.Request { return req }, m, func(ctx context.Context, rq reconcile.Request, r reconcile.Result) {
			got = &r
			if observe != nil {
				observe(ctx, rq, r)
			}
		})
		run := runner.Execute(ctx, job)
		runs = append(runs, run)
		if got == nil {
			got = &reconcile.Result{Service: svc.Name(), Errors: []error{errors.New(run.Error)}}
		}
		results = append(results, *got)
	}
	return results, runs
}
