package daemon

import (
	"fmt"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/shutdown"
)

// Build returns the services env's configuration enables, in a fixed order.
func Build(env *Env) ([]reconcile.Service, error) {
	var out []reconcile.Service
	if env.Config.Shutdown.Enabled {
		svc, err := shutdown.New(env.Config.Shutdown, shutdown.Deps{
			Targets:  env.Resolver.Targets,
			FanOut:   env.FanOut,
			Notifier: env.Notifier,
			Logger:   env.Logger.With("service", "shutdown"),
			Location: env.Location,
		})
		if err != nil {
			return nil, fmt.Errorf("build shutdown service: %w", err)
		}
		out = append(out, svc)
	}
	return out, nil
}
