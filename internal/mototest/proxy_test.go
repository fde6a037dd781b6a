package mototest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/transport/http/protocol/awsquery"
)

const region = "eu-west-2"

// newProxy returns a proxy in front of a freshly reset shared server.
func newProxy(t *testing.T) *Proxy {
	t.Helper()
	srv := Shared(t)
	srv.Reset(t)
	return NewProxy(t, srv.URL())
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
		t.Fatalf("err = %v, want an API error with code %s", err, code)
	}
}

// AWS JSON 1.1 (SSM): a faked operation beside forwarded ones.
func TestProxyFakesJSONOperationAndForwardsTheRest(t *testing.T) {
	p := newProxy(t)
	ping := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	p.Handle("AmazonSSM.DescribeInstanceInformation", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ MaxResults int }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			WriteError(w, r, http.StatusBadRequest, "ValidationException", err.Error())
			return
		}
		WriteJSON(w, r, map[string]any{"InstanceInformationList": []map[string]any{{
			"InstanceId":       "i-0123456789abcdef0",
			"PingStatus":       "Online",
			"PlatformType":     "Linux",
			"LastPingDateTime": Epoch(ping),
		}}})
	})
	ctx := context.Background()
	client := ssm.NewFromConfig(p.Config(region))

	out, err := client.DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{MaxResults: aws.Int32(10)})
	if err != nil {
		t.Fatalf("describe instance information: %v", err)
	}
	if len(out.InstanceInformationList) != 1 {
		t.Fatalf("got %d instances, want 1", len(out.InstanceInformationList))
	}
	got := out.InstanceInformationList[0]
	if aws.ToString(got.InstanceId) != "i-0123456789abcdef0" || got.PingStatus != ssmtypes.PingStatusOnline ||
		got.PlatformType != ssmtypes.PlatformTypeLinux || !aws.ToTime(got.LastPingDateTime).Equal(ping) {
		t.Errorf("instance = %+v", got)
	}

	if _, err := client.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/p"), Value: aws.String("through"), Type: ssmtypes.ParameterTypeString}); err != nil {
		t.Fatalf("put parameter via proxy: %v", err)
	}
	// Straight to moto: the forwarded call changed moto's state.
	direct := ssm.NewFromConfig(Shared(t).Config(region))
	param, err := direct.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/p")})
	if err != nil || aws.ToString(param.Parameter.Value) != "through" {
		t.Fatalf("get parameter from moto: %v, %+v", err, param)
	}

	want := []string{"AmazonSSM.DescribeInstanceInformation", "AmazonSSM.PutParameter"}
	if got := p.Calls(); !slices.Equal(got, want) {
		t.Errorf("Calls() = %q, want %q", got, want)
	}
	if n := p.Count("AmazonSSM.PutParameter"); n != 1 {
		t.Errorf("Count(PutParameter) = %d, want 1", n)
	}
	p.ResetCalls()
	if len(p.Calls()) != 0 {
		t.Error("ResetCalls kept calls")
	}
}

func TestProxyJSONErrorsReachTheSDK(t *testing.T) {
	p := newProxy(t)
	p.Handle("AmazonSSM.DescribeInstanceInformation", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, http.StatusBadRequest, "InvalidInstanceId", "no such instance")
	})
	_, err := ssm.NewFromConfig(p.Config(region)).DescribeInstanceInformation(context.Background(), &ssm.DescribeInstanceInformationInput{})
	var typed *ssmtypes.InvalidInstanceId
	if !errors.As(err, &typed) {
		t.Fatalf("err = %v, want *types.InvalidInstanceId", err)
	}
	if !strings.Contains(err.Error(), "no such instance") {
		t.Errorf("err = %v, want the message", err)
	}
}

// AWS JSON 1.0 (SQS): the response's content type follows the request's.
func TestProxyFakesJSON10Operation(t *testing.T) {
	p := newProxy(t)
	var source string
	p.Handle("AmazonSQS.StartMessageMoveTask", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ SourceArn string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		source = in.SourceArn
		WriteJSON(w, r, map[string]string{"TaskHandle": "handle-1"})
	})
	out, err := sqs.NewFromConfig(p.Config(region)).StartMessageMoveTask(context.Background(), &sqs.StartMessageMoveTaskInput{
		SourceArn: aws.String("arn:aws:sqs:eu-west-2:123456789012:dlq"),
	})
	if err != nil {
		t.Fatalf("start message move task: %v", err)
	}
	if aws.ToString(out.TaskHandle) != "handle-1" || source != "arn:aws:sqs:eu-west-2:123456789012:dlq" {
		t.Errorf("handle %q, source %q", aws.ToString(out.TaskHandle), source)
	}
}

