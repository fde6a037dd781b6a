package main

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/daemon"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/scheduler"
	"github.com/opsd-dev/opsd/state"
	"github.com/opsd-dev/opsd/telemetry"
)

// session is what one run --once or plan needs: telemetry, the selected
// services and a record of the notifications sent.
type session struct {
	tel      *telemetry.Telemetry
	state    *state.Tolerant
	runner   *scheduler.Runner
	services []reconcile.Service
	recorder *notify.Recorder
	slack    bool
	// env pages for each result (Env.Observe).
	env *daemon.Env
}

func newSession(ctx context.Context, cfg *config.Config, mode reconcile.Mode, now time.Time, only []string, logOut io.Writer) (*session, error) {
	tel, err := telemetry.Setup(ctx, telemetry.Options{Version: currentBuild().Version, Getenv: os.Getenv})
	if err != nil {
		return nil, err
	}
	logger := telemetry.NewLogger(logOut, telemetry.ParseLevel(cfg.Log.Level))
	rec := &notify.Recorder{}
	opts := daemon.EnvOptions{Mode: mode, Logger: logger, TracerProvider: tel.TracerProvider, Now: func() time.Time { return now }}
	if mode == reconcile.Plan {
		opts.Notifier = rec // a plan tells nobody
	}
	// A run remembers what earlier runs told when a state file or table is
	// configured; a plan reads the same state and never writes it.
	if mode == reconcile.Apply {
		opts.State = daemon.OpenState(ctx, cfg, false, logger, tel.TracerProvider, nil)
	} else {
		opts.State = daemon.ReadState(ctx, cfg, logger, tel.TracerProvider)
	}
	env, err := daemon.NewEnv(ctx, cfg, opts)
	if err != nil {
		if opts.State != nil {
			_ = opts.State.Close()
		}
		return nil, err
	}
	slack := false
	if mode == reconcile.Apply {
		// A token (or its parameter) is Slack; NewEnv has read it already.
		slack = cfg.Notify.Slack.Token != "" || cfg.Notify.Slack.TokenSSMParameter != ""
		env.Notifier = notify.Multi{env.Notifier, rec}
	}
	services, err := daemon.Build(env)
	if err != nil {
		return nil, err
	}
	selected, err := daemon.Select(services, only)
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	// After the usage errors, before any service: a run with no
	// credentials says so instead of reporting nothing to do.
	if err := daemon.CheckCredentials(ctx, env.Base); err != nil {
		if opts.State != nil {
			_ = opts.State.Close()
		}
		return nil, err
	}
	return &session{
		state:    opts.State,
		tel:      tel,
		runner:   &scheduler.Runner{Tracer: tel.Tracer(), Metrics: tel.Metrics, Logger: logger},
		services: selected,
		recorder: rec,
		slack:    slack,
		env:      env,
	}, nil
}

func (s *session) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.tel.Shutdown(ctx)
	if s.state != nil {
		_ = s.state.Close()
	}
}

// onceResult is what one reconcile of the selected services produced.
type onceResult struct {
	now      time.Time
	results  []reconcile.Result
	messages []notify.Message
	slack    bool
}

// reconcileOnce reads --config, --now and --only and runs one reconcile of
// each selected service in mode: the shared body of run --once and plan.
func reconcileOnce(ctx context.Context, path, nowFlag, only string, mode reconcile.Mode, logOut io.Writer) (onceResult, error) {
	now, err := parseNow(nowFlag)
	if err != nil {
		return onceResult{}, err
	}
	cfg, err := loadConfig(path)
	if err != nil {
		return onceResult{}, err
	}
	s, err := newSession(ctx, cfg, mode, now, daemon.ParseOnly(only), logOut)
	if err != nil {
		return onceResult{}, err
	}
	defer s.close()
	results, _ := daemon.Once(ctx, s.runner, s.services, reconcile.Request{Now: now, Mode: mode}, s.tel.Metrics, s.env.Observe)
	return onceResult{now: now, results: results, messages: s.recorder.Messages(), slack: s.slack}, nil
}
