package dlq

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/awsenv"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
)

// Integration tests: the real SDK clients against moto_server, through a
// mototest.Proxy.
//
// moto (5.2.1) facts these tests live with:
//   - PutObject honours If-None-Match: * (412 PreconditionFailed), and
//     GetPublicAccessBlock and GetBucketEncryption answer
//     NoSuchPublicAccessBlockConfiguration and
//     ServerSideEncryptionConfigurationNotFoundError for a bucket without
//     them, as S3 does.
//   - PutMetricData over the AWS JSON protocol fails inside moto, so no
//     ApproximateAgeOfOldestMessage datapoint can be stored; the proxy
//     answers GetMetricStatistics itself. DescribeAlarmsForMetric works
//     but ignores the Dimensions filter (opsd filters again).
//   - moto moves a message to the dead-letter queue on the receive after
//     maxReceiveCount, keeping its SentTimestamp, and sets no
//     DeadLetterQueueSourceArn. It keeps messages past their retention
//     period, and stamps SentTimestamp from the real clock: expiry is
//     tested by reconciling "as if the clock read" a time after it.
//   - ReceiveMessage's VisibilityTimeout 0 is left out by the SDK (zero
//     value), so moto applies the queue's default; source queues in these
//     tests are created with VisibilityTimeout 0 to redrive at once.

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

const motoRegion = "eu-west-2"

// motoEnv is moto behind a proxy, with clients for setting it up.
type motoEnv struct {
	srv   *mototest.Server
	proxy *mototest.Proxy
	cfg   aws.Config // through the proxy
	sqs   *sqs.Client
	s3    *s3.Client
	cw    *cloudwatch.Client
	ages  map[string]time.Duration // GetMetricStatistics answers, by queue
}

func newMotoEnv(t *testing.T) *motoEnv {
	t.Helper()
	srv := mototest.Shared(t)
	srv.Reset(t)
	p := mototest.NewProxy(t, srv.URL())
	e := &motoEnv{srv: srv, proxy: p, cfg: p.Config(motoRegion), ages: map[string]time.Duration{}}
	c := NewClients(e.cfg)
	e.sqs, e.s3, e.cw = c.SQS.(*sqs.Client), c.S3.(*s3.Client), c.CloudWatch.(*cloudwatch.Client)
	p.Handle("GraniteServiceVersion20100801.GetMetricStatistics", e.getMetricStatistics)
	return e
}

// getMetricStatistics answers the age metric from e.ages, in the AWS JSON
// shape the SDK parses.
func (e *motoEnv) getMetricStatistics(w http.ResponseWriter, r *http.Request) {
	in := struct {
		Dimensions []struct{ Name, Value string }
		EndTime    float64
	}{}
	if err := readJSON(r, &in); err != nil || len(in.Dimensions) != 1 {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameterValue", "bad request")
		return
	}
	type dp struct {
		Timestamp float64
		Maximum   float64
		Unit      string
	}
	out := struct {
		Label      string
		Datapoints []dp
	}{Label: metricAge, Datapoints: []dp{}}
	if age, ok := e.ages[in.Dimensions[0].Value]; ok {
		end := time.Unix(int64(in.EndTime), 0)
		out.Datapoints = append(out.Datapoints, dp{Timestamp: mototest.Epoch(end.Add(-time.Minute)), Maximum: age.Seconds(), Unit: "Seconds"})
	}
	mototest.WriteJSON(w, r, out)
}

