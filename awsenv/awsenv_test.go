package awsenv_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/internal/mototest"
)

const region = "eu-west-2"

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

// setup resets moto, puts a proxy in front of it (to count what reaches
// it) and points the default credential chain at the test credentials.
func setup(t *testing.T) (*mototest.Server, *mototest.Proxy) {
	t.Helper()
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	return srv, mototest.NewProxy(t, srv.URL())
}

// runInstance starts one instance with full rights and returns its id.
func runInstance(t *testing.T, client *ec2.Client) string {
	t.Helper()
	out, err := client.RunInstances(context.Background(), &ec2.RunInstancesInput{
		ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
	})
	if err != nil {
		t.Fatalf("run instances: %v", err)
	}
	return aws.ToString(out.Instances[0].InstanceId)
}

func instanceState(t *testing.T, client *ec2.Client, id string) ec2types.InstanceStateName {
	t.Helper()
	out, err := client.DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		t.Fatalf("describe instances: %v", err)
	}
	return out.Reservations[0].Instances[0].State.Name
}

func TestLoadUsesEnvironmentCredentialsAndEndpoint(t *testing.T) {
	srv, _ := setup(t)
	cfg, err := awsenv.Load(context.Background(), awsenv.Options{Region: region, EndpointURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != region {
		t.Errorf("region = %q, want %q", cfg.Region, region)
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("get caller identity: %v", err)
	}
	if got := aws.ToString(out.Account); got != mototest.DefaultAccountID {
		t.Errorf("account = %q, want %q", got, mototest.DefaultAccountID)
	}
}

func TestReadOnlyRefusesMutatingCallsBeforeSending(t *testing.T) {
	srv, proxy := setup(t)
	ctx := context.Background()
	admin := ec2.NewFromConfig(srv.Config(region))
	id := runInstance(t, admin)

	cfg, err := awsenv.Load(ctx, awsenv.Options{Region: region, EndpointURL: proxy.URL(), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	planner := ec2.NewFromConfig(cfg)
	if _, err := planner.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("describe instances in read-only mode: %v", err)
	}
	_, err = planner.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}})
	if !errors.Is(err, awsenv.ErrReadOnly) {
		t.Fatalf("stop instances in read-only mode: err = %v, want ErrReadOnly", err)
	}
	_, err = planner.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	if !errors.Is(err, awsenv.ErrReadOnly) {
		t.Fatalf("create tags in read-only mode: err = %v, want ErrReadOnly", err)
	}

	if state := instanceState(t, admin, id); state != ec2types.InstanceStateNameRunning {
		t.Errorf("instance state = %s, want running", state)
	}
	if got, want := proxy.Calls(), []string{"DescribeInstances"}; !slices.Equal(got, want) {
		t.Errorf("calls that reached AWS = %q, want %q", got, want)
	}
}

func TestReadWriteModeSendsMutatingCalls(t *testing.T) {
	srv, _ := setup(t)
	ctx := context.Background()
	cfg, err := awsenv.Load(ctx, awsenv.Options{Region: region, EndpointURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	client := ec2.NewFromConfig(cfg)
	id := runInstance(t, client)
	if _, err := client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatalf("stop instances: %v", err)
	}
	if state := instanceState(t, client, id); state != ec2types.InstanceStateNameStopped && state != ec2types.InstanceStateNameStopping {
		t.Errorf("instance state = %s, want stopping or stopped", state)
	}
}

func TestOnCallSeesEveryCall(t *testing.T) {
	srv, _ := setup(t)
	ctx := context.Background()
	var mu sync.Mutex
	var calls []string
	cfg, err := awsenv.Load(ctx, awsenv.Options{
		Region: region, EndpointURL: srv.URL(), ReadOnly: true,
		OnCall: func(service, operation string) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, service+" "+operation)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	client := ec2.NewFromConfig(cfg)
	if _, err := client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatal(err)
	}
	_, _ = client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{"i-1"}})
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"EC2 DescribeInstances", "EC2 StopInstances", "STS GetCallerIdentity"}
	if !slices.Equal(calls, want) {
		t.Errorf("OnCall saw %q, want %q", calls, want)
	}
}

