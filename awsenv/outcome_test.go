package awsenv_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"

	"github.com/opsd-dev/opsd/awsenv"
)

func TestOutcome(t *testing.T) {
	for err, want := range map[error]string{
		nil: "ok",
		&smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}: "throttled",
		&smithy.GenericAPIError{Code: "RequestLimitExceeded"}:                          "throttled",
		&smithy.GenericAPIError{Code: "AccessDenied"}:                                  "error",
		errors.New("dial tcp: connection refused"):                                     "error",
	} {
		if got := awsenv.Outcome(err); got != want {
			t.Errorf("Outcome(%v) = %s, want %s", err, got, want)
		}
	}
}

// Every request sent is told with its outcome, each retry included; a
// call refused before it is sent is not a request.
func TestOnOutcomeSeesEveryAttempt(t *testing.T) {
	_, proxy := setup(t)
	throttled := false
	proxy.Handle("DescribeInstances", func(w http.ResponseWriter, r *http.Request) {
		if !throttled {
			throttled = true
			w.Header().Set("Content-Type", "text/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>1</RequestID></Response>`))
			return
		}
		proxy.Forward(w, r)
	})
	ctx := context.Background()
	var mu sync.Mutex
	var seen []string
	observe := func(_ context.Context, service, operation, outcome string) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, service+" "+operation+" "+outcome)
	}
	cfg, err := awsenv.Load(ctx, awsenv.Options{Region: region, EndpointURL: proxy.URL(), OnOutcome: observe})
	if err != nil {
		t.Fatal(err)
	}
	client := ec2.NewFromConfig(cfg)
	if _, err := client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-00000000000000000"}}); err == nil {
		t.Fatal("stopped an instance that does not exist")
	}
	readOnly, err := awsenv.Load(ctx, awsenv.Options{Region: region, EndpointURL: proxy.URL(), ReadOnly: true, OnOutcome: observe})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ec2.NewFromConfig(readOnly).StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-1"}}); !errors.Is(err, awsenv.ErrReadOnly) {
		t.Fatalf("plan mode let StopInstances through: %v", err)
	}
	want := []string{"EC2 DescribeInstances throttled", "EC2 DescribeInstances ok", "EC2 StopInstances error"}
	if !slices.Equal(seen, want) {
		t.Errorf("OnOutcome saw %q, want %q", seen, want)
	}
}
