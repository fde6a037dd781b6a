package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/opsd-dev/opsd/state"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/opsd-dev/opsd/audit"
	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/httpapi"
	"github.com/opsd-dev/opsd/lease"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/savings"
	"github.com/opsd-dev/opsd/scheduler"
	"github.com/opsd-dev/opsd/sdnotify"
	"github.com/opsd-dev/opsd/shutdown"
	"github.com/opsd-dev/opsd/telemetry"
	"github.com/opsd-dev/opsd/webpage"
)

// Options configure a daemon run.
type Options struct {
	// ConfigPath is read at start and again on every SIGHUP.
	ConfigPath string
	// Environ returns the environment (for OPSD_ overrides) at load time.
	Environ func() []string
	// Getenv reads OTEL_*, NOTIFY_SOCKET and WATCHDOG_* variables.
	Getenv func(string) string
	// Version is reported in /status and telemetry.
	Version string
	// Log receives the JSON log.
	Log io.Writer
	// Signals delivers SIGHUP (reload) and SIGTERM/SIGINT (stop).
	Signals <-chan os.Signal
	// Listening, when set, is told the HTTP address once it is bound.
	Listening func(addr string)
	// SpanProcessors are added to the tracer provider (tests).
	SpanProcessors []sdktrace.SpanProcessor
	// ReadyInterval is how often AWS reachability is checked (default 30s).
	ReadyInterval time.Duration
	// Build builds the services from an environment; nil means Build.
	Build func(*Env) ([]reconcile.Service, error)
}

// daemon is the state of one running opsd.
type daemon struct {
	opts   Options
	tel    *telemetry.Telemetry
	logger *slog.Logger
	runner *scheduler.Runner
	sched  *scheduler.Scheduler
	notify *sdnotify.Notifier
	// state is the process's state store, opened once at start.
	state   *state.Tolerant
	started time.Time
	// lease is the leader lease when ha is enabled, else nil.
	lease *lease.Lease
	// latest and series feed the page at /.
	latest *webpage.Latest
	series *webpage.Series
	// ledger records what shutdown kept off, for opsd savings.
	ledger *savings.Ledger

	mu       sync.Mutex
	cfg      *config.Config
	env      *Env
	services []string
	// assessor is the audit service when it is enabled, for /report.
	assessor *audit.Service
	// stopper is the shutdown service when it is enabled, for the
	// notices' buttons.
	stopper    *shutdown.Service
	lastReload reloadStatus
	awsErr     error
	awsChecked time.Time
}

type reloadStatus struct {
	At    time.Time `json:"at"`
	OK    bool      `json:"ok"`
	Error string    `json:"error,omitempty"`
}

