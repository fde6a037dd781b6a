package awsenv_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"

	"github.com/opsd-dev/opsd/awsenv"
)

var errFenced = errors.New("not the leader")

func TestFenceStopsMutatingCallsOnly(t *testing.T) {
	srv, proxy := setup(t)
	ctx := context.Background()
	id := runInstance(t, ec2.NewFromConfig(srv.Config(region)))

	cfg, err := awsenv.Load(ctx, awsenv.Options{Region: region, EndpointURL: proxy.URL()})
	if err != nil {
		t.Fatal(err)
	}
	leading := false
	awsenv.AddFence(&cfg, func() error {
		if leading {
			return nil
		}
		return errFenced
	})
	client := ec2.NewFromConfig(cfg)
	if _, err := client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("describe while fenced: %v", err)
	}
	if _, err := client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}}); !errors.Is(err, errFenced) {
		t.Fatalf("stop while fenced: err = %v, want the fence's error", err)
	}
	if got := instanceState(t, client, id); got != ec2types.InstanceStateNameRunning {
		t.Errorf("fenced stop reached AWS: state %s", got)
	}
	leading = true
	if _, err := client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{id}}); err != nil {
		t.Fatalf("stop while leading: %v", err)
	}
	if got := proxy.Calls(); slices.Contains(got[:2], "StopInstances") {
		t.Errorf("calls = %v: the fenced stop was sent", got)
	}
}

// The elasticfilesystem client opsd uses names its operation only in
// smithy's context when the guard runs: its read-only calls must still
// pass in plan mode and its mutating ones be refused.
func TestReadOnlyKnowsOperationsOfOlderClients(t *testing.T) {
	srv, _ := setup(t)
	ctx := context.Background()
	cfg, err := awsenv.Load(ctx, awsenv.Options{Region: region, EndpointURL: srv.URL(), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	client := efs.NewFromConfig(cfg)
	if _, err := client.DescribeFileSystems(ctx, &efs.DescribeFileSystemsInput{}); err != nil {
		t.Fatalf("describe file systems in read-only mode: %v", err)
	}
	_, err = client.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("t")})
	if !errors.Is(err, awsenv.ErrReadOnly) || !strings.Contains(err.Error(), "CreateFileSystem") {
		t.Fatalf("create file system in read-only mode: err = %v, want ErrReadOnly naming the operation", err)
	}
}
