// Command opsd is the cloud engineering operations daemon: overnight
// shutdown, patching, backups, alarms, dead-letter queues and certificate
// expiry for every account and region it is given, driven by resource
// tags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/configkey"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

const usage = `opsd — the cloud engineering operations daemon

Usage:
  opsd run --config FILE                        run the daemon
  opsd run --config FILE --once [--now RFC3339] [--only svc,...]
                                                one reconcile of each service, then exit
  opsd plan --config FILE [--now RFC3339] [--only svc,...] [--json] [--event FILE]
                                                show what would be done (for one AWS event, with --event); change nothing
  opsd explain --config FILE [--now RFC3339] RESOURCE
                                                why one resource is as it is, and what opsd does next
  opsd audit [--config FILE] [--application A] [--format text|json|html] [--fail-on critical|warning]
                                                production readiness of every application
  opsd dlq list --config FILE [--json]          every dead-letter queue: depth, oldest message, alarm
  opsd dlq replay --config FILE --from s3://bucket/prefix --to QUEUE [--dry-run]
                                                send archived messages back to a queue
  opsd savings --config FILE [--month YYYY-MM] [--by account|application|team] [--json]
                                                on-demand compute overnight shutdown saved in a month
  opsd check-config --config FILE [--env-file FILE]
                                                list every problem in a configuration
  opsd healthcheck --config FILE                exit 0 when the local daemon's /readyz says ready
  opsd version                                  print the version

Exit codes: 0 ok, 1 runtime failure, 2 usage or configuration error.
Run 'opsd COMMAND --help' for a command's flags.
`

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], stdout, stderr)
	case "plan":
		err = cmdPlan(ctx, args[1:], stdout, stderr)
	case "explain":
		err = cmdExplain(ctx, args[1:], stdout, stderr)
	case "audit":
		err = cmdAudit(ctx, args[1:], stdout, stderr)
	case "dlq":
		err = cmdDLQ(ctx, args[1:], stdout, stderr)
	case "savings":
		err = cmdSavings(ctx, args[1:], stdout, stderr)
	case "check-config":
		err = cmdCheckConfig(args[1:], stdout, stderr)
	case "healthcheck":
		err = cmdHealthcheck(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, currentBuild())
	case "help", "--help", "-help", "-h":
		fmt.Fprint(stdout, usage)
	default:
		err = unknownCommand(args[0])
	}
	return exitCode(err, stderr)
}

// commands are the subcommands, for suggesting one on a typo.
var commands = []string{"run", "plan", "explain", "audit", "dlq", "savings", "check-config", "healthcheck", "version", "help"}

// unknownCommand is the usage error of a subcommand opsd does not have,
// naming the nearest one when it looks like a typo.
func unknownCommand(name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if best := configkey.Nearest(name, commands); best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return &usageError{msg}
}

// exitCode reports err and maps it to an exit code.
func exitCode(err error, stderr io.Writer) int {
	var uerr *usageError
	var verr *config.ValidationError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "opsd: %v\nRun 'opsd --help' for usage.\n", err)
		return exitUsage
	case errors.As(err, &verr):
		fmt.Fprintf(stderr, "opsd: %v\n", err)
		return exitUsage
	case errors.Is(err, errConfig):
		fmt.Fprintf(stderr, "opsd: %v\n", err)
		return exitUsage
	case errors.Is(err, errFailed):
		return exitFailure
	default:
		fmt.Fprintf(stderr, "opsd: %v\n", err)
		return exitFailure
	}
}

// errConfig marks a configuration that could not be read or parsed.
var errConfig = errors.New("configuration error")

// errFailed marks a command that ran and reported its own failures.
var errFailed = errors.New("failed")

// newFlags returns a command's flag set, writing its help to stderr.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: opsd %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, a command's flags with no positional argument,
// turning flag mistakes into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	return nil
}

// parseArgs parses args, whose flags may come before, between or after
// the positional arguments (the standard library's flag package stops at
// the first positional one), and returns the positional arguments in
// order. Everything after "--" is positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// loadConfig reads the configuration named by --config.
func loadConfig(path string) (*config.Config, error) {
	return loadConfigWith(path, os.Environ())
}

// loadConfigWith reads the configuration named by --config with the OPSD_
// variables of environ.
func loadConfigWith(path string, environ []string) (*config.Config, error) {
	if path == "" {
		return nil, &usageError{"--config FILE is required"}
	}
	cfg, err := config.Load(path, environ)
	if err != nil {
		var verr *config.ValidationError
		if errors.As(err, &verr) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", errConfig, err)
	}
	return cfg, nil
}

// stopSignals delivers the signals the daemon acts on.
func stopSignals() (<-chan os.Signal, func()) {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	return ch, func() { signal.Stop(ch) }
}