// Run loads the configuration, starts every enabled service on its
// schedule and the operations endpoints, and runs until ctx ends or a
// SIGTERM/SIGINT arrives; then it stops starting runs and lets running ones
// finish within the grace period. SIGHUP reloads the configuration; an
// invalid one is refused and the old one keeps running. A configuration
// that is invalid at start returns a *config.ValidationError.
func Run(ctx context.Context, opts Options) error {
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	if opts.Environ == nil {
		opts.Environ = func() []string { return nil }
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.Build == nil {
		opts.Build = Build
	}
	if opts.ReadyInterval <= 0 {
		opts.ReadyInterval = 30 * time.Second
	}
	cfg, err := config.Load(opts.ConfigPath, opts.Environ())
	if err != nil {
		return err
	}
	tel, err := telemetry.Setup(ctx, telemetry.Options{Version: opts.Version, Getenv: opts.Getenv, SpanProcessors: opts.SpanProcessors})
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tel.Shutdown(sctx)
	}()
	logger := telemetry.NewLogger(opts.Log, telemetry.ParseLevel(cfg.Log.Level))
	d := &daemon{
		opts:    opts,
		tel:     tel,
		logger:  logger,
		notify:  sdnotify.New(opts.Getenv),
		started: time.Now(),
		runner:  &scheduler.Runner{Tracer: tel.Tracer(), Metrics: tel.Metrics, Logger: logger, Keep: cfg.Scheduler.History},
	}
	d.sched = scheduler.New(d.runner)
	// Bind first: a daemon that cannot serve its endpoints (another opsd
	// already listening, say) must not act at all.
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTP.Listen, err)
	}
	defer ln.Close()
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	leaseDone := make(chan struct{})
	if cfg.HA.Enabled {
		if d.lease, err = newLease(ctx, cfg, logger, tel.TracerProvider, tel.Metrics, d.sched.RunAll); err != nil {
			return err
		}
		go func() { defer close(leaseDone); d.lease.Run(bg) }()
	} else {
		close(leaseDone)
	}
	if err := tel.ObserveLeader(d.leading); err != nil {
		return err
	}
	var token func() (int64, bool)
	if d.lease != nil {
		token = d.lease.Leading
	}
	d.state = openState(ctx, cfg, true, logger, tel.TracerProvider, token, tel.Metrics)
	defer d.state.Close()
	d.runner.Store = d.state
	d.latest, d.series = &webpage.Latest{}, webpage.NewSeries(d.state)
	d.ledger = savings.NewLedger(d.state)
	if err := d.apply(ctx, cfg, true); err != nil {
		return err
	}
	// The first AWS check goes out before the jobs due at start, so
	// readiness does not wait behind their calls.
	go d.checkAWS(bg)
	d.sched.Start()
	// Beyond loopback, every endpoint but /healthz and /readyz asks for
	// http.token or the ALB's OIDC identity; /metrics also for
	// http.metrics_token. Like http.listen, they take effect at start.
	handlers := httpapi.Handlers{Ready: d.ready, Status: d.status, Metrics: tel.MetricsHandler(), Report: audit.ReportHandler(d.latestReport, d.lastAuditFailure),
		Page: webpage.Handler(webpage.Source{
			Jobs: d.sched.Status, Latest: d.latest, Series: d.series, Location: d.location(), Version: opts.Version,
		}),
		Access: webpage.Access{Listen: cfg.HTTP.Listen, Token: cfg.HTTP.Token.Reveal(), MetricsToken: cfg.HTTP.MetricsToken.Reveal(), ALB: albVerifier(cfg.HTTP.ALBOIDCSigner)},
	}
	if d.lease != nil {
		handlers.Role = d.lease.Role
	}
	srv := &http.Server{Handler: httpapi.New(handlers), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("http server stopped", "error", err.Error())
		}
	}()
	if opts.Listening != nil {
		opts.Listening(ln.Addr().String())
	}

	go func() {
		// The scheduler answering is the liveness the watchdog vouches
		// for: a wedged scheduler stops the pings and systemd restarts us.
		alive := func() bool { _ = d.sched.Status(); return true }
		if err := d.notify.RunWatchdog(bg, alive); err != nil {
			logger.Error("systemd watchdog stopped", "error", err.Error())
		}
	}()
	go d.answerButtons(bg, cfg)
	go d.readEvents(bg, cfg)
	_ = d.notify.Ready()
	logger.Info("opsd started", "version", opts.Version, "listen", ln.Addr().String(), "services", d.serviceNames())
	if len(d.serviceNames()) == 0 {
		logger.Warn(noServices)
	}

	d.loop(ctx)

	_ = d.notify.Stopping()
	grace := d.config().Scheduler.GracePeriod
	logger.Info("opsd stopping", "grace_period", grace.String())
	if !d.sched.Stop(grace) {
		logger.Warn("runs still in progress after the grace period were cancelled")
	}
	// Runs are over: give the lease up so a follower takes over at once.
	stopBG()
	<-leaseDone
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	logger.Info("opsd stopped")
	return nil
}

// loop waits for signals until a stop is asked for.
func (d *daemon) loop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case sig := <-d.opts.Signals:
			if sig == syscall.SIGHUP {
				d.reload(ctx)
				continue
			}
			d.logger.Info("signal received", "signal", sig.String())
			return
		}
	}
}

// reload reads the configuration again; an invalid one is refused and the
// running one kept.
func (d *daemon) reload(ctx context.Context) {
	_ = d.notify.Reloading()
	defer func() { _ = d.notify.Ready() }()
	cfg, err := config.Load(d.opts.ConfigPath, d.opts.Environ())
	if err == nil {
		if cfg.HTTP.Listen != d.config().HTTP.Listen {
			d.logger.Warn("http.listen changed; it takes effect at the next restart", "listen", cfg.HTTP.Listen)
		}
		if cfg.HA != d.config().HA {
			d.logger.Warn("ha changed; it takes effect at the next restart")
		}
		err = d.apply(ctx, cfg, false)
	}
	status := reloadStatus{At: time.Now(), OK: err == nil}
	if err != nil {
		status.Error = err.Error()
		d.logger.Error("configuration reload refused; the previous configuration keeps running", "config", d.opts.ConfigPath, "error", err.Error())
		_ = d.notify.Status("reload refused: " + err.Error())
	} else {
		d.logger.Info("configuration reloaded", "config", d.opts.ConfigPath, "services", d.serviceNames())
	}
	d.mu.Lock()
	d.lastReload = status
	d.mu.Unlock()
}

