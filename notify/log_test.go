package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestLogNotifierJSON(t *testing.T) {
	tests := []struct {
		severity  Severity
		wantLevel string
	}{
		{Info, "INFO"},
		{Warning, "WARN"},
		{Error, "ERROR"},
		{"", "INFO"},
	}
	for _, tt := range tests {
		t.Run(string(tt.severity), func(t *testing.T) {
			var buf bytes.Buffer
			n := LogNotifier{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
			msg := Message{
				Kind:     KindBackup,
				Severity: tt.severity,
				Title:    "2 backup jobs failed",
				Text:     "see *AWS Backup*",
				Fields:   []Field{{"Account", "111111111111"}, {"Region", "eu-west-2"}},
				Table: &Table{
					Columns: []string{"RESOURCE", "STATE"},
					Rows:    [][]string{{"db-1", "FAILED"}, {"db-2", "EXPIRED"}},
				},
			}
			if err := n.Notify(t.Context(), msg); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			if lines := strings.Count(buf.String(), "\n"); lines != 1 {
				t.Fatalf("wrote %d records, want 1: %s", lines, buf.String())
			}
			var got struct {
				Level    string            `json:"level"`
				Msg      string            `json:"msg"`
				Kind     string            `json:"kind"`
				Severity string            `json:"severity"`
				Title    string            `json:"title"`
				Text     string            `json:"text"`
				Fields   map[string]string `json:"fields"`
				Table    struct {
					Columns []string   `json:"columns"`
					Rows    [][]string `json:"rows"`
				} `json:"table"`
			}
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatalf("decode %s: %v", buf.String(), err)
			}
			if got.Level != tt.wantLevel {
				t.Errorf("level = %q, want %q", got.Level, tt.wantLevel)
			}
			if got.Msg != "notification" || got.Kind != "backup" || got.Severity != string(tt.severity) ||
				got.Title != msg.Title || got.Text != msg.Text {
				t.Errorf("record = %+v", got)
			}
			if want := map[string]string{"Account": "111111111111", "Region": "eu-west-2"}; !reflect.DeepEqual(got.Fields, want) {
				t.Errorf("fields = %v, want %v", got.Fields, want)
			}
			if !reflect.DeepEqual(got.Table.Columns, msg.Table.Columns) || !reflect.DeepEqual(got.Table.Rows, msg.Table.Rows) {
				t.Errorf("table = %+v, want %+v", got.Table, *msg.Table)
			}
		})
	}
}

func TestLogNotifierOmitsEmptyParts(t *testing.T) {
	var buf bytes.Buffer
	n := LogNotifier{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
	if err := n.Notify(t.Context(), Message{Kind: KindAudit, Severity: Info, Title: "all tagged"}); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	for _, key := range []string{"text", "fields", "table"} {
		if _, ok := got[key]; ok {
			t.Errorf("record has %q for a message without it: %s", key, buf.String())
		}
	}
}

func TestRecorderKeepsCopies(t *testing.T) {
	var r Recorder
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			_ = r.Notify(t.Context(), Message{Kind: KindDLQ, Title: fmt.Sprint(i)})
		})
	}
	wg.Wait()
	if got := len(r.Messages()); got != 50 {
		t.Fatalf("kept %d messages, want 50", got)
	}

	var r2 Recorder
	msg := Message{Title: "t", Fields: []Field{{"a", "1"}}, Table: &Table{Rows: [][]string{{"x"}}}}
	_ = r2.Notify(t.Context(), msg)
	msg.Fields[0].Value = "changed"
	msg.Table.Rows[0][0] = "changed"
	got := r2.Messages()
	got[0].Fields[0].Value = "changed too"
	again := r2.Messages()[0]
	if again.Fields[0].Value != "1" || again.Table.Rows[0][0] != "x" {
		t.Errorf("recorded message changed with the caller's copy: %+v %+v", again.Fields, again.Table)
	}
}

func TestRender(t *testing.T) {
	msg := Message{
		Kind:     KindShutdown,
		Severity: Warning,
		Title:    "stopped 2 instances",
		Text:     "Out of hours in *dev*.\n",
		Fields:   []Field{{"Account", "111111111111"}, {"Region", "eu-west-2"}},
		Table: &Table{
			Columns: []string{"INSTANCE", "NAME", "ACTION"},
			Rows:    [][]string{{"i-0abc", "web server", "stop"}, {"i-1", "db", "stop\nfailed"}},
		},
	}
	want := `[WARNING] shutdown: stopped 2 instances
Out of hours in *dev*.

Account: 111111111111
Region:  eu-west-2

INSTANCE  NAME        ACTION
i-0abc    web server  stop
i-1       db          stop failed
`
	if got := Render(msg); got != want {
		t.Errorf("Render =\n%s\nwant\n%s", got, want)
	}
	if got, want := Render(Message{Title: "only a title"}), "[INFO] only a title\n"; got != want {
		t.Errorf("Render(title only) = %q, want %q", got, want)
	}
}

type failingNotifier struct{ err error }

func (f failingNotifier) Notify(context.Context, Message) error { return f.err }

func TestMultiDeliversToAllAndJoinsErrors(t *testing.T) {
	var r1, r2 Recorder
	boom := errors.New("boom")
	m := Multi{&r1, failingNotifier{boom}, nil, &r2}
	err := m.Notify(t.Context(), Message{Title: "x"})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want it to wrap boom", err)
	}
	if len(r1.Messages()) != 1 || len(r2.Messages()) != 1 {
		t.Errorf("delivered %d and %d, want 1 each", len(r1.Messages()), len(r2.Messages()))
	}
	if err := (Multi{&r1}).Notify(t.Context(), Message{}); err != nil {
		t.Errorf("Multi with no failures: %v", err)
	}
}
