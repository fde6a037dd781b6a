package notify

import (
	"context"
	"log/slog"
)

// LogNotifier writes each message as one structured log record. It is the
// notifier opsd uses when Slack is not configured.
type LogNotifier struct {
	// Logger receives the records; nil means slog.Default().
	Logger *slog.Logger
}

var _ Notifier = LogNotifier{}

// Notify writes msg as one record at Info, Warn or Error level according to
// its severity, with the kind, severity, title, text, fields (a group keyed
// by label) and table (columns and rows) as attributes. It never fails.
func (n LogNotifier) Notify(ctx context.Context, msg Message) error {
	logger := n.Logger
	if logger == nil {
		logger = slog.Default()
	}
	attrs := []slog.Attr{
		slog.String("kind", string(msg.Kind)),
		slog.String("severity", string(msg.Severity)),
		slog.String("title", msg.Title),
	}
	if msg.Text != "" {
		attrs = append(attrs, slog.String("text", msg.Text))
	}
	if len(msg.Fields) > 0 {
		fields := make([]any, 0, len(msg.Fields))
		for _, f := range msg.Fields {
			fields = append(fields, slog.String(f.Label, f.Value))
		}
		attrs = append(attrs, slog.Group("fields", fields...))
	}
	if msg.Table != nil && len(msg.Table.Rows) > 0 {
		attrs = append(attrs, slog.Group("table",
			slog.Any("columns", msg.Table.Columns),
			slog.Any("rows", msg.Table.Rows),
		))
	}
	if l := msg.Labels; l != (Labels{}) {
		attrs = append(attrs, slog.Any("labels", l))
	}
	logger.LogAttrs(ctx, level(msg.Severity), "notification", attrs...)
	return nil
}

// level maps a severity to a log level; unknown severities log at Info.
func level(s Severity) slog.Level {
	switch s {
	case Warning:
		return slog.LevelWarn
	case Error:
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}
