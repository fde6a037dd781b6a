package shutdown

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Against moto, through the real SDK: an m5d.large (instance store
// volumes, read with DescribeInstanceTypes) is left running in the off
// period and reported; a t3.micro beside it is stopped.
func TestMotoInstanceStoreLeftRunning(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	cfg := srv.Config("eu-west-2")
	ctx := context.Background()
	c := ec2.NewFromConfig(cfg)
	imgs, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if err != nil || len(imgs.Images) == 0 {
		t.Fatalf("describe images: %v", err)
	}
	ids := map[ec2types.InstanceType]string{}
	for _, typ := range []ec2types.InstanceType{ec2types.InstanceTypeT3Micro, ec2types.InstanceTypeM5dLarge} {
		out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: imgs.Images[0].ImageId, InstanceType: typ, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{
				{Key: aws.String("Environment"), Value: aws.String("development")}, {Key: aws.String("OOOShutdown"), Value: aws.String("true")}}}}})
		if err != nil {
			t.Fatal(err)
		}
		ids[typ] = aws.ToString(out.Instances[0].InstanceId)
	}
	svc := newMotoService(t, cfg, &notify.Recorder{})
	res := reconcileAt(t, svc, testWeek(t).tuesdayEvening, reconcile.Apply)
	got := map[string]reconcile.Action{}
	for _, a := range res.Actions {
		got[a.Resource] = a
	}
	if a := got[ids[ec2types.InstanceTypeT3Micro]]; a.Action != "stop" || a.Status != reconcile.Done {
		t.Errorf("t3.micro: %+v", a)
	}
	if a := got[ids[ec2types.InstanceTypeM5dLarge]]; a.Action != "report" {
		t.Errorf("m5d.large: %+v, want reported", a)
	}
	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{ids[ec2types.InstanceTypeM5dLarge]}})
	if err != nil {
		t.Fatal(err)
	}
	if s := out.Reservations[0].Instances[0].State.Name; s != ec2types.InstanceStateNameRunning {
		t.Errorf("m5d.large is %s, want running", s)
	}
}
