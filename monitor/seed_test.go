package monitor

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"
	syntypes "github.com/aws/aws-sdk-go-v2/service/synthetics/types"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// The estate the integration tests build in moto, in account
// 123456789012 and eu-west-2.
const (
	linuxAMI   = "ami-1e749f67" // no platform
	windowsAMI = "ami-03cf127a" // platform windows
)

// estate is what seed made.
type estate struct {
	web, win, dev, nightly string // instance ids
	albDim                 string // LoadBalancer dimension of the ALB
	topicARN, dlqURL       string
	dlqARN                 string
}

// seed builds, in moto:
//   - EC2 web (Linux, production, Application=orders) whose agent
//     publishes memory and root disk metrics and EBSIOBalance%;
//     win (Windows, production, Application=orders) with agent metrics;
//     dev (development, not watched) and nightly (development, opted in
//     with opsd:monitor=true, OOOShutdown=true, cpu override 90);
//   - DB instance orders-db (postgres, production, Application=orders) with
//     its log group exported, and dev-db (development);
//   - REST API orders-api, ALB orders-alb (production), canary
//     orders-health, SNS topic orders-events delivering to SQS queue
//     orders whose dead-letter queue is orders-dlq;
//   - log groups: /app/no-retention (never expires), /app/short (14
//     days), /app/ok (180 days), /app/exempt (no retention, exempt by tag).
func seed(t *testing.T, cfg aws.Config) estate {
	t.Helper()
	ctx := context.Background()
	var e estate
	ec2c := ec2.NewFromConfig(cfg)
	run := func(ami string, tags map[string]string) string {
		var ts []ec2types.Tag
		for _, k := range sortedKeys(tags) {
			ts = append(ts, ec2types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
		}
		out, err := ec2c.RunInstances(ctx, &ec2.RunInstancesInput{
			ImageId: aws.String(ami), InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: ts}},
		})
		if err != nil {
			t.Fatalf("run instance %v: %v", tags, err)
		}
		return aws.ToString(out.Instances[0].InstanceId)
	}
	e.web = run(linuxAMI, map[string]string{"Name": "web", "Environment": "production", "Application": "orders"})
	e.win = run(windowsAMI, map[string]string{"Name": "win", "Environment": "prod", "Application": "orders"})
	e.dev = run(linuxAMI, map[string]string{"Name": "dev", "Environment": "development"})
	e.nightly = run(linuxAMI, map[string]string{"Name": "nightly", "Environment": "development", "opsd:monitor": "true", "OOOShutdown": "true", "opsd:monitor:cpu": "90"})

	// The SDK gzips PutMetricData bodies; with the JSON protocol moto
	// cannot read them.
	cw := cloudwatch.NewFromConfig(cfg, mototest.CloudWatchJSON, func(o *cloudwatch.Options) { o.DisableRequestCompression = true })
	put := func(ns, name string, dims map[string]string) {
		var ds []cwtypes.Dimension
		for _, k := range sortedKeys(dims) {
			ds = append(ds, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(dims[k])})
		}
		if _, err := cw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String(ns), MetricData: []cwtypes.MetricDatum{{
			MetricName: aws.String(name), Dimensions: ds, Value: aws.Float64(42), Timestamp: aws.Time(time.Now()),
		}}}); err != nil {
			t.Fatalf("put metric data %s %s: %v", ns, name, err)
		}
	}
	put("CWAgent", "mem_used_percent", map[string]string{"InstanceId": e.web})
	put("CWAgent", "disk_used_percent", map[string]string{"InstanceId": e.web, "path": "/", "device": "nvme0n1p1", "fstype": "xfs"})
	put("CWAgent", "disk_used_percent", map[string]string{"InstanceId": e.web, "path": "/data", "device": "nvme1n1", "fstype": "xfs"})
	put("AWS/EC2", "EBSIOBalance%", map[string]string{"InstanceId": e.web})
	put("CWAgent", "Memory % Committed Bytes In Use", map[string]string{"InstanceId": e.win, "objectname": "Memory"})
	put("CWAgent", "LogicalDisk % Free Space", map[string]string{"InstanceId": e.win, "objectname": "LogicalDisk", "instance": "C:"})

	rc := rds.NewFromConfig(cfg)
	for _, db := range []struct {
		id   string
		tags map[string]string
	}{
		{"orders-db", map[string]string{"Environment": "production", "Application": "orders"}},
		{"dev-db", map[string]string{"Environment": "development"}},
	} {
		var ts []rdstypes.Tag
		for _, k := range sortedKeys(db.tags) {
			ts = append(ts, rdstypes.Tag{Key: aws.String(k), Value: aws.String(db.tags[k])})
		}
		if _, err := rc.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
			DBInstanceIdentifier: aws.String(db.id), Engine: aws.String("postgres"), DBInstanceClass: aws.String("db.t3.micro"),
			MasterUsername: aws.String("opsd"), MasterUserPassword: aws.String("test-password-1"), AllocatedStorage: aws.Int32(100),
			Tags: ts,
		}); err != nil {
			t.Fatalf("create db instance %s: %v", db.id, err)
		}
	}

	logs := cloudwatchlogs.NewFromConfig(cfg)
	group := func(name string, retention int32, tags map[string]string) {
		if _, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name), Tags: tags}); err != nil {
			t.Fatalf("create log group %s: %v", name, err)
		}
		if retention > 0 {
			if _, err := logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(retention)}); err != nil {
				t.Fatalf("put retention of %s: %v", name, err)
			}
		}
	}
	group("/aws/rds/instance/orders-db/postgresql", 180, nil)
	group("/app/no-retention", 0, nil)
	group("/app/short", 14, nil)
	group("/app/ok", 180, nil)
	group("/app/exempt", 0, map[string]string{"opsd:log-retention": "exempt"})

	if _, err := apigateway.NewFromConfig(cfg).CreateRestApi(ctx, &apigateway.CreateRestApiInput{
		Name: aws.String("orders-api"), Tags: map[string]string{"Application": "orders"},
	}); err != nil {
		t.Fatalf("create rest api: %v", err)
	}

	vpc, err := ec2c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatalf("create vpc: %v", err)
	}
	var subnets []string
	for i, az := range []string{"eu-west-2a", "eu-west-2b"} {
		sn, err := ec2c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String([]string{"10.0.1.0/24", "10.0.2.0/24"}[i]), AvailabilityZone: aws.String(az)})
		if err != nil {
			t.Fatalf("create subnet: %v", err)
		}
		subnets = append(subnets, aws.ToString(sn.Subnet.SubnetId))
	}
	lb, err := elb.NewFromConfig(cfg).CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{
		Name: aws.String("orders-alb"), Subnets: subnets, Type: elbtypes.LoadBalancerTypeEnumApplication,
		Tags: []elbtypes.Tag{{Key: aws.String("Environment"), Value: aws.String("production")}, {Key: aws.String("Application"), Value: aws.String("orders")}},
	})
	if err != nil {
		t.Fatalf("create load balancer: %v", err)
	}
	_, e.albDim, _ = strings.Cut(aws.ToString(lb.LoadBalancers[0].LoadBalancerArn), ":loadbalancer/")

	if _, err := synthetics.NewFromConfig(cfg).CreateCanary(ctx, &synthetics.CreateCanaryInput{
		Name: aws.String("orders-health"), ArtifactS3Location: aws.String("s3://artifacts/orders"), ExecutionRoleArn: aws.String("arn:aws:iam::123456789012:role/canary"),
		RuntimeVersion: aws.String("syn-nodejs-puppeteer-9.1"), Schedule: &syntypes.CanaryScheduleInput{Expression: aws.String("rate(5 minutes)")},
		Code: &syntypes.CanaryCodeInput{Handler: aws.String("index.handler"), ZipFile: []byte("zip")},
		Tags: map[string]string{"Application": "orders"},
	}); err != nil {
		t.Fatalf("create canary: %v", err)
	}

	sqc := sqs.NewFromConfig(cfg)
	dlq, err := sqc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders-dlq"), Tags: map[string]string{"Application": "orders"}})
	if err != nil {
		t.Fatalf("create dlq: %v", err)
	}
	e.dlqURL = aws.ToString(dlq.QueueUrl)
	attrs, err := sqc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatalf("get dlq arn: %v", err)
	}
	e.dlqARN = attrs.Attributes["QueueArn"]
	q, err := sqc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders"), Attributes: map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"` + e.dlqARN + `","maxReceiveCount":"5"}`,
	}})
	if err != nil {
		t.Fatalf("create queue: %v", err)
	}
	qa, err := sqc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatalf("get queue arn: %v", err)
	}
	snc := sns.NewFromConfig(cfg)
	topic, err := snc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders-events")})
	if err != nil {
		t.Fatalf("create topic: %v", err)
	}
	e.topicARN = aws.ToString(topic.TopicArn)
	if _, err := snc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(qa.Attributes["QueueArn"])}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	if _, err := snc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("ops-alerts")}); err != nil {
		t.Fatalf("create alert topic: %v", err)
	}
	return e
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