// service is a new service (a daemon start) acting in moto's account.
func (e *motoEnv) service(t *testing.T, cfg Config, n notify.Notifier) *Service {
	t.Helper()
	cfg.Enabled = true
	target := accounts.Target{Account: mototest.DefaultAccountID, Region: motoRegion, Config: e.cfg}
	s, err := New(cfg, Deps{
		Targets:  func(context.Context) ([]accounts.Target, error) { return []accounts.Target{target}, nil },
		Notifier: n,
		Location: time.UTC,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *motoEnv) queue(t *testing.T, name string, attrs, tags map[string]string) string {
	t.Helper()
	if strings.HasSuffix(name, ".fifo") {
		if attrs == nil {
			attrs = map[string]string{}
		}
		attrs["FifoQueue"] = "true"
	}
	out, err := e.sqs.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs, Tags: tags})
	if err != nil {
		t.Fatalf("create queue %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

func arnOf(name string) string {
	return "arn:aws:sqs:" + motoRegion + ":" + mototest.DefaultAccountID + ":" + name
}

// source creates a queue that redrives to dlq after one receive, and
// shows its messages again at once.
func (e *motoEnv) source(t *testing.T, name, dlq string) string {
	return e.queue(t, name, map[string]string{
		"VisibilityTimeout": "0",
		"RedrivePolicy":     `{"deadLetterTargetArn":"` + arnOf(dlq) + `","maxReceiveCount":"1"}`,
	}, nil)
}

// fail sends bodies to the source queue and receives until moto has
// moved them all to its dead-letter queue.
func (e *motoEnv) fail(t *testing.T, srcURL string, bodies ...string) {
	t.Helper()
	ctx := context.Background()
	for _, b := range bodies {
		if _, err := e.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(srcURL), MessageBody: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	for range 20 {
		out, err := e.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(srcURL), MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		attrs, _ := e.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(srcURL), AttributeNames: []sqstypes.QueueAttributeName{"ApproximateNumberOfMessages"}})
		if len(out.Messages) == 0 && attrs.Attributes["ApproximateNumberOfMessages"] == "0" {
			return
		}
	}
	t.Fatal("moto did not move the messages to the dead-letter queue")
}

// bucket creates an archive bucket; secure adds the public access block
// and default encryption the archiver insists on.
func (e *motoEnv) bucket(t *testing.T, name string, secure bool) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: motoRegion}}); err != nil {
		t.Fatal(err)
	}
	if !secure {
		return
	}
	on := aws.Bool(true)
	if _, err := e.s3.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(name),
		PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s3.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(name),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{
			{ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256}}}}}); err != nil {
		t.Fatal(err)
	}
}

// objects returns the decoded archive objects of a bucket by key.
func (e *motoEnv) objects(t *testing.T, bucket string) map[string]Record {
	t.Helper()
	ctx := context.Background()
	out := map[string]Record{}
	p := s3.NewListObjectsV2Paginator(e.s3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			r, err := readRecord(ctx, e.s3, bucket, aws.ToString(o.Key))
			if err != nil {
				t.Fatalf("object %s: %v", aws.ToString(o.Key), err)
			}
			out[aws.ToString(o.Key)] = r
		}
	}
	return out
}

// drain receives every visible message of a queue (and hides them for a
// minute).
func (e *motoEnv) drain(t *testing.T, url string) []sqstypes.Message {
	t.Helper()
	var all []sqstypes.Message
	for {
		out, err := e.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(url), MaxNumberOfMessages: 10, VisibilityTimeout: 60,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
			MessageAttributeNames:       []string{"All"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			return all
		}
		all = append(all, out.Messages...)
	}
}

func motoArchiveConfig(bucket string) Config {
	c := DefaultConfig()
	c.Archive.Bucket = bucket
	c.Archive.WaitTime = time.Second
	c.Archive.VisibilityTimeout = 30 * time.Second
	return c
}