func TestCallTimeoutBoundsACall(t *testing.T) {
	_, proxy := setup(t)
	proxy.Handle("DescribeInstances", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	cfg, err := awsenv.Load(context.Background(), awsenv.Options{
		Region: region, EndpointURL: proxy.URL(), CallTimeout: 200 * time.Millisecond, MaxAttempts: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = ec2.NewFromConfig(cfg).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{})
	if err == nil {
		t.Fatal("describe instances: want a timeout error")
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("call took %v, want about 200ms", elapsed)
	}
}

func TestTracerProviderGetsASpanPerCall(t *testing.T) {
	srv, _ := setup(t)
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	cfg, err := awsenv.Load(context.Background(), awsenv.Options{Region: region, EndpointURL: srv.URL(), TracerProvider: tp})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ec2.NewFromConfig(cfg).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range exporter.GetSpans() {
		names = append(names, s.Name)
		if s.Name != "EC2.DescribeInstances" {
			continue
		}
		attrs := map[string]string{}
		for _, kv := range s.Attributes {
			attrs[string(kv.Key)] = kv.Value.AsString()
		}
		if !strings.HasSuffix(attrs["rpc.method"], "DescribeInstances") || attrs["aws.region"] != region {
			t.Errorf("span attributes = %v", attrs)
		}
		return
	}
	t.Fatalf("no EC2.DescribeInstances span; spans: %q", names)
}

// A custom CA bundle (AWS_CA_BUNDLE, common behind corporate proxies) makes
// the SDK add root CAs to the HTTP client, which needs a client it can
// build on (awshttp.BuildableClient), not a plain *http.Client.
func TestLoadWithCustomCABundle(t *testing.T) {
	srv, _ := setup(t)
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bundle, selfSignedCA(t), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CA_BUNDLE", bundle)
	cfg, err := awsenv.Load(context.Background(), awsenv.Options{Region: region, EndpointURL: srv.URL()})
	if err != nil {
		t.Fatalf("load with AWS_CA_BUNDLE: %v", err)
	}
	if _, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("get caller identity: %v", err)
	}
}

// selfSignedCA returns a PEM certificate for a throwaway CA.
func selfSignedCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "opsd test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestIsReadOnly(t *testing.T) {
	for _, tc := range []struct {
		op   string
		want bool
	}{
		{"DescribeInstances", true},
		{"ListAccounts", true},
		{"GetParameter", true},
		{"BatchGetItem", true},
		{"HeadObject", true},
		{"Scan", true},
		{"Query", true},
		{"SearchResources", true},
		{"LookupEvents", true},
		{"GetCallerIdentity", true},
		{"AssumeRole", true},
		{"StopInstances", false},
		{"StartInstances", false},
		{"CreateTags", false},
		{"PutMetricAlarm", false},
		{"DeleteAlarms", false},
		{"SendCommand", false},
		{"BatchWriteItem", false},
		{"ReceiveMessage", false}, // hides messages from other consumers
		{"", false},
		{"describeInstances", false}, // operation names are case-sensitive
	} {
		if got := awsenv.IsReadOnly(tc.op); got != tc.want {
			t.Errorf("IsReadOnly(%q) = %v, want %v", tc.op, got, tc.want)
		}
	}
}

// The HTTP client keeps enough idle connections per host for many
// accounts' calls at once.
func TestLoadKeepsConnectionsForConcurrency(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	cfg, err := awsenv.Load(context.Background(), awsenv.Options{Region: "eu-west-2"})
	if err != nil {
		t.Fatal(err)
	}
	client, ok := cfg.HTTPClient.(*awshttp.BuildableClient)
	if !ok {
		t.Fatalf("HTTP client is %T, want the SDK's buildable client", cfg.HTTPClient)
	}
	tr := client.GetTransport()
	// aws.concurrency defaults to 16 targets, each with several calls in
	// flight; the SDK's own default keeps 10.
	if tr.MaxIdleConnsPerHost < 64 || tr.MaxIdleConns < tr.MaxIdleConnsPerHost {
		t.Errorf("idle connections %d per host, %d in all; want at least 64 per host and as many in all", tr.MaxIdleConnsPerHost, tr.MaxIdleConns)
	}
}
