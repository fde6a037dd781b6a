package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/opsd-dev/opsd/audit"
	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/daemon"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/telemetry"
)

// cmdAudit assesses every application against the production readiness
// checklist and prints the report. It makes read-only AWS calls only and
// tells nobody; the scheduled audit job is what sends the Slack summary.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit", "audit [--config FILE] [--application A] [--format text|json|html] [--fail-on critical|warning]", stderr)
	path := fs.String("config", "", "configuration file (YAML); without one, the defaults and OPSD_ variables")
	app := fs.String("application", "", "report this application (Application tag value) only")
	format := fs.String("format", "text", "report format: text, json or html")
	failOn := fs.String("fail-on", "", "exit 1 when a check of this `level` or above fails: critical (a failure that exposes data or\n"+
		"a service to the internet, leaves data unencrypted or risks losing it) or warning (any failing check,\n"+
		"critical ones included). Findings not assessed do not count. Without it, failing checks exit 0")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var threshold audit.Severity
	if *failOn != "" {
		sev, err := audit.ParseSeverity(*failOn)
		if err != nil {
			return &usageError{fmt.Sprintf("--fail-on %q: want critical or warning", *failOn)}
		}
		threshold = sev
	}
	write, ok := map[string]func(io.Writer, *audit.Report) error{
		"text": audit.WriteText, "json": audit.WriteJSON, "html": audit.WriteHTML,
	}[*format]
	if !ok {
		return &usageError{fmt.Sprintf("--format %q: want text, json or html", *format)}
	}
	cfg, err := auditConfig(*path)
	if err != nil {
		return err
	}
	logger := telemetry.NewLogger(stderr, telemetry.ParseLevel(cfg.Log.Level))
	env, err := daemon.NewEnv(ctx, cfg, daemon.EnvOptions{Mode: reconcile.Plan, Logger: logger, Notifier: &notify.Recorder{}})
	if err != nil {
		return err
	}
	svc, err := daemon.NewAudit(env)
	if err != nil {
		return err
	}
	rep, errs := svc.Assess(ctx, time.Now())
	for _, err := range errs {
		fmt.Fprintf(stderr, "opsd: audit: %v\n", err)
	}
	if rep == nil {
		return errFailed
	}
	if *app != "" {
		rep = rep.Filter(*app)
	}
	if err := write(stdout, rep); err != nil {
		return fmt.Errorf("write audit report: %w", err)
	}
	if len(errs) > 0 {
		return errFailed
	}
	if threshold != "" {
		if n := len(rep.FailuresAtLeast(threshold)); n > 0 {
			fmt.Fprintf(stderr, "opsd: audit: %s at or above %s (--fail-on %s)\n", notify.Count(n, "failing finding", "failing findings"), threshold, threshold)
			return errFailed
		}
	}
	return nil
}

// auditConfig reads --config, or without it builds the configuration from
// the defaults and OPSD_ variables alone.
func auditConfig(path string) (*config.Config, error) {
	if path != "" {
		return loadConfig(path)
	}
	cfg, err := config.Parse(nil, os.Environ())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errConfig, err)
	}
	return cfg, nil
}
