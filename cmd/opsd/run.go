package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/opsd-dev/opsd/daemon"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// cmdRun runs the daemon, or with --once one reconcile of each service.
func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", "run --config FILE [--once [--now RFC3339] [--only svc,...]]", stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	once := fs.Bool("once", false, "run one reconcile of each service and exit (0 when all succeeded, 1 otherwise)")
	nowFlag := fs.String("now", "", "with --once: act as if the clock read this RFC 3339 time")
	only := fs.String("only", "", "with --once: comma-separated services to run (default: every enabled service)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !*once {
		if *nowFlag != "" || *only != "" {
			return &usageError{"--now and --only go with --once"}
		}
		// Read the configuration here first so that a missing or invalid
		// file exits 2, like every other command.
		if _, err := loadConfig(*path); err != nil {
			return err
		}
		signals, stop := stopSignals()
		defer stop()
		return daemon.Run(ctx, daemon.Options{
			ConfigPath: *path,
			Environ:    os.Environ,
			Getenv:     os.Getenv,
			Version:    currentBuild().Version,
			Log:        stdout,
			Signals:    signals,
		})
	}
	res, err := reconcileOnce(ctx, *path, *nowFlag, *only, reconcile.Apply, stderr)
	if err != nil {
		return err
	}
	writeReport(stdout, res.now, res.results, res.messages, res.slack)
	for _, r := range res.results {
		if r.Failed() {
			return errFailed
		}
	}
	return nil
}

// parseNow reads --now, defaulting to the current time.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, &usageError{fmt.Sprintf("--now %q is not an RFC 3339 time (e.g. 2026-11-24T19:05:00Z)", s)}
	}
	return t, nil
}

// writeReport prints what a --once run did and what it told people.
func writeReport(w io.Writer, now time.Time, results []reconcile.Result, messages []notify.Message, slack bool) {
	fmt.Fprintf(w, "opsd run --once at %s\n", now.Format(time.RFC3339))
	for _, r := range results {
		fmt.Fprintf(w, "\n== %s: %d done, %d failed, %d reported, %d errors\n", r.Service,
			r.Count(reconcile.Done), r.Count(reconcile.Failed), r.Count(reconcile.Reported), len(r.Errors))
		writeActions(w, r.Actions, false)
		for _, err := range r.Errors {
			fmt.Fprintf(w, "  error: %v\n", err)
		}
	}
	if len(messages) == 0 {
		return
	}
	where := "to the log (Slack is not configured)"
	if slack {
		where = "to Slack"
	}
	fmt.Fprintf(w, "\nNotifications sent %s:\n", where)
	for _, m := range messages {
		fmt.Fprintf(w, "\n%s\n", notify.Render(m))
	}
}
