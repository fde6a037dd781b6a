package monitor

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

func zipped(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	f, _ := z.Create("index.py")
	_, _ = f.Write([]byte("def handler(e, c):\n    return 1\n"))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An Auto Scaling group is alarmed as a group and its member gets no
// per-instance alarm; a Lambda function and an ECS service get theirs,
// with the thresholds and tags of the scheme the other kinds have.
func TestIntegrationGroupsFunctionsAndServices(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	prod := map[string]string{"Environment": "production", "Application": "orders"}

	as := autoscaling.NewFromConfig(w.cfg)
	if _, err := as.CreateLaunchConfiguration(ctx, &autoscaling.CreateLaunchConfigurationInput{
		LaunchConfigurationName: aws.String("web-lc"), ImageId: aws.String(linuxAMI), InstanceType: aws.String("t3.micro"),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := as.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String("web-asg"), LaunchConfigurationName: aws.String("web-lc"),
		MinSize: aws.Int32(1), MaxSize: aws.Int32(2), DesiredCapacity: aws.Int32(1), AvailabilityZones: []string{"eu-west-2a"},
		Tags: []astypes.Tag{
			{Key: aws.String("Environment"), Value: aws.String("production"), PropagateAtLaunch: aws.Bool(true)},
			{Key: aws.String("opsd:monitor:cpu"), Value: aws.String("70"), PropagateAtLaunch: aws.Bool(false)},
		},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := as.EnableMetricsCollection(ctx, &autoscaling.EnableMetricsCollectionInput{
		AutoScalingGroupName: aws.String("web-asg"), Granularity: aws.String("1Minute"), Metrics: []string{"GroupInServiceInstances", "GroupDesiredCapacity"},
	}); err != nil {
		t.Fatal(err)
	}
	members, err := ec2.NewFromConfig(w.cfg).DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("tag:aws:autoscaling:groupName"), Values: []string{"web-asg"}}}})
	if err != nil || len(members.Reservations) == 0 {
		t.Fatalf("group members: %v %v", members, err)
	}
	member := aws.ToString(members.Reservations[0].Instances[0].InstanceId)

	role, err := iam.NewFromConfig(w.cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("fn"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lambda.NewFromConfig(w.cfg).CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String("orders-fn"), Runtime: lambdatypes.RuntimePython312, Role: role.Role.Arn, Handler: aws.String("index.handler"),
		Code: &lambdatypes.FunctionCode{ZipFile: zipped(t)}, Timeout: aws.Int32(30), Tags: prod,
	}); err != nil {
		t.Fatal(err)
	}

	ec := ecs.NewFromConfig(w.cfg)
	if _, err := ec.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("main"),
		Settings: []ecstypes.ClusterSetting{{Name: ecstypes.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("api:1"), Memory: aws.Int32(256)}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ec.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("main"), ServiceName: aws.String("api"), TaskDefinition: aws.String("api"),
		DesiredCount: aws.Int32(2), Tags: []ecstypes.Tag{{Key: aws.String("Environment"), Value: aws.String("production")}}}); err != nil {
		t.Fatal(err)
	}

	w.apply(t)
	got := w.alarms(t)
	for name := range got {
		if strings.Contains(name, member) {
			t.Errorf("group member has alarm %s", name)
		}
	}
	capacity, ok := got["opsd-asg-web-asg-capacity"]
	if !ok || len(capacity.Metrics) != 3 || aws.ToString(capacity.Metrics[2].Expression) != shortfallExpression {
		t.Errorf("capacity alarm = %+v (found %v)", capacity, ok)
	}
	if cpu := got["opsd-asg-web-asg-cpu"]; aws.ToFloat64(cpu.Threshold) != 70 || formatDimensions(dimensionsOf(cpu.Dimensions)) != "AutoScalingGroupName=web-asg" {
		t.Errorf("group cpu alarm = %v %v", aws.ToFloat64(cpu.Threshold), dimensionsOf(cpu.Dimensions))
	}
	for _, n := range []string{"opsd-lambda-orders-fn-errors", "opsd-lambda-orders-fn-throttles"} {
		if _, ok := got[n]; !ok {
			t.Errorf("no alarm %s", n)
		}
	}
	if d := got["opsd-lambda-orders-fn-duration"]; aws.ToString(d.ExtendedStatistic) != "p99" || aws.ToFloat64(d.Threshold) != 24000 {
		t.Errorf("duration alarm: %s %v, want p99 above 24000 ms (80%% of 30 s)", aws.ToString(d.ExtendedStatistic), aws.ToFloat64(d.Threshold))
	}
	for _, n := range []string{"opsd-ecs-main/api-running", "opsd-ecs-main/api-cpu", "opsd-ecs-main/api-memory"} {
		a, ok := got[n]
		if !ok {
			t.Errorf("no alarm %s", n)
			continue
		}
		if tags := w.alarmTags(t, n); tags["opsd:managed"] != "true" || !strings.Contains(tags["opsd:resource"], "service/main/api") {
			t.Errorf("%s tags = %v", n, tags)
		}
		if n == "opsd-ecs-main/api-cpu" && formatDimensions(dimensionsOf(a.Dimensions)) != "ClusterName=main,ServiceName=api" {
			t.Errorf("ecs cpu dimensions = %v", dimensionsOf(a.Dimensions))
		}
	}
	// In sync: a second run changes nothing.
	if again := w.apply(t); len(changing(again)) != 0 {
		t.Errorf("second run changes %+v", changing(again))
	}
}
