package daemon

import (
	"fmt"

	"github.com/opsd-dev/opsd/state"

	"github.com/opsd-dev/opsd/audit"
	"github.com/opsd-dev/opsd/backup"
	"github.com/opsd-dev/opsd/certs"
	"github.com/opsd-dev/opsd/dlq"
	"github.com/opsd-dev/opsd/monitor"
	"github.com/opsd-dev/opsd/patching"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/shutdown"
)

// Build returns the services env's configuration enables, in a fixed order.
func Build(env *Env) ([]reconcile.Service, error) {
	c := env.Config
	builders := []struct {
		name    string
		enabled bool
		build   func() (reconcile.Service, error)
	}{
		{shutdown.ServiceName, c.Shutdown.Enabled, func() (reconcile.Service, error) {
			return shutdown.New(c.Shutdown, shutdown.Deps{Targets: env.Resolver.Targets, FanOut: env.FanOut, Notifier: env.Notifier,
				Logger: env.Logger.With("service", shutdown.ServiceName), Location: env.Location, State: env.stateStore()})
		}},
		{patching.ServiceName, c.Patching.Enabled, func() (reconcile.Service, error) {
			return patching.New(c.Patching, patching.Deps{Targets: env.Resolver.Targets, FanOut: env.FanOut, Notifier: env.Notifier,
				Logger: env.Logger.With("service", patching.ServiceName), Location: env.Location, State: env.stateStore()})
		}},
		{monitor.ServiceName, c.Monitor.Enabled, func() (reconcile.Service, error) {
			return monitor.New(c.Monitor, monitor.Deps{Targets: env.Resolver.Targets, FanOut: env.FanOut, Notifier: env.Notifier,
				Logger: env.Logger.With("service", monitor.ServiceName), Location: env.Location})
		}},
		{backup.ServiceName, c.Backup.Enabled, func() (reconcile.Service, error) {
			return backup.New(c.Backup, backup.Deps{Targets: env.Resolver.Targets, FanOut: env.FanOut, Notifier: env.Notifier,
				Logger: env.Logger.With("service", backup.ServiceName), Location: env.Location, State: env.stateStore()})
		}},
		{dlq.ServiceName, c.DLQ.Enabled, func() (reconcile.Service, error) {
			return dlq.New(c.DLQ, dlq.Deps{Targets: env.Resolver.Targets, FanOut: env.FanOut, Notifier: env.Notifier,
				Logger: env.Logger.With("service", dlq.ServiceName), Location: env.Location, State: env.stateStore()})
		}},
		{audit.ServiceName, c.Audit.Enabled, func() (reconcile.Service, error) {
			return NewAudit(env)
		}},
		{certs.ServiceName, c.Certs.Enabled, func() (reconcile.Service, error) {
			return certs.New(c.Certs, certs.Deps{Targets: env.Resolver.Targets, FanOut: env.FanOut, Notifier: env.Notifier,
				Logger: env.Logger.With("service", certs.ServiceName), State: env.stateStore()})
		}},
	}
	var out []reconcile.Service
	for _, b := range builders {
		if !b.enabled {
			continue
		}
		svc, err := b.build()
		if err != nil {
			return nil, fmt.Errorf("build %s service: %w", b.name, err)
		}
		out = append(out, svc)
	}
	return out, nil
}

// NewAudit builds the readiness assessment from env, whether or not its
// scheduled job is enabled: `opsd audit` runs it on demand.
func NewAudit(env *Env) (*audit.Service, error) {
	return audit.New(env.Config.Audit, audit.Deps{Targets: env.Resolver.Targets, FanOut: env.FanOut, Notifier: env.Notifier,
		Logger: env.Logger.With("service", audit.ServiceName), Location: env.Location})
}

// stateStore is env's state store as the services take it: a nil
// interface, not a nil pointer, when there is none.
func (env *Env) stateStore() state.Keeper {
	if env.State == nil {
		return nil
	}
	return env.State
}
