package audit

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"
	"github.com/aws/smithy-go"
)

// Hand-written fakes of the narrow interfaces: one account's resources in
// memory, pages of pageSize items (so the SDK paginators page), every
// call recorded, failures injected per operation. Services the service
// tests do not exercise answer with nothing.

const pageSize = 2

func apiError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

// fakeAccount is one account's resources in one region.
type fakeAccount struct {
	mu  sync.Mutex
	ops []string
	// fail makes an operation fail; the key is the operation, or
	// "Operation resource" to fail it for one resource only.
	fail map[string]error

	dbs     []rdstypes.DBInstance
	tables  []fakeTable
	buckets []fakeBucket
	topics  []fakeTopic
	alarms  []cwtypes.MetricAlarm

	// securityGroups are what DescribeSecurityGroups lists (one page).
	securityGroups []ec2types.SecurityGroup
}

type fakeTable struct {
	name string
	pitr bool
	gsis int
	tags map[string]string
}

type fakeBucket struct {
	name, region string
	encrypted    bool
	blocked      bool
	tags         map[string]string
}

type fakeTopic struct {
	name string
	kms  string
	tags map[string]string
}

func newFakeAccount() *fakeAccount { return &fakeAccount{fail: map[string]error{}} }

// call records op and returns the failure injected for it (or for it on
// resource).
func (f *fakeAccount) call(op, resource string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = append(f.ops, op)
	if err := f.fail[op+" "+resource]; err != nil {
		return err
	}
	return f.fail[op]
}

func (f *fakeAccount) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.ops)
}

func (f *fakeAccount) clients() Clients {
	return Clients{
		RDS: fakeRDS{f}, SNS: fakeSNS{f}, OpenSearch: fakeOpenSearch{f}, S3: fakeS3{f}, Kafka: fakeKafka{f},
		DynamoDB: fakeDynamoDB{f}, Redshift: fakeRedshift{f}, APIGateway: fakeAPIGateway{f}, Lambda: fakeLambda{f},
		EC2: fakeEC2{f}, AutoScaling: fakeAutoScaling{f}, CloudWatch: fakeCloudWatch{f}, Synthetics: fakeSynthetics{f},
		Logs: fakeLogs{f}, SQS: fakeSQS{f}, EFS: fakeEFS{f}, ELB: fakeELB{f}, ELBv2: fakeELBv2{f},
		ACM: fakeACM{fakeAccount: f},
	}
}

