package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/daemon"
	"github.com/opsd-dev/opsd/dlq"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/telemetry"
)

// cmdDLQ runs `opsd dlq list` and `opsd dlq replay`.
func cmdDLQ(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return &usageError{"dlq needs a command: list or replay"}
	}
	switch args[0] {
	case "list":
		return cmdDLQList(ctx, args[1:], stdout, stderr)
	case "replay":
		return cmdDLQReplay(ctx, args[1:], stdout, stderr)
	}
	return &usageError{fmt.Sprintf("unknown dlq command %q (list or replay)", args[0])}
}

// dlqEnv builds the environment the dlq commands act in: read-only for
// list, read-write for replay, telling nobody.
func dlqEnv(ctx context.Context, cfg *config.Config, mode reconcile.Mode, logOut io.Writer) (*daemon.Env, error) {
	logger := telemetry.NewLogger(logOut, telemetry.ParseLevel(cfg.Log.Level))
	return daemon.NewEnv(ctx, cfg, daemon.EnvOptions{Mode: mode, Logger: logger, Notifier: &notify.Recorder{}})
}

// cmdDLQList prints every dead-letter queue of every account and region
// with its depth, oldest message and alarm state. It makes read-only calls
// only, whether or not the dlq service is enabled.
func cmdDLQList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dlq list", "dlq list --config FILE [--json]", stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	asJSON := fs.Bool("json", false, "print the queues as a JSON array")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	env, err := dlqEnv(ctx, cfg, reconcile.Plan, stderr)
	if err != nil {
		return err
	}
	// What the last archive scan saw gives the oldest message's age where
	// CloudWatch has none yet.
	st := daemon.ReadState(ctx, cfg, env.Logger, nil)
	defer st.Close()
	svc, err := dlq.New(cfg.DLQ, dlq.Deps{Targets: env.Resolver.Targets, FanOut: env.FanOut, Notifier: env.Notifier, Logger: env.Logger, Location: env.Location, State: st})
	if err != nil {
		return err
	}
	queues, errs := svc.List(ctx, time.Now())
	if *asJSON {
		if queues == nil {
			queues = []dlq.QueueStatus{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(queues); err != nil {
			return fmt.Errorf("write dead-letter queues: %w", err)
		}
	} else if err := dlq.WriteList(stdout, queues); err != nil {
		return fmt.Errorf("write dead-letter queues: %w", err)
	}
	for _, err := range errs {
		fmt.Fprintf(stderr, "opsd: dlq list: %v\n", err)
	}
	if len(errs) > 0 {
		return errFailed
	}
	return nil
}

// cmdDLQReplay sends archived messages back to a queue.
func cmdDLQReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dlq replay", "dlq replay --config FILE --from s3://bucket/prefix --to QUEUE [--dry-run] [--region R] [--archive-region R]", stderr)
	path := fs.String("config", "", "configuration file (YAML)")
	from := fs.String("from", "", "the archive to replay: s3://bucket/prefix")
	to := fs.String("to", "", "the queue to send to: a queue URL, or a name in --region of opsd's own account")
	dryRun := fs.Bool("dry-run", false, "read and check every archived message; send nothing")
	region := fs.String("region", "", "region of the queue when --to is a name (default: the first of aws.regions)")
	archiveRegion := fs.String("archive-region", "", "region of the archive bucket (default: the queue's)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return &usageError{"dlq replay needs --from s3://bucket/prefix and --to QUEUE"}
	}
	if _, _, err := dlq.ParseArchiveURL(*from); err != nil {
		return &usageError{"dlq replay --from: " + strings.TrimPrefix(err.Error(), "replay from ")}
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return err
	}
	mode := reconcile.Apply
	if *dryRun {
		mode = reconcile.Plan // a dry run cannot send: the SDK refuses it
	}
	env, err := dlqEnv(ctx, cfg, mode, stderr)
	if err != nil {
		return err
	}
	awsCfg := env.Base.Copy()
	if *region != "" {
		awsCfg.Region = *region
	}
	rep, err := dlq.Replay(ctx, dlq.NewReplayClients(awsCfg, *archiveRegion), dlq.ReplayOptions{
		From: *from, To: *to, DryRun: *dryRun,
		Each: func(e dlq.ReplayEntry) {
			fmt.Fprintf(stdout, "%-11s %s %s\n", e.Status, e.Key, e.MessageID)
		},
	})
	if err != nil {
		return fmt.Errorf("replay %s to %s: %w", *from, *to, err)
	}
	verb := "sent"
	count := rep.Sent
	if *dryRun {
		verb, count = "would send", rep.WouldSend
	}
	fmt.Fprintf(stdout, "%d archived objects read, %d %s to %s, %d skipped, %d failed\n", rep.Objects, count, verb, rep.QueueURL, rep.Skipped, rep.Failed)
	for _, p := range rep.Problems {
		fmt.Fprintf(stderr, "opsd: dlq replay: %s %s: %s\n", p.Status, p.Key, p.Error)
	}
	if rep.Failed > 0 || rep.Skipped > 0 {
		return errFailed
	}
	return nil
}