// CloudWatch in the SDK speaks Smithy RPC v2 CBOR by default; moto does
// not, so alarms are put through the JSON protocol while the default
// client's CBOR calls are answered by the fake.
func TestProxyCloudWatchProtocols(t *testing.T) {
	p := newProxy(t)
	var enabled []string
	p.Handle("GraniteServiceVersion20100801.EnableAlarmActions", func(w http.ResponseWriter, r *http.Request) {
		enabled = append(enabled, requestOf(r).action)
		WriteEmpty(w, r)
	})
	p.Handle("GraniteServiceVersion20100801.DisableAlarmActions", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, http.StatusNotFound, "ResourceNotFound", "no alarm")
	})
	ctx := context.Background()
	cfg := p.Config(region)

	cbor := cloudwatch.NewFromConfig(cfg)
	if _, err := cbor.EnableAlarmActions(ctx, &cloudwatch.EnableAlarmActionsInput{AlarmNames: []string{"a"}}); err != nil {
		t.Fatalf("enable alarm actions (CBOR): %v", err)
	}
	_, err := cbor.DisableAlarmActions(ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: []string{"a"}})
	wantCode(t, err, "ResourceNotFound")

	jsonClient := cloudwatch.NewFromConfig(cfg, CloudWatchJSON)
	if _, err := jsonClient.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("cpu"), Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"),
		Statistic: cwtypes.StatisticAverage, Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(90), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	}); err != nil {
		t.Fatalf("put metric alarm (JSON, forwarded): %v", err)
	}
	alarms, err := jsonClient.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if err != nil || len(alarms.MetricAlarms) != 1 || aws.ToString(alarms.MetricAlarms[0].AlarmName) != "cpu" {
		t.Fatalf("describe alarms (JSON, forwarded): %v, %+v", err, alarms)
	}
	if _, err := jsonClient.EnableAlarmActions(ctx, &cloudwatch.EnableAlarmActionsInput{AlarmNames: []string{"cpu"}}); err != nil {
		t.Fatalf("enable alarm actions (JSON): %v", err)
	}
	_, err = jsonClient.DisableAlarmActions(ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: []string{"cpu"}})
	wantCode(t, err, "ResourceNotFound")

	if !slices.Equal(enabled, []string{"EnableAlarmActions", "EnableAlarmActions"}) {
		t.Errorf("fake saw %q", enabled)
	}
	if n := p.Count("GraniteServiceVersion20100801.EnableAlarmActions"); n != 2 {
		t.Errorf("Count(EnableAlarmActions) = %d, want 2", n)
	}
}

// awsQuery: the Action is read from the form body, which must still reach
// moto intact when the request is forwarded.
func TestProxyQueryProtocol(t *testing.T) {
	p := newProxy(t)
	p.Handle("EnableAlarmActions", WriteEmpty)
	p.Handle("DisableAlarmActions", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, http.StatusBadRequest, "InvalidParameterValue", "bad alarm")
	})
	ctx := context.Background()
	query := cloudwatch.NewFromConfig(p.Config(region), func(o *cloudwatch.Options) {
		o.Protocol = awsquery.New(cwschemas.GraniteServiceVersion20100801)
	})
	if _, err := query.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("q"), Namespace: aws.String("AWS/EC2"), MetricName: aws.String("CPUUtilization"),
		Statistic: cwtypes.StatisticAverage, Period: aws.Int32(300), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(90), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
	}); err != nil {
		t.Fatalf("put metric alarm (query, forwarded): %v", err)
	}
	alarms, err := query.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"q"}})
	if err != nil || len(alarms.MetricAlarms) != 1 {
		t.Fatalf("describe alarms (query, forwarded): %v, %+v", err, alarms)
	}
	if _, err := query.EnableAlarmActions(ctx, &cloudwatch.EnableAlarmActionsInput{AlarmNames: []string{"q"}}); err != nil {
		t.Fatalf("enable alarm actions (query): %v", err)
	}
	_, err = query.DisableAlarmActions(ctx, &cloudwatch.DisableAlarmActionsInput{AlarmNames: []string{"q"}})
	var invalid *cwtypes.InvalidParameterValueException
	if !errors.As(err, &invalid) || !strings.Contains(err.Error(), "bad alarm") {
		t.Fatalf("err = %v, want InvalidParameterValueException", err)
	}
	want := []string{"PutMetricAlarm", "DescribeAlarms", "EnableAlarmActions", "DisableAlarmActions"}
	if got := p.Calls(); !slices.Equal(got, want) {
		t.Errorf("Calls() = %q, want %q", got, want)
	}
}