func TestIntegrationDiscoveryArrivalAlertAndList(t *testing.T) {
	e := newMotoEnv(t)
	ctx := context.Background()
	e.queue(t, "orders-dlq", nil, nil)
	src := e.source(t, "orders", "orders-dlq")
	e.source(t, "orders-retry", "orders-dlq")
	e.queue(t, "tagged-dlq", nil, map[string]string{"opsd:dlq": "true"})
	e.queue(t, "named-dlq", nil, nil)
	e.queue(t, "opted-out-dlq", nil, map[string]string{"opsd:dlq": "false"})
	e.source(t, "opted-out-src", "opted-out-dlq")
	e.queue(t, "plain", nil, nil)
	if _, err := e.cw.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("orders-dlq-not-empty"), Namespace: aws.String(sqsNamespace), MetricName: aws.String(metricVisible),
		Dimensions: []cwtypes.Dimension{{Name: aws.String(queueNameDim), Value: aws.String("orders-dlq")}},
		Statistic:  cwtypes.StatisticMaximum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1), Threshold: aws.Float64(0),
		ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	}); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Queues = []string{"named-dlq"}
	rec := &notify.Recorder{}
	svc := e.service(t, cfg, rec)
	now := time.Now()
	res := svc.Reconcile(ctx, reconcile.Request{Now: now, Mode: reconcile.Apply})
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	var dlqs []string
	for _, a := range actionsOf(res, actionWatch) {
		dlqs = append(dlqs, a.Resource)
	}
	if strings.Join(dlqs, ",") != "named-dlq,orders-dlq,tagged-dlq" {
		t.Fatalf("dead-letter queues = %v", dlqs)
	}
	if n := len(rec.Messages()); n != 0 {
		t.Fatalf("%d messages about empty queues", n)
	}

	e.fail(t, src, "order 1 failed", "order 2 failed", "order 3 failed")
	e.ages["orders-dlq"] = 150 * time.Second
	res = svc.Reconcile(ctx, reconcile.Request{Now: now.Add(time.Minute), Mode: reconcile.Apply})
	msgs := rec.Messages()
	if len(res.Errors) != 0 || len(msgs) != 1 {
		t.Fatalf("errors %v, %d messages", res.Errors, len(msgs))
	}
	m := msgs[0]
	fields := map[string]string{}
	for _, f := range m.Fields {
		fields[f.Label] = f.Value
	}
	if m.Title != "DLQ: 3 new messages in orders-dlq (123456789012/eu-west-2)" || fields["Messages"] != "3 (3 new)" ||
		fields["Oldest"] != "2m 30s" || fields["Source queues"] != "orders, orders-retry" || !strings.HasPrefix(fields["Alarm"], "OK (orders-dlq-not-empty)") {
		t.Errorf("alert %q fields %v", m.Title, fields)
	}
	// More polls within the burst: no more alerts.
	e.fail(t, src, "order 4 failed")
	svc.Reconcile(ctx, reconcile.Request{Now: now.Add(2 * time.Minute), Mode: reconcile.Apply})
	svc.Reconcile(ctx, reconcile.Request{Now: now.Add(3 * time.Minute), Mode: reconcile.Apply})
	if n := len(rec.Messages()); n != 1 {
		t.Errorf("%d messages in one burst", n)
	}

	// opsd dlq list, from a fresh process.
	qs, errs := e.service(t, cfg, nil).List(ctx, now.Add(4*time.Minute))
	if len(errs) != 0 || len(qs) != 3 {
		t.Fatalf("list = %+v, %v", qs, errs)
	}
	o := qs[1]
	if o.Name != "orders-dlq" || o.Visible != 4 || o.OldestAge != 150*time.Second || o.Alarm.State != "OK" || strings.Join(o.Sources, ",") != "orders,orders-retry" {
		t.Errorf("orders-dlq = %+v", o)
	}
}

func TestIntegrationExpiryDrivenArchival(t *testing.T) {
	e := newMotoEnv(t)
	ctx := context.Background()
	e.bucket(t, "opsd-dlq-archive", true)
	e.queue(t, "orders-dlq", map[string]string{"MessageRetentionPeriod": "345600"}, nil)
	src := e.source(t, "orders", "orders-dlq")
	e.fail(t, src, "old 1", "old 2", "old 3")
	time.Sleep(20 * time.Millisecond)
	between := time.Now()
	time.Sleep(20 * time.Millisecond)
	e.fail(t, src, "new 1", "new 2")

	svc := e.service(t, motoArchiveConfig("opsd-dlq-archive"), &notify.Recorder{})
	// Now: nothing is due; the messages are looked at and left.
	res := svc.Reconcile(ctx, reconcile.Request{Now: time.Now(), Mode: reconcile.Apply})
	if len(res.Errors) != 0 || res.Failed() {
		t.Fatalf("result %+v", res)
	}
	if n := len(e.objects(t, "opsd-dlq-archive")); n != 0 {
		t.Fatalf("%d objects before anything was due", n)
	}
	// As if the clock read the moment the old ones are due and the new
	// ones not yet: 4 days retention less the 1 day margin.
	due := between.Add(3 * 24 * time.Hour)
	res = svc.Reconcile(ctx, reconcile.Request{Now: due, Mode: reconcile.Apply})
	a, ok := findAction(res, "orders-dlq", actionArchive)
	if !ok || a.Status != reconcile.Done || a.Details["archived"] != "3" || a.Details["deleted"] != "3" || a.Details["released"] != "2" {
		t.Fatalf("archive action = %+v (errors %v)", a, res.Errors)
	}
	objs := e.objects(t, "opsd-dlq-archive")
	if len(objs) != 3 {
		t.Fatalf("%d objects, want 3", len(objs))
	}
	for key, r := range objs {
		if !strings.HasPrefix(r.Body, "old ") || r.QueueARN != arnOf("orders-dlq") || !r.ArchivedAt.Equal(due.UTC()) {
			t.Errorf("%s = %+v", key, r)
		}
		want := ObjectKey("dlq-archive", mototest.DefaultAccountID, motoRegion, "orders-dlq", sentTime(r.Attributes), r.MessageID)
		if key != want {
			t.Errorf("key %s, want %s", key, want)
		}
		head, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("opsd-dlq-archive"), Key: aws.String(key)})
		if err != nil || head.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
			t.Errorf("head %s: %v %v", key, head, err)
		}
	}
	left := e.drain(t, e.srvQueueURL("orders-dlq"))
	if len(left) != 2 || !strings.HasPrefix(aws.ToString(left[0].Body), "new ") {
		t.Errorf("left in the queue: %d", len(left))
	}
}