// apply builds the environment and services cfg describes and schedules
// them, each to run at once when atStart; on error nothing changes.
func (d *daemon) apply(ctx context.Context, cfg *config.Config, atStart bool) error {
	opts := EnvOptions{Mode: reconcile.Apply, Logger: d.logger, TracerProvider: d.tel.TracerProvider, State: d.state, Metrics: d.tel.Metrics}
	if d.lease != nil {
		opts.Fence = d.lease.Fence
	}
	env, err := NewEnv(ctx, cfg, opts)
	if err != nil {
		return err
	}
	services, err := d.opts.Build(env)
	if err != nil {
		return err
	}
	jobs := make([]scheduler.Job, 0, len(services))
	names := make([]string, 0, len(services))
	var assessor *audit.Service
	var stopper *shutdown.Service
	for _, svc := range services {
		if a, ok := svc.(*audit.Service); ok {
			assessor = a
		}
		if s, ok := svc.(*shutdown.Service); ok {
			stopper = s
		}
		job := Job(svc, reconcile.Apply, func() reconcile.Request { return reconcile.Request{Now: env.Now()} }, d.tel.Metrics, d.observe(env))
		job.Immediately = atStart
		jobs = append(jobs, recordSuccess(leaderOnly(d.lease, job), d.tel.Metrics, time.Now))
		names = append(names, svc.Name())
		d.tel.Metrics.Service(ctx, svc.Name())
	}
	if err := d.sched.Set(env.Location, jobs); err != nil {
		return err
	}
	d.runner.Keep = cfg.Scheduler.History
	d.runner.Restore(ctx, names)
	if atStart {
		// Before the scheduler starts: no run has ended yet.
		seedLastSuccess(ctx, d.runner, names, d.tel.Metrics)
	}
	d.mu.Lock()
	d.cfg, d.env, d.services, d.assessor, d.stopper = cfg, env, names, assessor, stopper
	d.mu.Unlock()
	return nil
}

// latestReport is the audit service's latest report for /report; nil
// until an assessment has run, or when audit is not enabled.
func (d *daemon) latestReport() *audit.Report {
	d.mu.Lock()
	a := d.assessor
	d.mu.Unlock()
	if a == nil {
		return nil
	}
	return a.Latest()
}

// lastAuditFailure is the audit service's last failed assessment, when
// none has succeeded since.
func (d *daemon) lastAuditFailure() (audit.Failure, bool) {
	d.mu.Lock()
	a := d.assessor
	d.mu.Unlock()
	if a == nil {
		return audit.Failure{}, false
	}
	return a.LastFailure()
}

func (d *daemon) config() *config.Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg
}

func (d *daemon) serviceNames() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.services...)
}

// checkAWS keeps the AWS reachability /readyz reports up to date.
func (d *daemon) checkAWS(ctx context.Context) {
	t := time.NewTicker(d.opts.ReadyInterval)
	defer t.Stop()
	for {
		d.mu.Lock()
		env := d.env
		d.mu.Unlock()
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := CheckAWS(cctx, env)
		cancel()
		d.mu.Lock()
		d.awsErr, d.awsChecked = err, time.Now()
		d.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ready is /readyz: the configuration is loaded and AWS answered the last
// check with the configured credentials.
func (d *daemon) ready() (bool, string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.cfg == nil:
		return false, "configuration not loaded"
	case d.awsChecked.IsZero():
		return false, "aws not checked yet"
	case d.awsErr != nil:
		return false, "aws not reachable: " + d.awsErr.Error()
	}
	return true, ""
}

// noServices is the warning of a daemon with no service enabled.
const noServices = "no service is enabled: opsd runs no jobs; enable one in the configuration (for example shutdown: {enabled: true})"

// status is /status: nothing in it is secret.
func (d *daemon) status() any {
	d.mu.Lock()
	services, reload, awsErr, checked := d.services, d.lastReload, d.awsErr, d.awsChecked
	d.mu.Unlock()
	ready, why := d.ready()
	doc := map[string]any{
		"version":  d.opts.Version,
		"started":  d.started,
		"config":   d.opts.ConfigPath,
		"ready":    ready,
		"services": append([]string{}, services...),
		"jobs":     d.sched.Status(),
		"aws":      map[string]any{"checked": checked, "reachable": awsErr == nil && !checked.IsZero()},
	}
	if why != "" {
		doc["not_ready_reason"] = why
	}
	if len(services) == 0 {
		doc["warning"] = noServices
	}
	if d.lease != nil {
		doc["ha"] = d.lease.Status()
	}
	if d.state != nil {
		doc["state"] = d.state.Status()
	}
	if !reload.At.IsZero() {
		doc["last_reload"] = reload
	}
	if d.latest != nil {
		// The DLQ service's last run: each dead-letter queue with messages
		// in flight, who received them and when they are visible again,
		// from its watch actions.
		results, at := d.latest.All()
		for _, r := range results {
			if r.Service != "dlq" {
				continue
			}
			queues := []map[string]string{}
			for _, a := range r.Actions {
				if a.Action != "watch" || a.Details["in_flight"] == "" || a.Details["in_flight"] == "0" {
					continue
				}
				q := map[string]string{"account": a.Account, "region": a.Region, "queue": a.Resource}
				for _, k := range []string{"in_flight", "in_flight_received_by", "received_at", "visible_again_by", "visible_again_within"} {
					if v := a.Details[k]; v != "" {
						q[k] = v
					}
				}
				queues = append(queues, q)
			}
			doc["dlq"] = map[string]any{"at": at[r.Service], "in_flight": queues}
		}
	}
	return doc
}