// page returns the items of one page and the next token ("" at the end).
func page[T any](items []T, token string) ([]T, string) {
	from, _ := strconv.Atoi(token)
	to := min(from+pageSize, len(items))
	if to < len(items) {
		return items[from:to], strconv.Itoa(to)
	}
	return items[from:to], ""
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

type fakeRDS struct{ *fakeAccount }

func (f fakeRDS) DescribeDBInstances(_ context.Context, in *rds.DescribeDBInstancesInput, _ ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error) {
	if err := f.call("DescribeDBInstances", ""); err != nil {
		return nil, err
	}
	items, next := page(f.dbs, aws.ToString(in.Marker))
	return &rds.DescribeDBInstancesOutput{DBInstances: items, Marker: optional(next)}, nil
}

func (f fakeRDS) DescribeDBClusters(_ context.Context, _ *rds.DescribeDBClustersInput, _ ...func(*rds.Options)) (*rds.DescribeDBClustersOutput, error) {
	return &rds.DescribeDBClustersOutput{}, f.call("DescribeDBClusters", "")
}

type fakeDynamoDB struct{ *fakeAccount }

func (f fakeDynamoDB) ListTables(_ context.Context, in *dynamodb.ListTablesInput, _ ...func(*dynamodb.Options)) (*dynamodb.ListTablesOutput, error) {
	if err := f.call("ListTables", ""); err != nil {
		return nil, err
	}
	var names []string
	for _, t := range f.tables {
		if in.ExclusiveStartTableName == nil || t.name > *in.ExclusiveStartTableName {
			names = append(names, t.name)
		}
	}
	slices.Sort(names)
	out := &dynamodb.ListTablesOutput{TableNames: names}
	if len(names) > pageSize {
		out.TableNames = names[:pageSize]
		out.LastEvaluatedTableName = aws.String(names[pageSize-1])
	}
	return out, nil
}

func (f fakeDynamoDB) table(name string) (fakeTable, error) {
	for _, t := range f.tables {
		if t.name == name {
			return t, nil
		}
	}
	return fakeTable{}, apiError("ResourceNotFoundException", "Requested resource not found: Table: "+name+" not found")
}

func (f fakeDynamoDB) DescribeTable(_ context.Context, in *dynamodb.DescribeTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	name := aws.ToString(in.TableName)
	if err := f.call("DescribeTable", name); err != nil {
		return nil, err
	}
	t, err := f.table(name)
	if err != nil {
		return nil, err
	}
	td := &ddbtypes.TableDescription{TableName: aws.String(name), TableArn: aws.String("arn:aws:dynamodb:eu-west-2:1:table/" + name)}
	for i := range t.gsis {
		td.GlobalSecondaryIndexes = append(td.GlobalSecondaryIndexes, ddbtypes.GlobalSecondaryIndexDescription{IndexName: aws.String("gsi" + strconv.Itoa(i+1))})
	}
	return &dynamodb.DescribeTableOutput{Table: td}, nil
}

func (f fakeDynamoDB) DescribeContinuousBackups(_ context.Context, in *dynamodb.DescribeContinuousBackupsInput, _ ...func(*dynamodb.Options)) (*dynamodb.DescribeContinuousBackupsOutput, error) {
	name := aws.ToString(in.TableName)
	if err := f.call("DescribeContinuousBackups", name); err != nil {
		return nil, err
	}
	t, err := f.table(name)
	if err != nil {
		return nil, err
	}
	status := ddbtypes.PointInTimeRecoveryStatusDisabled
	if t.pitr {
		status = ddbtypes.PointInTimeRecoveryStatusEnabled
	}
	return &dynamodb.DescribeContinuousBackupsOutput{ContinuousBackupsDescription: &ddbtypes.ContinuousBackupsDescription{
		ContinuousBackupsStatus:        ddbtypes.ContinuousBackupsStatusEnabled,
		PointInTimeRecoveryDescription: &ddbtypes.PointInTimeRecoveryDescription{PointInTimeRecoveryStatus: status},
	}}, nil
}

func (f fakeDynamoDB) ListTagsOfResource(_ context.Context, in *dynamodb.ListTagsOfResourceInput, _ ...func(*dynamodb.Options)) (*dynamodb.ListTagsOfResourceOutput, error) {
	arn := aws.ToString(in.ResourceArn)
	name := arn[strings.LastIndex(arn, "/")+1:]
	if err := f.call("ListTagsOfResource", name); err != nil {
		return nil, err
	}
	t, err := f.table(name)
	if err != nil {
		return nil, err
	}
	// One tag a page, to exercise NextToken.
	keys := slices.Sorted(maps.Keys(t.tags))
	from, _ := strconv.Atoi(aws.ToString(in.NextToken))
	out := &dynamodb.ListTagsOfResourceOutput{}
	if from < len(keys) {
		out.Tags = []ddbtypes.Tag{{Key: aws.String(keys[from]), Value: aws.String(t.tags[keys[from]])}}
		if from+1 < len(keys) {
			out.NextToken = aws.String(strconv.Itoa(from + 1))
		}
	}
	return out, nil
}

type fakeS3 struct{ *fakeAccount }

func (f fakeS3) bucket(name string) (fakeBucket, error) {
	for _, b := range f.buckets {
		if b.name == name {
			return b, nil
		}
	}
	return fakeBucket{}, apiError("NoSuchBucket", "The specified bucket does not exist")
}

func (f fakeS3) ListBuckets(_ context.Context, in *s3.ListBucketsInput, _ ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	if err := f.call("ListBuckets", ""); err != nil {
		return nil, err
	}
	var all []s3types.Bucket
	for _, b := range f.buckets {
		if in.BucketRegion == nil || *in.BucketRegion == b.region {
			all = append(all, s3types.Bucket{Name: aws.String(b.name), BucketRegion: aws.String(b.region)})
		}
	}
	items, next := page(all, aws.ToString(in.ContinuationToken))
	return &s3.ListBucketsOutput{Buckets: items, ContinuationToken: optional(next)}, nil
}

func (f fakeS3) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	if err := f.call("GetBucketEncryption", aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	b, err := f.bucket(aws.ToString(in.Bucket))
	switch {
	case err != nil:
		return nil, err
	case !b.encrypted:
		return nil, apiError("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{
		{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}},
	}}}, nil
}

func (f fakeS3) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	if err := f.call("GetPublicAccessBlock", aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	b, err := f.bucket(aws.ToString(in.Bucket))
	switch {
	case err != nil:
		return nil, err
	case !b.blocked:
		return nil, apiError("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	on := aws.Bool(true)
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on,
	}}, nil
}

