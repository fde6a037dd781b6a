package daemon

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"go.opentelemetry.io/otel/trace"

	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/state"
	"github.com/opsd-dev/opsd/telemetry"
)

// OpenState opens the state store cfg describes, once per process: the
// DynamoDB table (the lease's when ha is on), or else the local file
// (config.StatePath; daemon says whether this process is the daemon), or
// memory when there is neither.
// token is the leader lease's fencing token, nil without leader election.
// It never fails: a store that cannot be opened (a file another process
// holds, a directory that cannot be made) is replaced by memory, with one
// warning that opsd may repeat itself, and a corrupt file is moved aside
// and the move logged.
func OpenState(ctx context.Context, cfg *config.Config, daemon bool, logger *slog.Logger, tp trace.TracerProvider, token func() (int64, bool)) *state.Tolerant {
	return openState(ctx, cfg, daemon, logger, tp, token, nil)
}

// openState is OpenState counting, when m is set, the store's failures
// (opsd_state_errors_total) and its AWS requests: a store that could not
// be opened is one failure, each failed load or save another.
func openState(ctx context.Context, cfg *config.Config, daemon bool, logger *slog.Logger, tp trace.TracerProvider, token func() (int64, bool), m *telemetry.Metrics) *state.Tolerant {
	failed := func() {
		if m != nil {
			m.StateErrors.Add(ctx, 1)
		}
	}
	if table := cfg.StateTable(); table != "" {
		base, err := awsenv.Load(ctx, awsenv.Options{
			Region: cfg.AWS.Regions[0], EndpointURL: cfg.AWS.EndpointURL,
			MaxAttempts: cfg.AWS.MaxAttempts, CallTimeout: cfg.AWS.CallTimeout, TracerProvider: tp,
			OnOutcome: awsOutcomes(m), Logger: logger,
		})
		if err == nil {
			st := state.NewTolerant(countStore(state.NewTable(dynamodb.NewFromConfig(base), table, token), m), logger)
			logger.Info("state kept in DynamoDB", "state", st.Status()["where"])
			return st
		}
		failed()
		logger.Warn("state table unusable: opsd keeps its state in memory and may repeat alerts after a restart", "table", table, "error", err.Error())
		return state.NewTolerant(state.NewMemory(), logger)
	}
	path := cfg.StatePath(daemon)
	if path == "" {
		return state.NewTolerant(state.NewMemory(), logger)
	}
	f, moved, err := state.OpenFile(path, time.Now())
	if err != nil {
		failed()
		logger.Warn("state file unusable: opsd keeps its state in memory and may repeat alerts after a restart", "path", path, "error", err.Error())
		return state.NewTolerant(state.NewMemory(), logger)
	}
	st := state.NewTolerant(countStore(f, m), logger)
	if moved != "" {
		st.Warn("state file was corrupt: moved aside and started afresh; opsd may repeat alerts it already sent", "moved_to", moved)
	}
	return st
}

// ReadState gives a read-only command (plan, dlq list) what the daemon or
// the last run remembers, without ever writing it: the DynamoDB table when
// one is configured (read-only commands do not save), or else a copy of
// the state file (state.path, or the daemon's default where it exists),
// read and closed at once so a running daemon is not held up. A file a
// running daemon holds, or one that cannot be read, leaves the command
// with nothing remembered, logged once.
func ReadState(ctx context.Context, cfg *config.Config, logger *slog.Logger, tp trace.TracerProvider) *state.Tolerant {
	if cfg.StateTable() != "" {
		return OpenState(ctx, cfg, false, logger, tp, nil)
	}
	path := cfg.StatePath(true)
	m, err := state.ReadFile(path)
	if err != nil {
		logger.Info("state not read: what earlier runs told is not known to this command", "path", path, "error", err.Error())
		return state.NewTolerant(state.NewMemory(), logger)
	}
	return state.NewTolerant(m, logger)
}
