package awsenv_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

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