func (f fakeS3) GetBucketTagging(_ context.Context, in *s3.GetBucketTaggingInput, _ ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	if err := f.call("GetBucketTagging", aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	b, err := f.bucket(aws.ToString(in.Bucket))
	switch {
	case err != nil:
		return nil, err
	case len(b.tags) == 0:
		return nil, apiError("NoSuchTagSet", "The TagSet does not exist")
	}
	out := &s3.GetBucketTaggingOutput{}
	for k, v := range b.tags {
		out.TagSet = append(out.TagSet, s3types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out, nil
}

func (f fakeS3) GetBucketPolicyStatus(_ context.Context, in *s3.GetBucketPolicyStatusInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error) {
	if err := f.call("GetBucketPolicyStatus", aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	if _, err := f.bucket(aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	return nil, apiError("NoSuchBucketPolicy", "The bucket policy does not exist")
}

func (f fakeS3) GetBucketAcl(_ context.Context, in *s3.GetBucketAclInput, _ ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	if err := f.call("GetBucketAcl", aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	if _, err := f.bucket(aws.ToString(in.Bucket)); err != nil {
		return nil, err
	}
	return &s3.GetBucketAclOutput{}, nil
}

type fakeSNS struct{ *fakeAccount }

func topicARN(name string) string { return "arn:aws:sns:eu-west-2:111111111111:" + name }

func (f fakeSNS) topic(arn string) (fakeTopic, error) {
	for _, t := range f.topics {
		if topicARN(t.name) == arn {
			return t, nil
		}
	}
	return fakeTopic{}, apiError("NotFound", "Topic does not exist")
}

func (f fakeSNS) ListTopics(_ context.Context, in *sns.ListTopicsInput, _ ...func(*sns.Options)) (*sns.ListTopicsOutput, error) {
	if err := f.call("ListTopics", ""); err != nil {
		return nil, err
	}
	var all []string
	for _, t := range f.topics {
		all = append(all, topicARN(t.name))
	}
	items, next := page(all, aws.ToString(in.NextToken))
	out := &sns.ListTopicsOutput{NextToken: optional(next)}
	for _, a := range items {
		out.Topics = append(out.Topics, snsTopic(a))
	}
	return out, nil
}

func (f fakeSNS) GetTopicAttributes(_ context.Context, in *sns.GetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	if err := f.call("GetTopicAttributes", aws.ToString(in.TopicArn)); err != nil {
		return nil, err
	}
	t, err := f.topic(aws.ToString(in.TopicArn))
	if err != nil {
		return nil, err
	}
	attrs := map[string]string{"TopicArn": topicARN(t.name)}
	if t.kms != "" {
		attrs["KmsMasterKeyId"] = t.kms
	}
	return &sns.GetTopicAttributesOutput{Attributes: attrs}, nil
}

func (f fakeSNS) ListTagsForResource(_ context.Context, in *sns.ListTagsForResourceInput, _ ...func(*sns.Options)) (*sns.ListTagsForResourceOutput, error) {
	if err := f.call("ListTagsForResource", aws.ToString(in.ResourceArn)); err != nil {
		return nil, err
	}
	t, err := f.topic(aws.ToString(in.ResourceArn))
	if err != nil {
		return nil, err
	}
	out := &sns.ListTagsForResourceOutput{}
	for k, v := range t.tags {
		out.Tags = append(out.Tags, snsTag(k, v))
	}
	return out, nil
}

type fakeCloudWatch struct{ *fakeAccount }

func (f fakeCloudWatch) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if err := f.call("DescribeAlarms", ""); err != nil {
		return nil, err
	}
	items, next := page(f.alarms, aws.ToString(in.NextToken))
	return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: items, NextToken: optional(next)}, nil
}

// The services below hold nothing in these tests.

type fakeOpenSearch struct{ *fakeAccount }

func (f fakeOpenSearch) ListDomainNames(context.Context, *opensearch.ListDomainNamesInput, ...func(*opensearch.Options)) (*opensearch.ListDomainNamesOutput, error) {
	return &opensearch.ListDomainNamesOutput{}, f.call("ListDomainNames", "")
}

func (f fakeOpenSearch) DescribeDomains(context.Context, *opensearch.DescribeDomainsInput, ...func(*opensearch.Options)) (*opensearch.DescribeDomainsOutput, error) {
	return &opensearch.DescribeDomainsOutput{}, f.call("DescribeDomains", "")
}

func (f fakeOpenSearch) ListTags(context.Context, *opensearch.ListTagsInput, ...func(*opensearch.Options)) (*opensearch.ListTagsOutput, error) {
	return &opensearch.ListTagsOutput{}, f.call("ListTags", "")
}

type fakeKafka struct{ *fakeAccount }

func (f fakeKafka) ListClustersV2(context.Context, *kafka.ListClustersV2Input, ...func(*kafka.Options)) (*kafka.ListClustersV2Output, error) {
	return &kafka.ListClustersV2Output{}, f.call("ListClustersV2", "")
}

type fakeRedshift struct{ *fakeAccount }

func (f fakeRedshift) DescribeClusters(context.Context, *redshift.DescribeClustersInput, ...func(*redshift.Options)) (*redshift.DescribeClustersOutput, error) {
	return &redshift.DescribeClustersOutput{}, f.call("DescribeClusters", "")
}

type fakeAPIGateway struct{ *fakeAccount }

func (f fakeAPIGateway) GetRestApis(context.Context, *apigateway.GetRestApisInput, ...func(*apigateway.Options)) (*apigateway.GetRestApisOutput, error) {
	return &apigateway.GetRestApisOutput{}, f.call("GetRestApis", "")
}

func (f fakeAPIGateway) GetResources(context.Context, *apigateway.GetResourcesInput, ...func(*apigateway.Options)) (*apigateway.GetResourcesOutput, error) {
	return &apigateway.GetResourcesOutput{}, f.call("GetResources", "")
}

func (f fakeAPIGateway) GetStages(context.Context, *apigateway.GetStagesInput, ...func(*apigateway.Options)) (*apigateway.GetStagesOutput, error) {
	return &apigateway.GetStagesOutput{}, f.call("GetStages", "")
}

type fakeLambda struct{ *fakeAccount }

func (f fakeLambda) ListFunctions(context.Context, *lambda.ListFunctionsInput, ...func(*lambda.Options)) (*lambda.ListFunctionsOutput, error) {
	return &lambda.ListFunctionsOutput{}, f.call("ListFunctions", "")
}

func (f fakeLambda) GetPolicy(context.Context, *lambda.GetPolicyInput, ...func(*lambda.Options)) (*lambda.GetPolicyOutput, error) {
	return nil, apiError("ResourceNotFoundException", "no policy")
}

func (f fakeLambda) ListTags(context.Context, *lambda.ListTagsInput, ...func(*lambda.Options)) (*lambda.ListTagsOutput, error) {
	return &lambda.ListTagsOutput{}, f.call("ListTags", "")
}

type fakeEC2 struct{ *fakeAccount }

func (f fakeEC2) DescribeSubnets(context.Context, *ec2.DescribeSubnetsInput, ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	return &ec2.DescribeSubnetsOutput{}, f.call("DescribeSubnets", "")
}

func (f fakeEC2) DescribeRouteTables(context.Context, *ec2.DescribeRouteTablesInput, ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	return &ec2.DescribeRouteTablesOutput{RouteTables: []ec2types.RouteTable{}}, f.call("DescribeRouteTables", "")
}

func (f fakeEC2) DescribeInstances(context.Context, *ec2.DescribeInstancesInput, ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	return &ec2.DescribeInstancesOutput{}, f.call("DescribeInstances", "")
}

func (f fakeEC2) DescribeAvailabilityZones(context.Context, *ec2.DescribeAvailabilityZonesInput, ...func(*ec2.Options)) (*ec2.DescribeAvailabilityZonesOutput, error) {
	return &ec2.DescribeAvailabilityZonesOutput{}, f.call("DescribeAvailabilityZones", "")
}

func (f fakeEC2) DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: f.securityGroups}, f.call("DescribeSecurityGroups", "")
}

func (f fakeEC2) DescribeNetworkInterfaces(context.Context, *ec2.DescribeNetworkInterfacesInput, ...func(*ec2.Options)) (*ec2.DescribeNetworkInterfacesOutput, error) {
	return &ec2.DescribeNetworkInterfacesOutput{}, f.call("DescribeNetworkInterfaces", "")
}

type fakeELB struct{ *fakeAccount }

func (f fakeELB) DescribeLoadBalancers(context.Context, *elb.DescribeLoadBalancersInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error) {
	return &elb.DescribeLoadBalancersOutput{}, f.call("DescribeLoadBalancers", "")
}

func (f fakeELB) DescribeLoadBalancerAttributes(context.Context, *elb.DescribeLoadBalancerAttributesInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancerAttributesOutput, error) {
	return &elb.DescribeLoadBalancerAttributesOutput{}, f.call("DescribeLoadBalancerAttributes", "")
}

func (f fakeELB) DescribeTags(context.Context, *elb.DescribeTagsInput, ...func(*elb.Options)) (*elb.DescribeTagsOutput, error) {
	return &elb.DescribeTagsOutput{}, f.call("DescribeTags", "")
}

type fakeELBv2 struct{ *fakeAccount }

func (f fakeELBv2) DescribeLoadBalancers(context.Context, *elbv2.DescribeLoadBalancersInput, ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancersOutput, error) {
	return &elbv2.DescribeLoadBalancersOutput{}, f.call("DescribeLoadBalancers", "")
}

func (f fakeELBv2) DescribeLoadBalancerAttributes(context.Context, *elbv2.DescribeLoadBalancerAttributesInput, ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancerAttributesOutput, error) {
	return &elbv2.DescribeLoadBalancerAttributesOutput{}, f.call("DescribeLoadBalancerAttributes", "")
}

func (f fakeELBv2) DescribeTags(context.Context, *elbv2.DescribeTagsInput, ...func(*elbv2.Options)) (*elbv2.DescribeTagsOutput, error) {
	return &elbv2.DescribeTagsOutput{}, f.call("DescribeTags", "")
}

func (f fakeELBv2) DescribeTargetGroups(context.Context, *elbv2.DescribeTargetGroupsInput, ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error) {
	return &elbv2.DescribeTargetGroupsOutput{}, f.call("DescribeTargetGroups", "")
}

func (f fakeELBv2) DescribeTargetGroupAttributes(context.Context, *elbv2.DescribeTargetGroupAttributesInput, ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupAttributesOutput, error) {
	return &elbv2.DescribeTargetGroupAttributesOutput{}, f.call("DescribeTargetGroupAttributes", "")
}

type fakeAutoScaling struct{ *fakeAccount }

func (f fakeAutoScaling) DescribeAutoScalingGroups(context.Context, *autoscaling.DescribeAutoScalingGroupsInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	return &autoscaling.DescribeAutoScalingGroupsOutput{}, f.call("DescribeAutoScalingGroups", "")
}

type fakeSynthetics struct{ *fakeAccount }

func (f fakeSynthetics) DescribeCanaries(context.Context, *synthetics.DescribeCanariesInput, ...func(*synthetics.Options)) (*synthetics.DescribeCanariesOutput, error) {
	return &synthetics.DescribeCanariesOutput{}, f.call("DescribeCanaries", "")
}

type fakeLogs struct{ *fakeAccount }

func (f fakeLogs) DescribeLogGroups(context.Context, *cloudwatchlogs.DescribeLogGroupsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error) {
	return &cloudwatchlogs.DescribeLogGroupsOutput{}, f.call("DescribeLogGroups", "")
}

func (f fakeLogs) ListTagsForResource(context.Context, *cloudwatchlogs.ListTagsForResourceInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.ListTagsForResourceOutput, error) {
	return &cloudwatchlogs.ListTagsForResourceOutput{}, f.call("ListTagsForResource", "")
}

type fakeSQS struct{ *fakeAccount }

func (f fakeSQS) ListQueues(context.Context, *sqs.ListQueuesInput, ...func(*sqs.Options)) (*sqs.ListQueuesOutput, error) {
	return &sqs.ListQueuesOutput{}, f.call("ListQueues", "")
}

func (f fakeSQS) GetQueueAttributes(context.Context, *sqs.GetQueueAttributesInput, ...func(*sqs.Options)) (*sqs.GetQueueAttributesOutput, error) {
	return &sqs.GetQueueAttributesOutput{}, f.call("GetQueueAttributes", "")
}

func (f fakeSQS) ListQueueTags(context.Context, *sqs.ListQueueTagsInput, ...func(*sqs.Options)) (*sqs.ListQueueTagsOutput, error) {
	return &sqs.ListQueueTagsOutput{}, f.call("ListQueueTags", "")
}

type fakeEFS struct{ *fakeAccount }

func (f fakeEFS) DescribeFileSystems(context.Context, *efs.DescribeFileSystemsInput, ...func(*efs.Options)) (*efs.DescribeFileSystemsOutput, error) {
	return &efs.DescribeFileSystemsOutput{}, f.call("DescribeFileSystems", "")
}

func snsTopic(arn string) snstypes.Topic { return snstypes.Topic{TopicArn: aws.String(arn)} }

func snsTag(k, v string) snstypes.Tag { return snstypes.Tag{Key: aws.String(k), Value: aws.String(v)} }
