package awsenv_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/smithy-go/logging"

	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/internal/mototest"
)

// jsonLines parses every line of b as a JSON object.
func jsonLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, line)
		}
		out = append(out, rec)
	}
	return out
}

func TestSDKLoggerWritesOneJSONLine(t *testing.T) {
	var buf bytes.Buffer
	l := awsenv.SDKLogger{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
	l.Logf(logging.Warn, "falling back to IMDSv1: %v", errors.New("operation error ec2imds: getToken, http response error StatusCode: 403"))
	recs := jsonLines(t, buf.Bytes())
	if len(recs) != 1 {
		t.Fatalf("%d lines, want 1:\n%s", len(recs), buf.String())
	}
	rec := recs[0]
	if rec["level"] != "WARN" || rec["msg"] != "falling back to IMDSv1: operation error ec2imds: getToken, http response error StatusCode: 403" || rec["component"] != "aws-sdk" {
		t.Errorf("record %v, want level WARN, the message and component aws-sdk", rec)
	}

	buf.Reset()
	l.WithContext(context.Background()).Logf(logging.Debug, "request %d", 7)
	if recs := jsonLines(t, buf.Bytes()); len(recs) != 0 {
		t.Errorf("a debug line logged at info level: %v", recs)
	}
}

// An instance whose metadata service refuses IMDSv2 tokens makes the SDK
// warn that it falls back to IMDSv1: with Options.Logger that warning is
// a JSON line in opsd's log, not plain text on stderr.
func TestLoadSendsTheSDKsWarningsThroughSlog(t *testing.T) {
	mototest.SetCredentialsEnv(t)
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Path == "/latest/api/token" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		http.NotFound(w, r)
	}))
	defer imds.Close()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
		"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL,
	} {
		t.Setenv(k, v)
	}
	var buf bytes.Buffer
	cfg, err := awsenv.Load(context.Background(), awsenv.Options{Region: region, Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cfg.Credentials.Retrieve(context.Background()); err == nil {
		t.Fatal("credentials retrieved from a metadata service that has none")
	}
	var found bool
	for _, rec := range jsonLines(t, buf.Bytes()) {
		if rec["level"] == "WARN" && strings.HasPrefix(rec["msg"].(string), "falling back to IMDSv1") {
			found = true
		}
	}
	if !found {
		t.Errorf("no WARN falling back to IMDSv1 in the log:\n%s", buf.String())
	}
}