// srvQueueURL is a queue's URL as moto (through the proxy) gives it.
func (e *motoEnv) srvQueueURL(name string) string {
	out, err := e.sqs.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		return ""
	}
	return aws.ToString(out.QueueUrl)
}

func TestIntegrationRefusesAnUnprotectedBucket(t *testing.T) {
	e := newMotoEnv(t)
	ctx := context.Background()
	e.bucket(t, "open-bucket", false)
	e.queue(t, "orders-dlq", nil, nil)
	e.fail(t, e.source(t, "orders", "orders-dlq"), "m")
	rec := &notify.Recorder{}
	c := motoArchiveConfig("open-bucket")
	c.Archive.When = ArchiveOnArrival
	e.proxy.ResetCalls()
	res := e.service(t, c, rec).Reconcile(ctx, reconcile.Request{Now: time.Now(), Mode: reconcile.Apply})
	a, _ := findAction(res, "orders-dlq", actionArchive)
	if a.Status != reconcile.Failed || !strings.Contains(a.Error, "has no public access block") {
		t.Errorf("archive action = %+v", a)
	}
	if n := e.proxy.Count("AmazonSQS.ReceiveMessage"); n != 0 {
		t.Errorf("%d receives for a refused bucket", n)
	}
}

// roundTripMessage is a message sent byte for byte.
type roundTripMessage struct {
	body  string
	attrs map[string]sqstypes.MessageAttributeValue
}

func roundTripMessages() []roundTripMessage {
	return []roundTripMessage{
		{body: bigBody(256<<10 - 1024), attrs: map[string]sqstypes.MessageAttributeValue{
			"kind": {DataType: aws.String("String"), StringValue: aws.String("large")},
		}},
		{body: "binary attribute: every byte", attrs: map[string]sqstypes.MessageAttributeValue{
			"bytes":  {DataType: aws.String("Binary"), BinaryValue: allBytes()},
			"gz":     {DataType: aws.String("Binary.gz"), BinaryValue: []byte{0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00}},
			"amount": {DataType: aws.String("Number.int"), StringValue: aws.String("-1234567890.125e-3")},
			"text":   {DataType: aws.String("String.json"), StringValue: aws.String(`{"é":"😀","x":"<&>"}`)},
		}},
		{body: "tabs\tnewlines\ncarriage returns\r\nline separator\u2028quotes\"'\\ and 😀 é €"},
	}
}

