package daemon

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// With audit enabled, the daemon assesses at start and serves the report
// at /report; before the first assessment it says none has run.
func TestReportServesTheLatestAssessment(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	q := sqs.NewFromConfig(srv.Config("eu-west-2"))
	if _, err := q.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("invoices"),
		Tags: map[string]string{"Application": "billing"}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "opsd.yaml")
	writeFile(t, path, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\nhttp: {listen: \"127.0.0.1:0\"}\naudit: {enabled: true}\n", srv.URL()))
	log := &syncBuffer{}
	signals := make(chan os.Signal, 1)
	listening := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Options{ConfigPath: path, Log: log, Signals: signals, Listening: func(a string) { listening <- a }})
	}()
	var addr string
	select {
	case addr = <-listening:
	case err := <-done:
		t.Fatalf("daemon exited at start: %v\n%s", err, log.String())
	}
	defer func() {
		signals <- syscall.SIGTERM
		<-done
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/report")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(body)
		if resp.StatusCode == http.StatusOK {
			if !strings.Contains(page, "billing") || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("/report does not show the billing application:\n%.600s", page)
			}
			break
		}
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(page, "No assessment has run yet") {
			t.Fatalf("/report before the first assessment: %d\n%.300s", resp.StatusCode, page)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no assessment within 30s\n%s", log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
