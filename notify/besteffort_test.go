package notify

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

type failing struct{}

func (failing) Notify(context.Context, Message) error { return errors.New("publish: access denied") }

func TestBestEffortLogsAndNeverFails(t *testing.T) {
	var log bytes.Buffer
	rec := &Recorder{}
	n := Multi{rec, BestEffort{Notifier: failing{}, Logger: slog.New(slog.NewTextHandler(&log, nil))}}
	if err := n.Notify(context.Background(), Message{Kind: KindDLQ, Title: "t"}); err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
	if len(rec.Messages()) != 1 || !strings.Contains(log.String(), "access denied") {
		t.Errorf("messages %d, log %q", len(rec.Messages()), log.String())
	}
}
