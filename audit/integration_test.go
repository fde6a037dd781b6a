package audit

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancing/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbv2types "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/kafka"
	kafkatypes "github.com/aws/aws-sdk-go-v2/service/kafka/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/opensearch"
	ostypes "github.com/aws/aws-sdk-go-v2/service/opensearch/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/redshift"
	redshifttypes "github.com/aws/aws-sdk-go-v2/service/redshift/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"
	synthtypes "github.com/aws/aws-sdk-go-v2/service/synthetics/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Integration tests: the real SDK clients against moto_server, through a
// mototest.Proxy that fills in what moto does not model:
//   - moto has no StartCanary: every canary stays READY. DescribeCanaries
//     answers are rewritten to RUNNING for the canaries the test started.
//   - moto stores but never returns an SNS topic's delivery status
//     attributes (SQSFailureFeedbackRoleArn, ...). GetTopicAttributes
//     answers get them back for the topics the test set them on.
//   - moto's ListFunctions leaves VpcId out of a function's VpcConfig.
//     Its answers get the VPC the test used.
//   - moto has no GetBucketPolicyStatus (it answers GET ?policyStatus as
//     if it were another bucket read). The proxy answers it: IsPublic for
//     the buckets the test gave a public policy, NoSuchBucketPolicy for
//     the others, as S3 does for a bucket without a policy.
//
// Other moto quirks the test lives with: a Multi-AZ DB instance reports no
// SecondaryAvailabilityZone (the standby is counted without its AZ);
// Lambda needs its execution role to exist in IAM, which the test creates
// with a raw query-protocol request (opsd has no IAM client).

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

const motoAccount = mototest.DefaultAccountID

// world is one moto estate and the proxy in front of it.
type world struct {
	t     *testing.T
	srv   *mototest.Server
	proxy *mototest.Proxy
	cfg   aws.Config
	ctx   context.Context

	vpc                  string
	private              []string // one private subnet per AZ a, b, c
	public               []string // public subnets in AZ a and b
	canaryRunning        map[string]bool
	topicFailureFeedback map[string]bool
	publicPolicy         map[string]bool // buckets with a public policy
	mu                   sync.Mutex
	ids                  map[string]string // names of created things → ids
}

func newWorld(t *testing.T) *world {
	t.Helper()
	srv := mototest.Shared(t)
	srv.Reset(t)
	w := &world{t: t, srv: srv, ctx: context.Background(), canaryRunning: map[string]bool{}, topicFailureFeedback: map[string]bool{}, publicPolicy: map[string]bool{}, ids: map[string]string{}}
	w.proxy = mototest.NewProxy(t, srv.URL())
	w.proxy.Handle("POST /canaries", w.describeCanaries)
	w.proxy.Handle("POST /canary", w.createCanary)
	w.proxy.Handle("GetTopicAttributes", w.getTopicAttributes)
	w.proxy.Handle("GET /2015-03-31/functions", w.listFunctions)
	w.restoreTesting() // before GET /{bucket}, which would take GET /restore-jobs
	w.proxy.Handle("GET /{bucket}", w.getBucketPolicyStatus)
	w.cfg = w.proxy.Config(testRegion)
	return w
}

// forwarded returns moto's answer to r.
func (w *world) forwarded(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	w.proxy.Forward(rec, r)
	return rec
}

func copyAnswer(rw http.ResponseWriter, rec *httptest.ResponseRecorder, body string) {
	for k, v := range rec.Header() {
		if k != "Content-Length" {
			rw.Header()[k] = v
		}
	}
	rw.WriteHeader(rec.Code)
	_, _ = rw.Write([]byte(body))
}

// describeCanaries answers DescribeCanaries from moto's canaries, fixed
// up for the SDK: moto writes timestamps as ISO strings where the API has
// epoch seconds (the SDK cannot decode them), and never starts a canary.
func (w *world) describeCanaries(rw http.ResponseWriter, r *http.Request) {
	rec := w.forwarded(r)
	var out struct {
		Canaries []map[string]any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		mototest.WriteError(rw, r, http.StatusInternalServerError, "InternalFailure", "decode moto canaries: "+err.Error())
		return
	}
	for _, c := range out.Canaries {
		w.fixCanary(c)
	}
	mototest.WriteJSON(rw, r, out)
}

