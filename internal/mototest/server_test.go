package mototest

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestSharedServerAnswersSDKCalls(t *testing.T) {
	srv := Shared(t)
	if Shared(t) != srv {
		t.Fatal("Shared started a second server")
	}
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL = %q, want a loopback URL", srv.URL())
	}
	out, err := sts.NewFromConfig(srv.Config("eu-west-2")).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("get caller identity: %v", err)
	}
	if got := aws.ToString(out.Account); got != DefaultAccountID {
		t.Errorf("account = %q, want %q", got, DefaultAccountID)
	}
}

func TestResetClearsState(t *testing.T) {
	srv := Shared(t)
	srv.Reset(t)
	ctx := context.Background()
	client := ssm.NewFromConfig(srv.Config("eu-west-2"))
	if _, err := client.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/reset/me"), Value: aws.String("v"), Type: ssmtypes.ParameterTypeString}); err != nil {
		t.Fatalf("put parameter: %v", err)
	}
	srv.Reset(t)
	_, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/reset/me")})
	var notFound *ssmtypes.ParameterNotFound
	if !errors.As(err, &notFound) {
		t.Fatalf("get parameter after reset: err = %v, want ParameterNotFound", err)
	}
}

func TestStopKillsTheServer(t *testing.T) {
	if _, err := binary(); err != nil {
		t.Skip(err)
	}
	srv, err := Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	select {
	case <-srv.exited:
	default:
		t.Fatal("process still running after Stop")
	}
	if _, err := os.Stat(srv.logPath); !os.IsNotExist(err) {
		t.Errorf("log %s not removed: %v", srv.logPath, err)
	}
	c := &http.Client{Timeout: time.Second}
	if resp, err := c.Get(srv.URL() + "/moto-api/data.json"); err == nil {
		resp.Body.Close()
		t.Error("server still answers after Stop")
	}
	srv.Stop() // a second Stop is harmless
}

func TestStartReportsMissingBinary(t *testing.T) {
	t.Setenv("MOTO_SERVER_BIN", filepath.Join(t.TempDir(), "no-such-moto"))
	_, err := Start(context.Background())
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("err = %v, want ErrNotInstalled", err)
	}
}

func TestStartShowsOutputOfAFailedServer(t *testing.T) {
	script := filepath.Join(t.TempDir(), "moto_server")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho 'boom: cannot start' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MOTO_SERVER_BIN", script)
	_, err := Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "boom: cannot start") {
		t.Fatalf("err = %v, want it to show the server's output", err)
	}
}