// sameMessage checks a received message is m byte for byte.
func sameMessage(t *testing.T, what string, got sqstypes.Message, m roundTripMessage) {
	t.Helper()
	if aws.ToString(got.Body) != m.body {
		t.Errorf("%s: body differs (%d bytes, want %d)", what, len(aws.ToString(got.Body)), len(m.body))
	}
	if len(got.MessageAttributes) != len(m.attrs) {
		t.Errorf("%s: %d message attributes, want %d", what, len(got.MessageAttributes), len(m.attrs))
	}
	for k, w := range m.attrs {
		g := got.MessageAttributes[k]
		if aws.ToString(g.DataType) != aws.ToString(w.DataType) || aws.ToString(g.StringValue) != aws.ToString(w.StringValue) || string(g.BinaryValue) != string(w.BinaryValue) {
			t.Errorf("%s: attribute %s = %s %q %x, want %s %q %x", what, k, aws.ToString(g.DataType), aws.ToString(g.StringValue), g.BinaryValue,
				aws.ToString(w.DataType), aws.ToString(w.StringValue), w.BinaryValue)
		}
	}
}

func TestIntegrationByteExactRoundTripAndReplay(t *testing.T) {
	e := newMotoEnv(t)
	ctx := context.Background()
	e.bucket(t, "opsd-dlq-archive", true)
	std := e.queue(t, "orders-dlq", nil, nil)
	fifo := e.queue(t, "jobs-dlq.fifo", nil, nil)
	e.queue(t, "orders", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + arnOf("orders-dlq") + `","maxReceiveCount":"3"}`}, nil)
	e.queue(t, "jobs.fifo", map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + arnOf("jobs-dlq.fifo") + `","maxReceiveCount":"3"}`}, nil)
	msgs := roundTripMessages()
	for i, m := range msgs {
		if _, err := e.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(std), MessageBody: aws.String(m.body), MessageAttributes: m.attrs}); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		if _, err := e.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(fifo), MessageBody: aws.String(m.body), MessageAttributes: m.attrs,
			MessageGroupId: aws.String("group-" + string(rune('a'+i))), MessageDeduplicationId: aws.String("dedup-" + string(rune('a'+i)))}); err != nil {
			t.Fatalf("send fifo %d: %v", i, err)
		}
	}
	c := motoArchiveConfig("opsd-dlq-archive")
	c.Archive.When = ArchiveOnArrival
	c.Archive.KMSKeyID = "alias/opsd-dlq"
	res := e.service(t, c, &notify.Recorder{}).Reconcile(ctx, reconcile.Request{Now: time.Now(), Mode: reconcile.Apply})
	if len(res.Errors) != 0 || res.Failed() {
		t.Fatalf("result %+v", res)
	}
	objs := e.objects(t, "opsd-dlq-archive")
	if len(objs) != 2*len(msgs) {
		t.Fatalf("%d objects, want %d", len(objs), 2*len(msgs))
	}
	for key, r := range objs {
		var m *roundTripMessage
		for i := range msgs {
			if msgs[i].body == r.Body {
				m = &msgs[i]
			}
		}
		if m == nil {
			t.Fatalf("%s: body not one sent", key)
		}
		got := sqstypes.Message{Body: aws.String(r.Body), MessageAttributes: map[string]sqstypes.MessageAttributeValue{}}
		for k, a := range r.MessageAttributes {
			got.MessageAttributes[k] = sqstypes.MessageAttributeValue{DataType: aws.String(a.DataType), StringValue: a.StringValue, BinaryValue: a.BinaryValue}
		}
		sameMessage(t, "archive "+key, got, *m)
		if strings.Contains(key, "jobs-dlq.fifo") && (!strings.HasPrefix(r.Attributes["MessageGroupId"], "group-") || !strings.HasPrefix(r.Attributes["MessageDeduplicationId"], "dedup-") || r.Attributes["SequenceNumber"] == "") {
			t.Errorf("%s: FIFO attributes %v", key, r.Attributes)
		}
		head, err := e.s3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("opsd-dlq-archive"), Key: aws.String(key)})
		if err != nil || head.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || aws.ToString(head.SSEKMSKeyId) == "" {
			t.Errorf("%s: encryption %v %v", key, head.ServerSideEncryption, err)
		}
	}

	clients := NewReplayClients(e.cfg, "")
	e.proxy.ResetCalls()
	dry, err := Replay(ctx, clients, ReplayOptions{From: "s3://opsd-dlq-archive/dlq-archive/", To: "orders", DryRun: true})
	if err != nil || dry.WouldSend != 6 || dry.Sent != 0 {
		t.Fatalf("dry run %+v %v", dry, err)
	}
	if n := e.proxy.Count("AmazonSQS.SendMessageBatch") + e.proxy.Count("AmazonSQS.SendMessage"); n != 0 {
		t.Fatalf("dry run sent %d times", n)
	}
	for target, dlq := range map[string]string{"orders": "orders-dlq", "jobs.fifo": "jobs-dlq.fifo"} {
		prefix := "s3://opsd-dlq-archive/dlq-archive/" + mototest.DefaultAccountID + "/" + motoRegion + "/" + dlq + "/"
		rep, err := Replay(ctx, clients, ReplayOptions{From: prefix, To: target})
		if err != nil || rep.Sent != len(msgs) || len(rep.Problems) != 0 {
			t.Fatalf("replay to %s: %+v %v", target, rep, err)
		}
		got := e.drain(t, e.srvQueueURL(target))
		if len(got) != len(msgs) {
			t.Fatalf("%d messages replayed to %s", len(got), target)
		}
		for _, g := range got {
			var m *roundTripMessage
			for i := range msgs {
				if msgs[i].body == aws.ToString(g.Body) {
					m = &msgs[i]
				}
			}
			if m == nil {
				t.Fatalf("replayed to %s: a body that was not sent (%d bytes)", target, len(aws.ToString(g.Body)))
			}
			sameMessage(t, "replay to "+target, g, *m)
			if target == "jobs.fifo" && (!strings.HasPrefix(g.Attributes["MessageGroupId"], "group-") || !strings.HasPrefix(g.Attributes["MessageDeduplicationId"], "dedup-")) {
				t.Errorf("replay to %s: %v", target, g.Attributes)
			}
		}
	}
	if n := len(e.objects(t, "opsd-dlq-archive")); n != 2*len(msgs) {
		t.Errorf("replay changed the archive: %d objects", n)
	}
}

