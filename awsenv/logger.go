package awsenv

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/smithy-go/logging"
)

// SDKLogger passes the AWS SDK's own log lines ("falling back to
// IMDSv1", retry and clock-skew warnings) to a slog logger, so they are
// JSON like every other line opsd writes, with the trace ids of the call
// they belong to. Without it the SDK prints plain text to stderr.
type SDKLogger struct {
	// Logger receives the lines; nil drops them.
	Logger *slog.Logger
	ctx    context.Context
}

var (
	_ logging.Logger        = SDKLogger{}
	_ logging.ContextLogger = SDKLogger{}
)

// Logf logs one SDK line at the level its classification names: WARN for
// logging.Warn, DEBUG for logging.Debug, INFO otherwise.
func (l SDKLogger) Logf(classification logging.Classification, format string, v ...interface{}) {
	if l.Logger == nil {
		return
	}
	level := slog.LevelInfo
	switch classification {
	case logging.Warn:
		level = slog.LevelWarn
	case logging.Debug:
		level = slog.LevelDebug
	}
	ctx := l.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	l.Logger.LogAttrs(ctx, level, fmt.Sprintf(format, v...), slog.String("component", "aws-sdk"))
}

// WithContext returns a logger whose lines carry ctx's trace and span ids.
func (l SDKLogger) WithContext(ctx context.Context) logging.Logger {
	l.ctx = ctx
	return l
}
