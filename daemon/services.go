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
			cfg := c.Shutdown
			// With monitor on, what shutdown stops has its alarms quiet.
			cfg.SilenceAlarms = c.Monitor.Enabled
			// s3:// calendars are read with opsd's own role.
			cfg.CalendarS3 = shutdown.NewS3(env.Base)
			return shutdown.New(cfg, serviceDeps[shutdown.Clients](env, shutdown.ServiceName))
		}},
		{patching.ServiceName, c.Patching.Enabled, func() (reconcile.Service, error) {
			return patching.New(c.Patching, serviceDeps[patching.Clients](env, patching.ServiceName))
		}},
		{monitor.ServiceName, c.Monitor.Enabled, func() (reconcile.Service, error) {
			return monitor.New(c.Monitor, serviceDeps[monitor.Clients](env, monitor.ServiceName))
		}},
		{backup.ServiceName, c.Backup.Enabled, func() (reconcile.Service, error) {
			return backup.New(c.Backup, serviceDeps[backup.Clients](env, backup.ServiceName))
		}},
		{dlq.ServiceName, c.DLQ.Enabled, func() (reconcile.Service, error) {
			return dlq.New(c.DLQ, serviceDeps[dlq.Clients](env, dlq.ServiceName))
		}},
		{audit.ServiceName, c.Audit.Enabled, func() (reconcile.Service, error) {
			return NewAudit(env)
		}},
		{certs.ServiceName, c.Certs.Enabled, func() (reconcile.Service, error) {
			return certs.New(c.Certs, serviceDeps[certs.Clients](env, certs.ServiceName))
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
// The reliability.restore-tested check judges by backup's policies and
// restore testing settings.
// The monitoring.coverage check judges by monitor's configuration, when
// monitor is enabled.
func NewAudit(env *Env) (*audit.Service, error) {
	cfg := env.Config.Audit
	cfg.RestoreTests = restoreTestRules(env.Config.Backup)
	if m := env.Config.Monitor; m.Enabled {
		cfg.Monitor = &m // monitoring.coverage runs monitor's planner read-only
	}
	return audit.New(cfg, serviceDeps[audit.Clients](env, audit.ServiceName))
}

// restoreTestRules are the audit's view of backup restore testing: on only
// when the backup service and its restore testing are enabled.
func restoreTestRules(b backup.Config) audit.RestoreTestRules {
	r := audit.RestoreTestRules{Enabled: b.Enabled && b.RestoreTesting.Enabled, Objectives: b.RestoreObjectives(),
		Plans: map[string]string{}, Window: b.RestoreTesting.Lookback, ColdDelay: b.RestoreTesting.ColdRestoreDelay}
	for p := range b.Policies {
		r.Plans[p] = b.RestorePlanName(p)
	}
	switch {
	case !b.Enabled:
		r.Off = "the backup service is off (backup.enabled is false): no restore is tested, so none shows the RTO"
	case !b.RestoreTesting.Enabled:
		r.Off = "backup restore testing is off (backup.restore_testing.enabled is false): no restore is tested, so none shows the RTO"
	}
	return r
}

// stateStore is env's state store as the services take it: a nil
// interface, not a nil pointer, when there is none.
func (env *Env) stateStore() state.Keeper {
	if env.State == nil {
		return nil
	}
	return env.State
}

// serviceDeps is what env gives the service called name, C being its AWS
// clients (nil Clients: the SDK's).
func serviceDeps[C any](env *Env, name string) reconcile.Deps[C] {
	return reconcile.Deps[C]{Targets: env.Resolver.Targets, FanOut: env.FanOut, Notifier: env.Notifier,
		Logger: env.Logger.With("service", name), Location: env.Location, State: env.stateStore()}
}