// createCanary passes CreateCanary to moto and fixes its answer the same
// way.
func (w *world) createCanary(rw http.ResponseWriter, r *http.Request) {
	rec := w.forwarded(r)
	var out struct {
		Canary map[string]any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK {
		copyAnswer(rw, rec, rec.Body.String())
		return
	}
	w.fixCanary(out.Canary)
	mototest.WriteJSON(rw, r, out)
}

func (w *world) fixCanary(c map[string]any) {
	delete(c, "Timeline")
	name, _ := c["Name"].(string)
	w.mu.Lock()
	running := w.canaryRunning[name]
	w.mu.Unlock()
	if st, ok := c["Status"].(map[string]any); ok && running {
		st["State"] = "RUNNING"
	}
}

func (w *world) getTopicAttributes(rw http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	rec := w.forwarded(r)
	body := rec.Body.String()
	w.mu.Lock()
	logged := w.topicFailureFeedback[r.PostForm.Get("TopicArn")]
	w.mu.Unlock()
	if logged {
		entry := "<entry><key>SQSFailureFeedbackRoleArn</key><value>arn:aws:iam::" + motoAccount + ":role/sns-delivery-status</value></entry>"
		body = strings.Replace(body, "</Attributes>", entry+"</Attributes>", 1)
	}
	copyAnswer(rw, rec, body)
}

// getBucketPolicyStatus answers S3 GetBucketPolicyStatus, which moto
// lacks, and passes every other one-segment GET (other bucket reads, and
// other REST services' lists) to moto.
func (w *world) getBucketPolicyStatus(rw http.ResponseWriter, r *http.Request) {
	if !r.URL.Query().Has("policyStatus") {
		w.proxy.Forward(rw, r)
		return
	}
	w.mu.Lock()
	public := w.publicPolicy[r.PathValue("bucket")]
	w.mu.Unlock()
	if !public {
		rw.Header().Set("Content-Type", "application/xml")
		rw.WriteHeader(http.StatusNotFound)
		_, _ = rw.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist</Message></Error>`))
		return
	}
	mototest.WriteXML(rw, `<?xml version="1.0" encoding="UTF-8"?><PolicyStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsPublic>true</IsPublic></PolicyStatus>`)
}

// listFunctions passes ListFunctions to moto and adds the VpcId that
// moto leaves out of a function's VpcConfig.
func (w *world) listFunctions(rw http.ResponseWriter, r *http.Request) {
	rec := w.forwarded(r)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK {
		copyAnswer(rw, rec, rec.Body.String())
		return
	}
	fns, _ := out["Functions"].([]any)
	for _, f := range fns {
		fn, _ := f.(map[string]any)
		if vc, ok := fn["VpcConfig"].(map[string]any); ok {
			if subnets, _ := vc["SubnetIds"].([]any); len(subnets) > 0 {
				vc["VpcId"] = w.vpc
			}
		}
	}
	mototest.WriteJSON(rw, r, out)
}

func (w *world) check(err error, what string) {
	w.t.Helper()
	if err != nil {
		w.t.Fatalf("%s: %v", what, err)
	}
}

// network creates a VPC with private subnets in three AZs and public ones
// (routed to an internet gateway) in two.
func (w *world) network() {
	c := ec2.NewFromConfig(w.cfg)
	vpc, err := c.CreateVpc(w.ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.20.0.0/16")})
	w.check(err, "create vpc")
	w.vpc = aws.ToString(vpc.Vpc.VpcId)
	subnet := func(cidr, az string) string {
		out, err := c.CreateSubnet(w.ctx, &ec2.CreateSubnetInput{VpcId: aws.String(w.vpc), CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(az)})
		w.check(err, "create subnet")
		return aws.ToString(out.Subnet.SubnetId)
	}
	for i, az := range []string{"a", "b", "c"} {
		w.private = append(w.private, subnet(fmt.Sprintf("10.20.%d.0/24", i), testRegion+az))
	}
	for i, az := range []string{"a", "b"} {
		w.public = append(w.public, subnet(fmt.Sprintf("10.20.%d.0/24", 10+i), testRegion+az))
	}
	igw, err := c.CreateInternetGateway(w.ctx, &ec2.CreateInternetGatewayInput{})
	w.check(err, "create internet gateway")
	_, err = c.AttachInternetGateway(w.ctx, &ec2.AttachInternetGatewayInput{InternetGatewayId: igw.InternetGateway.InternetGatewayId, VpcId: aws.String(w.vpc)})
	w.check(err, "attach internet gateway")
	rt, err := c.CreateRouteTable(w.ctx, &ec2.CreateRouteTableInput{VpcId: aws.String(w.vpc)})
	w.check(err, "create route table")
	_, err = c.CreateRoute(w.ctx, &ec2.CreateRouteInput{RouteTableId: rt.RouteTable.RouteTableId, DestinationCidrBlock: aws.String("0.0.0.0/0"), GatewayId: igw.InternetGateway.InternetGatewayId})
	w.check(err, "create route")
	for _, s := range w.public {
		_, err = c.AssociateRouteTable(w.ctx, &ec2.AssociateRouteTableInput{RouteTableId: rt.RouteTable.RouteTableId, SubnetId: aws.String(s)})
		w.check(err, "associate route table")
	}
	r := rds.NewFromConfig(w.cfg)
	for name, subnets := range map[string][]string{"private": w.private, "public": w.public} {
		_, err := r.CreateDBSubnetGroup(w.ctx, &rds.CreateDBSubnetGroupInput{DBSubnetGroupName: aws.String(name), DBSubnetGroupDescription: aws.String(name), SubnetIds: subnets})
		w.check(err, "create db subnet group "+name)
	}
}

// appTags are full, valid production tags of app; legacy resources lack
// TeamEmail, Confidentiality and BackupPolicy.
func appTags(app string) map[string]string {
	if app == "legacy" {
		return tags("Application", "legacy", "Environment", "production")
	}
	return prodTags(app)
}

func sortedKV(m map[string]string) [][2]string {
	var out [][2]string
	for k, v := range m {
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func rdsTagsOf(app string) []rdstypes.Tag {
	var out []rdstypes.Tag
	for _, kv := range sortedKV(appTags(app)) {
		out = append(out, rdstypes.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	return out
}

// createRole makes the Lambda execution role in moto's IAM with a raw
// query request (moto routes it by the credential scope's service).
func (w *world) createRole(name string) string {
	form := url.Values{
		"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {name},
		"AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
	}
	req, err := http.NewRequest(http.MethodPost, w.srv.URL()+"/", strings.NewReader(form.Encode()))
	w.check(err, "build create role request")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+mototest.AccessKeyID+"/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
	res, err := http.DefaultClient.Do(req)
	w.check(err, "create role")
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		w.t.Fatalf("create role: %s", res.Status)
	}
	return "arn:aws:iam::" + motoAccount + ":role/" + name
}

func lambdaZip(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	f, err := zw.Create("index.py")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write([]byte("def handler(event, context):\n    return {}\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// database creates the application's RDS database: for payments an
// encrypted, private, Multi-AZ Postgres with a read replica in a third AZ;
// for legacy a public, unencrypted, single-AZ MySQL without automated
// backups.
func (w *world) database(app string) string {
	r := rds.NewFromConfig(w.cfg)
	id := app + "-db"
	in := &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String(id), DBInstanceClass: aws.String("db.t3.micro"), AllocatedStorage: aws.Int32(20),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("correct-horse-battery"), Tags: rdsTagsOf(app),
		AvailabilityZone: aws.String(testRegion + "a"),
	}
	if app == "legacy" {
		in.Engine, in.PubliclyAccessible, in.DBSubnetGroupName = aws.String("mysql"), aws.Bool(true), aws.String("public")
		in.BackupRetentionPeriod = aws.Int32(0)
	} else {
		in.Engine, in.StorageEncrypted, in.PubliclyAccessible, in.MultiAZ, in.DBSubnetGroupName = aws.String("postgres"), aws.Bool(true), aws.Bool(false), aws.Bool(true), aws.String("private")
	}
	out, err := r.CreateDBInstance(w.ctx, in)
	w.check(err, "create db instance "+id)
	if app != "legacy" {
		_, err := r.CreateDBInstanceReadReplica(w.ctx, &rds.CreateDBInstanceReadReplicaInput{
			DBInstanceIdentifier: aws.String(id + "-replica"), SourceDBInstanceIdentifier: aws.String(id),
			AvailabilityZone: aws.String(testRegion + "c"), Tags: rdsTagsOf(app),
		})
		w.check(err, "create read replica")
	}
	return aws.ToString(out.DBInstance.Endpoint.Address)
}

// table creates the DynamoDB table: payments with PITR and two GSIs,
// legacy without PITR and with three.
func (w *world) table(app string) {
	d := dynamodb.NewFromConfig(w.cfg)
	name := app + "-items"
	gsis := 2
	if app == "legacy" {
		gsis = 3
	}
	in := &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
	}
	for i := range gsis {
		attr := fmt.Sprintf("k%d", i)
		in.AttributeDefinitions = append(in.AttributeDefinitions, ddbtypes.AttributeDefinition{AttributeName: aws.String(attr), AttributeType: ddbtypes.ScalarAttributeTypeS})
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, ddbtypes.GlobalSecondaryIndex{
			IndexName: aws.String("by-" + attr), KeySchema: []ddbtypes.KeySchemaElement{{AttributeName: aws.String(attr), KeyType: ddbtypes.KeyTypeHash}},
			Projection: &ddbtypes.Projection{ProjectionType: ddbtypes.ProjectionTypeAll},
		})
	}
	for _, kv := range sortedKV(appTags(app)) {
		in.Tags = append(in.Tags, ddbtypes.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	_, err := d.CreateTable(w.ctx, in)
	w.check(err, "create table "+name)
	if app != "legacy" {
		_, err := d.UpdateContinuousBackups(w.ctx, &dynamodb.UpdateContinuousBackupsInput{
			TableName: aws.String(name), PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)},
		})
		w.check(err, "enable pitr")
	}
}

// bucket creates the S3 bucket: payments with Block Public Access and
// default encryption, legacy with neither, a public-read ACL and a policy
// that lets anyone read its objects.
func (w *world) bucket(app string) {
	c := s3.NewFromConfig(w.cfg, func(o *s3.Options) { o.UsePathStyle = true })
	name := app + "-files"
	_, err := c.CreateBucket(w.ctx, &s3.CreateBucketInput{Bucket: aws.String(name), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{
		LocationConstraint: s3types.BucketLocationConstraint(testRegion),
	}})
	w.check(err, "create bucket "+name)
	var ts []s3types.Tag
	for _, kv := range sortedKV(appTags(app)) {
		ts = append(ts, s3types.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	_, err = c.PutBucketTagging(w.ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name), Tagging: &s3types.Tagging{TagSet: ts}})
	w.check(err, "tag bucket")
	if app == "legacy" {
		_, err = c.PutBucketAcl(w.ctx, &s3.PutBucketAclInput{Bucket: aws.String(name), ACL: s3types.BucketCannedACLPublicRead})
		w.check(err, "make bucket public-read")
		_, err = c.PutBucketPolicy(w.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + name + `/*"}]}`)})
		w.check(err, "put public bucket policy")
		w.mu.Lock()
		w.publicPolicy[name] = true
		w.mu.Unlock()
		return
	}
	on := aws.Bool(true)
	_, err = c.PutPublicAccessBlock(w.ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(name), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on,
	}})
	w.check(err, "put public access block")
	_, err = c.PutBucketEncryption(w.ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(name), ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{
		Rules: []s3types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms}}},
	}})
	w.check(err, "put bucket encryption")
}

// alarm creates a metric alarm on namespace/metric with one dimension.
func (w *world) alarm(name, namespace, metric, dim, value string) {
	c := cloudwatch.NewFromConfig(w.cfg, mototest.CloudWatchJSON)
	_, err := c.PutMetricAlarm(w.ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String(name), Namespace: aws.String(namespace), MetricName: aws.String(metric),
		Dimensions: []cwtypes.Dimension{{Name: aws.String(dim), Value: aws.String(value)}},
		Statistic:  cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(1),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold,
	})
	w.check(err, "put metric alarm "+name)
}

// messaging creates the SNS topic and an SQS queue with its dead-letter
// queue: payments encrypted, logged and alarmed; legacy none of that, its
// DLQ alarmed on NumberOfMessagesSent, which misses redriven messages.
func (w *world) messaging(app string) {
	sn := sns.NewFromConfig(w.cfg)
	topic := app + "-events"
	in := &sns.CreateTopicInput{Name: aws.String(topic)}
	for _, kv := range sortedKV(appTags(app)) {
		in.Tags = append(in.Tags, snstypes.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	if app != "legacy" {
		in.Attributes = map[string]string{"KmsMasterKeyId": "alias/aws/sns"}
	}
	out, err := sn.CreateTopic(w.ctx, in)
	w.check(err, "create topic")
	if app != "legacy" {
		_, err := sn.SetTopicAttributes(w.ctx, &sns.SetTopicAttributesInput{TopicArn: out.TopicArn,
			AttributeName: aws.String("SQSFailureFeedbackRoleArn"), AttributeValue: aws.String("arn:aws:iam::" + motoAccount + ":role/sns-delivery-status")})
		w.check(err, "set delivery status logging")
		w.mu.Lock()
		w.topicFailureFeedback[aws.ToString(out.TopicArn)] = true
		w.mu.Unlock()
		w.alarm(topic+"-failed", "AWS/SNS", "NumberOfNotificationsFailed", "TopicName", topic)
	}

	q := sqs.NewFromConfig(w.cfg)
	// payments' consumers long-poll by default; legacy's queues keep
	// SQS's default of 0 s (short polling).
	wait := map[string]string{"ReceiveMessageWaitTimeSeconds": "20"}
	if app == "legacy" {
		wait = map[string]string{}
	}
	dlq, err := q.CreateQueue(w.ctx, &sqs.CreateQueueInput{QueueName: aws.String(app + "-dlq"), Tags: appTags(app), Attributes: wait})
	w.check(err, "create dlq")
	attrs, err := q.GetQueueAttributes(w.ctx, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	w.check(err, "get dlq arn")
	queueAttrs := map[string]string{"RedrivePolicy": fmt.Sprintf(`{"deadLetterTargetArn":"%s","maxReceiveCount":"3"}`, attrs.Attributes["QueueArn"])}
	maps.Copy(queueAttrs, wait)
	_, err = q.CreateQueue(w.ctx, &sqs.CreateQueueInput{QueueName: aws.String(app + "-queue"), Tags: appTags(app), Attributes: queueAttrs})
	w.check(err, "create queue")
	metric := "ApproximateNumberOfMessagesVisible"
	if app == "legacy" {
		metric = "NumberOfMessagesSent"
	}
	w.alarm(app+"-dlq-arrivals", "AWS/SQS", metric, "QueueName", app+"-dlq")
}

// function creates the Lambda function and its log group: payments in
// the VPC's private subnets, invocable by its API only, logs kept 180
// days; legacy on nodejs12.x outside any VPC although it reaches
// payments' database, invocable by anyone, logs kept forever.
func (w *world) function(app, role, dbEndpoint string) {
	l := lambda.NewFromConfig(w.cfg)
	name := app + "-fn"
	in := &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Role: aws.String(role), Runtime: lambdatypes.RuntimePython312, Handler: aws.String("index.handler"),
		Code: &lambdatypes.FunctionCode{ZipFile: lambdaZip(w.t)}, Tags: appTags(app),
		Environment: &lambdatypes.Environment{Variables: map[string]string{"DB_HOST": dbEndpoint}},
	}
	if app != "legacy" {
		in.VpcConfig = &lambdatypes.VpcConfig{SubnetIds: w.private, SecurityGroupIds: []string{}}
	} else {
		// Deprecated on 2023-03-31; moto accepts it.
		in.Runtime = lambdatypes.RuntimeNodejs12x
	}
	_, err := l.CreateFunction(w.ctx, in)
	w.check(err, "create function "+name)
	perm := &lambda.AddPermissionInput{FunctionName: aws.String(name), StatementId: aws.String("invoke"), Action: aws.String("lambda:InvokeFunction")}
	if app == "legacy" {
		perm.Principal = aws.String("*")
	} else {
		perm.Principal = aws.String("apigateway.amazonaws.com")
		perm.SourceArn = aws.String("arn:aws:execute-api:" + testRegion + ":" + motoAccount + ":abc123/*")
	}
	_, err = l.AddPermission(w.ctx, perm)
	w.check(err, "add permission")

	logs := cloudwatchlogs.NewFromConfig(w.cfg)
	group := "/aws/lambda/" + name
	if app == "legacy" {
		group = "/legacy/app"
	}
	_, err = logs.CreateLogGroup(w.ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group), Tags: appTags(app)})
	w.check(err, "create log group")
	if app != "legacy" {
		_, err = logs.PutRetentionPolicy(w.ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(group), RetentionInDays: aws.Int32(180)})
		w.check(err, "put retention policy")
	}
}

// api creates the REST API: payments with an authorizer on every method
// but its Swagger route, tracing on, a running canary with an alarm and a
// 5XX alarm; legacy with an open method, tracing off, neither canary nor
// alarms.
func (w *world) api(app string) {
	g := apigateway.NewFromConfig(w.cfg)
	name := app + "-api"
	api, err := g.CreateRestApi(w.ctx, &apigateway.CreateRestApiInput{Name: aws.String(name), Tags: appTags(app)})
	w.check(err, "create rest api")
	w.mu.Lock()
	w.ids[name] = aws.ToString(api.Id)
	w.mu.Unlock()
	auth := "NONE"
	var authorizer *string
	if app != "legacy" {
		a, err := g.CreateAuthorizer(w.ctx, &apigateway.CreateAuthorizerInput{RestApiId: api.Id, Name: aws.String("google-groups"), Type: "TOKEN",
			AuthorizerUri:  aws.String("arn:aws:apigateway:" + testRegion + ":lambda:path/2015-03-31/functions/arn:aws:lambda:" + testRegion + ":" + motoAccount + ":function:authorizer/invocations"),
			IdentitySource: aws.String("method.request.header.Authorization")})
		w.check(err, "create authorizer")
		auth, authorizer = "CUSTOM", a.Id
	}
	method := func(parent, part, verb, authType string, authorizerID *string) {
		res, err := g.CreateResource(w.ctx, &apigateway.CreateResourceInput{RestApiId: api.Id, ParentId: aws.String(parent), PathPart: aws.String(part)})
		w.check(err, "create resource "+part)
		_, err = g.PutMethod(w.ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: res.Id, HttpMethod: aws.String(verb),
			AuthorizationType: aws.String(authType), AuthorizerId: authorizerID})
		w.check(err, "put method "+part)
		_, err = g.PutIntegration(w.ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: res.Id, HttpMethod: aws.String(verb), Type: "MOCK"})
		w.check(err, "put integration "+part)
	}
	method(aws.ToString(api.RootResourceId), "orders", "GET", auth, authorizer)
	method(aws.ToString(api.RootResourceId), "swagger", "GET", "NONE", nil)
	dep, err := g.CreateDeployment(w.ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id})
	w.check(err, "create deployment")
	_, err = g.CreateStage(w.ctx, &apigateway.CreateStageInput{RestApiId: api.Id, DeploymentId: dep.Id, StageName: aws.String("prod"), TracingEnabled: app != "legacy"})
	w.check(err, "create stage")
	if app == "legacy" {
		return
	}
	canary := name + "-health"
	w.mu.Lock()
	w.canaryRunning[canary] = true
	w.mu.Unlock()
	syn := synthetics.NewFromConfig(w.cfg)
	_, err = syn.CreateCanary(w.ctx, &synthetics.CreateCanaryInput{
		Name: aws.String(canary), ArtifactS3Location: aws.String("s3://" + app + "-files/canary"), ExecutionRoleArn: aws.String("arn:aws:iam::" + motoAccount + ":role/canary"),
		RuntimeVersion: aws.String("syn-nodejs-puppeteer-9.1"), Schedule: &synthtypes.CanaryScheduleInput{Expression: aws.String("rate(5 minutes)")},
		Code: &synthtypes.CanaryCodeInput{Handler: aws.String("index.handler"), S3Bucket: aws.String(app + "-files"), S3Key: aws.String("canary.zip")},
		Tags: appTags(app),
	})
	w.check(err, "create canary")
	w.alarm(canary+"-failed", "CloudWatchSynthetics", "SuccessPercent", "CanaryName", canary)
	w.alarm(name+"-5xx", "AWS/ApiGateway", "5XXError", "ApiName", name)
}

// search creates the OpenSearch domain: payments encrypted, in the VPC's
// private subnets across three AZs; legacy unencrypted on a public
// endpoint in one AZ.
func (w *world) search(app string) {
	o := opensearch.NewFromConfig(w.cfg)
	in := &opensearch.CreateDomainInput{DomainName: aws.String(app + "-search")}
	for _, kv := range sortedKV(appTags(app)) {
		in.TagList = append(in.TagList, ostypes.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	if app != "legacy" {
		in.EncryptionAtRestOptions = &ostypes.EncryptionAtRestOptions{Enabled: aws.Bool(true)}
		in.VPCOptions = &ostypes.VPCOptions{SubnetIds: w.private}
		in.ClusterConfig = &ostypes.ClusterConfig{InstanceCount: aws.Int32(3), ZoneAwarenessEnabled: aws.Bool(true),
			ZoneAwarenessConfig: &ostypes.ZoneAwarenessConfig{AvailabilityZoneCount: aws.Int32(3)}}
	}
	_, err := o.CreateDomain(w.ctx, in)
	w.check(err, "create domain")
}

// compute creates each application's servers.
//   - payments: an Auto Scaling group of one across the three AZs, on ELB
//     health checks, behind an ALB whose security group opens only 443
//     to the internet.
//   - legacy: a stand-alone instance with no backup policy; a group in one
//     AZ on EC2 health checks behind a Classic Load Balancer with neither
//     cross-zone nor connection draining; a security group open to the
//     internet on SSH.
func (w *world) compute(app string) {
	c := ec2.NewFromConfig(w.cfg)
	sg := w.securityGroup(app)
	if app == "legacy" {
		var ts []ec2types.Tag
		for _, kv := range sortedKV(appTags(app)) {
			ts = append(ts, ec2types.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
		}
		ts = append(ts, ec2types.Tag{Key: aws.String("Name"), Value: aws.String("legacy-worker")})
		out, err := c.RunInstances(w.ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			SubnetId: aws.String(w.private[0]), TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: ts}}})
		w.check(err, "run instance")
		w.mu.Lock()
		w.ids["legacy-worker"] = aws.ToString(out.Instances[0].InstanceId)
		w.mu.Unlock()
	}
	_, err := c.CreateLaunchTemplate(w.ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(app + "-web"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Micro}})
	w.check(err, "create launch template")
	var ts []asgtypes.Tag
	for _, kv := range sortedKV(appTags(app)) {
		ts = append(ts, asgtypes.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1]), PropagateAtLaunch: aws.Bool(true)})
	}
	in := &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(app + "-web"), LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String(app + "-web")},
		MinSize: aws.Int32(0), MaxSize: aws.Int32(3), Tags: ts,
	}
	if app == "legacy" {
		w.classicLoadBalancer(app, sg)
		in.DesiredCapacity, in.VPCZoneIdentifier = aws.Int32(0), aws.String(w.private[0])
		in.LoadBalancerNames, in.HealthCheckType = []string{app + "-elb"}, aws.String("EC2")
	} else {
		in.DesiredCapacity, in.VPCZoneIdentifier = aws.Int32(1), aws.String(strings.Join(w.private, ","))
		in.TargetGroupARNs, in.HealthCheckType, in.HealthCheckGracePeriod = []string{w.applicationLoadBalancer(app, sg)}, aws.String("ELB"), aws.Int32(300)
	}
	_, err = autoscaling.NewFromConfig(w.cfg).CreateAutoScalingGroup(w.ctx, in)
	w.check(err, "create auto scaling group")
}

// securityGroup creates the application's security group: payments' for
// its load balancer, HTTPS from anywhere; legacy's SSH from anywhere.
func (w *world) securityGroup(app string) string {
	c := ec2.NewFromConfig(w.cfg)
	name, port := app+"-lb", int32(443)
	if app == "legacy" {
		name, port = app+"-open", 22
	}
	var ts []ec2types.Tag
	for _, kv := range sortedKV(appTags(app)) {
		ts = append(ts, ec2types.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	out, err := c.CreateSecurityGroup(w.ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String(name), VpcId: aws.String(w.vpc),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: ts}}})
	w.check(err, "create security group "+name)
	_, err = c.AuthorizeSecurityGroupIngress(w.ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: out.GroupId, IpPermissions: []ec2types.IpPermission{{
		IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}, Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}},
	}}})
	w.check(err, "authorize ingress "+name)
	return aws.ToString(out.GroupId)
}

// applicationLoadBalancer creates payments' internet-facing ALB in the
// public subnets with sg, and returns its target group's ARN.
func (w *world) applicationLoadBalancer(app, sg string) string {
	c := elbv2.NewFromConfig(w.cfg)
	var ts []elbv2types.Tag
	for _, kv := range sortedKV(appTags(app)) {
		ts = append(ts, elbv2types.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	lb, err := c.CreateLoadBalancer(w.ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String(app + "-alb"), Subnets: w.public, SecurityGroups: []string{sg}, Tags: ts})
	w.check(err, "create load balancer")
	tg, err := c.CreateTargetGroup(w.ctx, &elbv2.CreateTargetGroupInput{Name: aws.String(app + "-web"), Protocol: elbv2types.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String(w.vpc)})
	w.check(err, "create target group")
	_, err = c.CreateListener(w.ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancers[0].LoadBalancerArn, Protocol: elbv2types.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbv2types.Action{{Type: elbv2types.ActionTypeEnumForward, TargetGroupArn: tg.TargetGroups[0].TargetGroupArn}}})
	w.check(err, "create listener")
	return aws.ToString(tg.TargetGroups[0].TargetGroupArn)
}

// classicLoadBalancer creates legacy's Classic Load Balancer in one
// private subnet; moto, like AWS's API, leaves cross-zone and connection
// draining off.
func (w *world) classicLoadBalancer(app, sg string) {
	var ts []elbtypes.Tag
	for _, kv := range sortedKV(appTags(app)) {
		ts = append(ts, elbtypes.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	_, err := elb.NewFromConfig(w.cfg).CreateLoadBalancer(w.ctx, &elb.CreateLoadBalancerInput{LoadBalancerName: aws.String(app + "-elb"), Subnets: w.private[:1],
		SecurityGroups: []string{sg}, Listeners: []elbtypes.Listener{{Protocol: aws.String("HTTP"), LoadBalancerPort: 80, InstancePort: aws.Int32(80)}}, Tags: ts})
	w.check(err, "create classic load balancer")
}

// storage creates legacy's unencrypted single-AZ Redshift cluster and
// unencrypted One Zone EFS file system.
func (w *world) storage(app string) {
	rs := redshift.NewFromConfig(w.cfg)
	in := &redshift.CreateClusterInput{ClusterIdentifier: aws.String(app + "-dw"), NodeType: aws.String("ra3.xlplus"), MasterUsername: aws.String("admin"),
		MasterUserPassword: aws.String("Correct-horse-1"), ClusterType: aws.String("single-node"), Encrypted: aws.Bool(false), AvailabilityZone: aws.String(testRegion + "a")}
	for _, kv := range sortedKV(appTags(app)) {
		in.Tags = append(in.Tags, redshifttypes.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	_, err := rs.CreateCluster(w.ctx, in)
	w.check(err, "create redshift cluster")
	fsIn := &efs.CreateFileSystemInput{CreationToken: aws.String(app + "-fs"), AvailabilityZoneName: aws.String(testRegion + "b")}
	for _, kv := range sortedKV(appTags(app)) {
		fsIn.Tags = append(fsIn.Tags, efstypes.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
	}
	fsIn.Tags = append(fsIn.Tags, efstypes.Tag{Key: aws.String("Name"), Value: aws.String(app + "-fs")})
	_, err = efs.NewFromConfig(w.cfg).CreateFileSystem(w.ctx, fsIn)
	w.check(err, "create file system")
}

// stream creates payments' MSK cluster, brokers in the three private
// subnets.
func (w *world) stream(app string) {
	_, err := kafka.NewFromConfig(w.cfg).CreateClusterV2(w.ctx, &kafka.CreateClusterV2Input{
		ClusterName: aws.String(app + "-stream"), Tags: appTags(app),
		Provisioned: &kafkatypes.ProvisionedRequest{KafkaVersion: aws.String("3.6.0"), NumberOfBrokerNodes: aws.Int32(3),
			BrokerNodeGroupInfo: &kafkatypes.BrokerNodeGroupInfo{ClientSubnets: w.private, InstanceType: aws.String("kafka.m5.large")}},
	})
	w.check(err, "create msk cluster")
}

// build creates both applications.
func (w *world) build() {
	w.network()
	role := w.createRole("lambda-exec")
	payDB := w.database("payments")
	w.database("legacy")
	for _, app := range []string{"payments", "legacy"} {
		w.table(app)
		w.bucket(app)
		w.messaging(app)
		w.api(app)
		w.search(app)
		w.compute(app)
	}
	w.stream("payments")
	w.function("payments", role, payDB)
	w.function("legacy", role, payDB)
	w.storage("legacy")
	w.certificates()
}

// service returns the audit service over the proxy, its AWS calls guarded
// read-only as in plan mode, and records every operation it calls.
func (w *world) service(rec notify.Notifier) (*Service, func() []string) {
	cfg := w.cfg.Copy()
	var mu sync.Mutex
	var ops []string
	awsenv.Instrument(&cfg, true, 30*time.Second, nil, func(service, operation string) {
		mu.Lock()
		defer mu.Unlock()
		if op := service + ":" + operation; !slices.Contains(ops, op) {
			ops = append(ops, op)
		}
	})
	ac := DefaultConfig()
	ac.RestoreTests = restoreTestRules()
	svc, err := New(ac, Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			return []accounts.Target{{Account: motoAccount, Region: testRegion, Config: cfg}}, nil
		},
		FanOut:   accounts.FanOut{Limit: 1},
		Notifier: rec,
		Clients:  w.monitoredClients,
	})
	w.check(err, "new service")
	return svc, func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := slices.Clone(ops)
		sort.Strings(out)
		return out
	}
}

// failures returns an application's failing findings as "check resource".
func failures(rep *Report, app string) []string {
	a := rep.Application(app)
	if a == nil {
		return nil
	}
	var out []string
	for _, f := range a.Findings {
		if f.Status == Fail {
			name := f.Resource
			if f.Name != "" {
				name = f.Name
			}
			out = append(out, f.Check+" "+name)
		}
	}
	sort.Strings(out)
	return out
}

// legacyFailures are every failure the non-compliant application has, as
// "check resource".
func legacyFailures() []string {
	out := []string{
		"security.api-authorizer legacy-api",
		"security.s3-block-public-access legacy-files",
		"security.lambda-public-invoke legacy-fn",
		"security.lambda-in-database-vpc legacy-fn",
		"security.rds-private legacy-db",
		"security.opensearch-private legacy-search",
		"availability.rds-read-replica legacy-db",
		"monitoring.api-canary legacy-api",
		"monitoring.api-5xx-alarm legacy-api",
		"monitoring.api-xray legacy-api",
		"monitoring.log-retention /legacy/app",
		"monitoring.sns-delivery-failure-alarm legacy-events",
		"monitoring.sns-delivery-logging legacy-events",
		"monitoring.dlq-alarm legacy-dlq",
		"reliability.dynamodb-pitr legacy-items",
		"reliability.rds-automated-backups legacy-db",
		"reliability.certificates-renew legacy.example.org",
		"cost.database-engine legacy-db",
		"cost.dynamodb-gsi-limit legacy-items",
		"security.security-group-open-ports legacy-open",
		"security.lambda-runtime legacy-fn",
		"availability.ec2-in-auto-scaling-group legacy-worker",
		"availability.asg-all-zones legacy-web",
		"availability.asg-elb-health-check legacy-web",
		"availability.elb-cross-zone legacy-elb",
		"availability.multi-az legacy-web",
		"tagging.mandatory-tags legacy-web",
		"reliability.sqs-long-polling legacy-dlq",
		"reliability.sqs-long-polling legacy-queue",
	}
	for _, r := range []string{"legacy-db", "legacy-dw", "legacy-events", "legacy-files", "legacy-fs", "legacy-search"} {
		out = append(out, "security.encryption-at-rest "+r)
	}
	for _, r := range []string{"legacy-db", "legacy-dw", "legacy-fs", "legacy-search", "legacy-worker"} {
		out = append(out, "availability.multi-az "+r)
	}
	for _, r := range []string{"legacy-db", "legacy-fs", "legacy-items", "legacy-worker"} {
		out = append(out, "reliability.backup-policy-tag "+r)
	}
	for _, r := range []string{"legacy-api", "legacy-db", "legacy-dlq", "legacy-dw", "legacy-elb", "legacy-events", "legacy-files", "legacy-fn", "legacy-fs",
		"legacy-items", "legacy-open", "legacy-queue", "legacy-search", "legacy-worker"} {
		out = append(out, "tagging.mandatory-tags "+r)
	}
	sort.Strings(out)
	return out
}

// auditOperations are every AWS operation the assessment calls, as the
// SDK names them (service id: operation).
func auditOperations() []string {
	return []string{
		"ACM:DescribeCertificate", "ACM:ListCertificates", "ACM:ListTagsForCertificate",
		"API Gateway:GetResources", "API Gateway:GetRestApis", "API Gateway:GetStages",
		"Auto Scaling:DescribeAutoScalingGroups",
		"Backup:ListRestoreJobs", "Backup:ListRestoreTestingPlans",
		"CloudWatch Logs:DescribeLogGroups", "CloudWatch Logs:ListTagsForResource",
		"CloudWatch:DescribeAlarms",
		"DynamoDB:DescribeContinuousBackups", "DynamoDB:DescribeTable", "DynamoDB:ListTables", "DynamoDB:ListTagsOfResource",
		"EC2:DescribeAvailabilityZones", "EC2:DescribeInstances", "EC2:DescribeNetworkInterfaces", "EC2:DescribeRouteTables",
		"EC2:DescribeSecurityGroups", "EC2:DescribeSubnets",
		"EFS:DescribeFileSystems",
		"Elastic Load Balancing v2:DescribeLoadBalancerAttributes", "Elastic Load Balancing v2:DescribeLoadBalancers", "Elastic Load Balancing v2:DescribeTags",
		"Elastic Load Balancing v2:DescribeTargetGroupAttributes", "Elastic Load Balancing v2:DescribeTargetGroups",
		"Elastic Load Balancing:DescribeLoadBalancerAttributes", "Elastic Load Balancing:DescribeLoadBalancers", "Elastic Load Balancing:DescribeTags",
		"Kafka:ListClustersV2",
		"Lambda:GetPolicy", "Lambda:ListFunctions", "Lambda:ListTags",
		"OpenSearch:DescribeDomains", "OpenSearch:ListDomainNames", "OpenSearch:ListTags",
		"RDS:DescribeDBClusters", "RDS:DescribeDBInstances",
		"Redshift:DescribeClusters",
		"S3:GetBucketAcl", "S3:GetBucketEncryption", "S3:GetBucketPolicyStatus", "S3:GetBucketTagging", "S3:GetPublicAccessBlock", "S3:ListBuckets",
		"SNS:GetTopicAttributes", "SNS:ListTagsForResource", "SNS:ListTopics",
		"SQS:GetQueueAttributes", "SQS:ListQueueTags", "SQS:ListQueues",
		"synthetics:DescribeCanaries",
	}
}

func TestIntegrationReportNamesEveryFailureOfTheNonCompliantApplication(t *testing.T) {
	w := newWorld(t)
	w.build()
	rec := &notify.Recorder{}
	svc, ops := w.service(rec)

	// Plan: read-only calls only (the guard refuses any other), one
	// reported action per failure, nobody told.
	plan := svc.Reconcile(w.ctx, reconcile.Request{Now: time.Now(), Mode: reconcile.Plan})
	if len(plan.Errors) != 0 {
		t.Fatalf("plan errors: %v", plan.Errors)
	}
	var planned []string
	for _, a := range plan.Actions {
		if a.Status != reconcile.Reported || a.Details["application"] != "legacy" || a.Account != motoAccount || a.Region != testRegion {
			t.Errorf("action %+v", a)
		}
		name := a.Resource
		if n := a.Details["name"]; n != "" {
			name = n
		}
		planned = append(planned, a.Action+" "+name)
	}
	sort.Strings(planned)
	if !slices.Equal(planned, legacyFailures()) {
		t.Errorf("plan actions:\n%s\nwant:\n%s", strings.Join(planned, "\n"), strings.Join(legacyFailures(), "\n"))
	}
	if len(rec.Messages()) != 0 || svc.Latest() != nil {
		t.Error("plan told someone or kept its report")
	}
	got := ops()
	if !slices.Equal(got, auditOperations()) {
		t.Errorf("operations called:\n%v\nwant:\n%v", got, auditOperations())
	}
	for _, op := range got {
		if _, name, _ := strings.Cut(op, ":"); !awsenv.IsReadOnly(name) {
			t.Errorf("%s is not read-only", op)
		}
	}

	// Apply: the report names every failure of legacy and none of
	// payments, which passes every check.
	res := svc.Reconcile(w.ctx, reconcile.Request{Now: time.Now(), Mode: reconcile.Apply})
	if len(res.Errors) != 0 {
		t.Fatalf("apply errors: %v", res.Errors)
	}
	rep := svc.Latest()
	if rep == nil {
		t.Fatal("no report kept")
	}
	if len(rep.Gaps) != 0 {
		t.Errorf("gaps: %+v", rep.Gaps)
	}
	if got := failures(rep, "legacy"); !slices.Equal(got, legacyFailures()) {
		t.Errorf("legacy failures:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(legacyFailures(), "\n"))
	}
	pay := rep.Application("payments")
	if pay == nil {
		t.Fatal("no payments application")
	}
	passed := map[string]bool{}
	for _, f := range pay.Findings {
		switch f.Status {
		case Fail, Unknown:
			t.Errorf("payments: %s %s %s: %s", f.Status, f.Check, f.Label(), f.Reason)
		case Pass:
			passed[f.Check] = true
		}
	}
	for _, id := range checkIDs() {
		if !passed[id] {
			t.Errorf("payments passes no resource on %s: the compliant application does not exercise it", id)
		}
	}
	if *pay.Overall.Score != 100 || len(rep.Applications) != 2 {
		t.Errorf("payments score %d, %d applications", *pay.Overall.Score, len(rep.Applications))
	}
	// The default security groups (moto's default VPC's and the test
	// VPC's) belong to no application: they are the platform's, each under
	// its VPC, and pass, their tags not judged.
	if u := rep.Application(Untagged); u != nil {
		t.Errorf("an untagged application: %+v", u.Findings)
	}
	if rep.Platform == nil || len(rep.Platform.Findings) == 0 {
		t.Error("no platform section for the default security groups")
	} else {
		vpcs := map[string]bool{}
		for _, f := range rep.Platform.Findings {
			vpcs[f.Platform] = true
			tagsNotJudged := f.Check == "tagging.mandatory-tags" && f.Status == NotApplicable
			if f.Kind != KindSecurityGroup || (f.Status != Pass && !tagsNotJudged) || f.Name != "default" || !strings.HasPrefix(f.Platform, "vpc-") || f.Application != "" {
				t.Errorf("platform: %s %s %s: %s", f.Status, f.Check, f.Label(), f.Reason)
			}
		}
		if !vpcs[w.vpc] || len(vpcs) != 2 {
			t.Errorf("platform VPCs = %v, want the test VPC %s and moto's default one", vpcs, w.vpc)
		}
	}

	// The renderings name every failing resource of legacy with its reason.
	var html, text bytes.Buffer
	if err := WriteHTML(&html, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Application("legacy").Findings {
		if f.Status != Fail {
			continue
		}
		for _, want := range []string{f.Label(), f.Check} {
			if !strings.Contains(html.String(), template.HTMLEscapeString(want)) || !strings.Contains(text.String(), want) {
				t.Errorf("renderings lack %q", want)
			}
		}
		if !strings.Contains(html.String(), template.HTMLEscapeString(f.Reason)) {
			t.Errorf("html lacks the reason %q", f.Reason)
		}
	}
	msgs := rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Title, fmt.Sprintf("2 applications, %d failing", len(legacyFailures()))) {
		t.Fatalf("messages = %+v", msgs)
	}

	// An operation refused by AWS leaves a gap naming it, the account and
	// the region, and nothing else changes.
	w.proxy.Handle("GET /api/v2/clusters", func(rw http.ResponseWriter, r *http.Request) {
		mototest.WriteError(rw, r, http.StatusForbidden, "AccessDeniedException", "User is not authorized to perform: kafka:ListClustersV2")
	})
	again, errs := svc.Assess(w.ctx, time.Now())
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "account "+motoAccount+" region "+testRegion+": assess msk: list msk clusters:") ||
		!strings.Contains(errs[0].Error(), "AccessDeniedException") {
		t.Errorf("errors = %v", errs)
	}
	if len(again.Gaps) != 1 || again.Gaps[0].Source != SourceMSK {
		t.Errorf("gaps = %+v", again.Gaps)
	}
	if got := failures(again, "legacy"); !slices.Equal(got, legacyFailures()) {
		t.Errorf("an unreadable MSK changed legacy's failures: %v", got)
	}
}

// TestIntegrationAWSRecommendations builds a small estate that breaks the
// AWS recommendations (a group in one AZ on EC2 health checks behind a
// Classic Load Balancer without cross-zone or draining, SSH open to the
// internet, short-polling queues, a Lambda on nodejs12.x, a public-read
// bucket, a stand-alone instance) beside one that follows them, and checks
// each verdict and its reason in the report, in JSON as in text.
func TestIntegrationAWSRecommendations(t *testing.T) {
	w := newWorld(t)
	w.network()
	role := w.createRole("lambda-exec")
	for _, app := range []string{"payments", "legacy"} {
		w.compute(app)
		w.messaging(app)
		w.bucket(app)
		w.function(app, role, "db.internal")
	}
	svc, _ := w.service(&notify.Recorder{})
	rep, errs := svc.Assess(w.ctx, time.Date(2026, 12, 4, 7, 0, 0, 0, time.UTC))
	if len(errs) != 0 || len(rep.Gaps) != 0 {
		t.Fatalf("errors %v, gaps %+v", errs, rep.Gaps)
	}
	type verdict struct {
		check, resource string
		status          Status
		reason          string
	}
	wants := []verdict{
		{"availability.ec2-in-auto-scaling-group", "legacy-worker", Fail, "not in an Auto Scaling group"},
		{"availability.asg-all-zones", "legacy-web", Fail, "spans 1 of the region's 3 availability zones: not eu-west-2b, eu-west-2c"},
		{"availability.asg-all-zones", "payments-web", Pass, "spans all 3 availability zones of the region: eu-west-2a, eu-west-2b, eu-west-2c"},
		{"availability.asg-elb-health-check", "legacy-web", Fail, "health check type is EC2"},
		{"availability.asg-elb-health-check", "payments-web", Pass, "health check type ELB"},
		{"security.security-group-open-ports", "legacy-open", Fail, "open to the internet: tcp 22 from 0.0.0.0/0, tcp 22 from ::/0"},
		{"security.security-group-open-ports", "payments-lb", Pass, "only tcp 443 from 0.0.0.0/0, tcp 443 from ::/0 open to the internet, on a group only load balancers use (payments-alb)"},
		{"availability.elb-cross-zone", "legacy-elb", Fail, "cross-zone load balancing is off, connection draining is off"},
		{"availability.elb-cross-zone", "payments-alb", Pass, "always cross-zone, and no target group turns it off"},
		{"reliability.sqs-long-polling", "legacy-queue", Fail, "ReceiveMessageWaitTimeSeconds is 0"},
		{"reliability.sqs-long-polling", "payments-queue", Pass, "ReceiveMessageWaitTimeSeconds 20"},
		{"security.lambda-runtime", "legacy-fn", Fail, "runtime nodejs12.x was deprecated on 2023-03-31"},
		{"security.lambda-runtime", "payments-fn", Pass, "python3.12"},
		{"security.s3-block-public-access", "legacy-files", Fail, "public: its bucket policy is public; its ACL grants AllUsers:READ"},
		{"security.s3-block-public-access", "payments-files", Pass, "Block Public Access fully on"},
	}
	var js, text bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Applications []struct {
			Findings []Finding `json:"findings"`
		} `json:"applications"`
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
		t.Fatalf("decode json report: %v", err)
	}
	var inJSON []Finding
	for _, a := range decoded.Applications {
		inJSON = append(inJSON, a.Findings...)
	}
	for _, want := range wants {
		i := slices.IndexFunc(inJSON, func(f Finding) bool {
			return f.Check == want.check && (f.Resource == want.resource || f.Name == want.resource)
		})
		if i < 0 {
			t.Errorf("json report: no %s finding on %s", want.check, want.resource)
			continue
		}
		if f := inJSON[i]; f.Status != want.status || !strings.Contains(f.Reason, want.reason) {
			t.Errorf("%s %s: %s %q, want %s containing %q", want.check, want.resource, f.Status, f.Reason, want.status, want.reason)
		}
		if want.status == Fail && !strings.Contains(text.String(), want.reason) {
			t.Errorf("text report lacks %q", want.reason)
		}
	}
}