// readJSON decodes a request's JSON body.
func readJSON(r *http.Request, v any) error {
	return json.NewDecoder(r.Body).Decode(v)
}

// TestIntegrationPlanPassesTheReadOnlyGuard runs Plan through awsenv's
// read-only guard, which refuses every call that could change AWS: a plan
// that needed one would fail.
func TestIntegrationPlanPassesTheReadOnlyGuard(t *testing.T) {
	e := newMotoEnv(t)
	ctx := context.Background()
	e.bucket(t, "opsd-dlq-archive", true)
	e.queue(t, "orders-dlq", nil, nil)
	e.fail(t, e.source(t, "orders", "orders-dlq"), "a", "b")
	guarded := e.cfg.Copy()
	awsenv.Instrument(&guarded, true, 10*time.Second, nil, nil)
	cfg := motoArchiveConfig("opsd-dlq-archive")
	cfg.Enabled = true
	target := accounts.Target{Account: mototest.DefaultAccountID, Region: motoRegion, Config: guarded}
	svc, err := New(cfg, Deps{Targets: func(context.Context) ([]accounts.Target, error) { return []accounts.Target{target}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	e.proxy.ResetCalls()
	res := svc.Reconcile(ctx, reconcile.Request{Now: time.Now().Add(4 * 24 * time.Hour), Mode: reconcile.Plan})
	if len(res.Errors) != 0 || res.Failed() {
		t.Fatalf("plan: %+v", res)
	}
	if a, ok := findAction(res, "orders-dlq", actionArchive); !ok || a.Status != reconcile.Planned {
		t.Errorf("archive = %+v", a)
	}
	for _, op := range e.proxy.Calls() {
		if strings.Contains(op, "ReceiveMessage") || strings.HasPrefix(op, "PUT ") || strings.Contains(op, "Delete") {
			t.Errorf("plan called %s", op)
		}
	}
	// The same service in Apply mode through the guard is refused: the
	// guard works.
	res = svc.Reconcile(ctx, reconcile.Request{Now: time.Now().Add(4 * 24 * time.Hour), Mode: reconcile.Apply})
	if a, _ := findAction(res, "orders-dlq", actionArchive); a.Status != reconcile.Failed || !strings.Contains(a.Error, "read-only") {
		t.Errorf("apply through the guard: %+v", a)
	}
}