// ec2Query: a handler may look at a request and pass it on; errors take
// EC2's shape.
func TestProxyEC2SpyAndError(t *testing.T) {
	p := newProxy(t)
	var sawImage string
	p.Handle("RunInstances", func(w http.ResponseWriter, r *http.Request) {
		sawImage = r.FormValue("ImageId") // reads the body…
		p.Forward(w, r)                   // …which still reaches moto
	})
	p.Handle("StopInstances", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, http.StatusBadRequest, "IncorrectInstanceState", "spot instance")
	})
	ctx := context.Background()
	client := ec2.NewFromConfig(p.Config(region))
	run, err := client.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-12c6146b"), MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if err != nil {
		t.Fatalf("run instances (forwarded): %v", err)
	}
	if sawImage != "ami-12c6146b" {
		t.Errorf("spy saw ImageId %q", sawImage)
	}
	_, err = client.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: []string{aws.ToString(run.Instances[0].InstanceId)}})
	wantCode(t, err, "IncorrectInstanceState")
}

// REST-JSON: operations are matched by method and path pattern.
func TestProxyRESTOperation(t *testing.T) {
	p := newProxy(t)
	p.Handle("GET /assignment/roles", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("account_id") == "999999999999" {
			WriteError(w, r, http.StatusNotFound, "ResourceNotFoundException", "no account")
			return
		}
		WriteJSON(w, r, map[string]any{"roleList": []map[string]string{{"roleName": "ops", "accountId": r.URL.Query().Get("account_id")}}})
	})
	ctx := context.Background()
	client := sso.NewFromConfig(p.Config(region))
	out, err := client.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: aws.String("t"), AccountId: aws.String("111111111111")})
	if err != nil {
		t.Fatalf("list account roles: %v", err)
	}
	if len(out.RoleList) != 1 || aws.ToString(out.RoleList[0].RoleName) != "ops" || aws.ToString(out.RoleList[0].AccountId) != "111111111111" {
		t.Errorf("roles = %+v", out.RoleList)
	}
	_, err = client.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: aws.String("t"), AccountId: aws.String("999999999999")})
	wantCode(t, err, "ResourceNotFoundException")
	if n := p.Count("GET /assignment/roles"); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
}

func TestProxyRESTPatterns(t *testing.T) {
	p := newProxy(t)
	reply := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.PathValue("id")+"|"+r.PathValue("key"))
	}
	p.Handle("PUT /backup/plans/{id}/selections/", reply)
	p.Handle("GET /objects/{key+}", reply)
	for _, tc := range []struct {
		method, path string
		want         string // body, or "" for forwarded to moto
		op           string
	}{
		{"PUT", "/backup/plans/p-1/selections/", "p-1|", "PUT /backup/plans/{id}/selections/"},
		{"PUT", "/backup/plans/p-1/selections", "", "PUT /backup/plans/p-1/selections"},
		{"GET", "/backup/plans/p-1/selections/", "", "GET /backup/plans/p-1/selections/"},
		{"PUT", "/backup/plans//selections/", "", "PUT /backup/plans//selections/"},
		{"GET", "/objects/a/b/c", "|a/b/c", "GET /objects/{key+}"},
		{"GET", "/objects/", "", "GET /objects/"},
	} {
		p.ResetCalls()
		req, _ := http.NewRequest(tc.method, p.URL()+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if faked := resp.Header.Get("Server") == ""; faked != (tc.want != "") || (faked && string(body) != tc.want) {
			t.Errorf("%s %s: got %q (server %q), want %q", tc.method, tc.path, body, resp.Header.Get("Server"), tc.want)
		}
		if got := p.Calls(); !slices.Equal(got, []string{tc.op}) {
			t.Errorf("%s %s: Calls() = %q, want %q", tc.method, tc.path, got, tc.op)
		}
	}
}
