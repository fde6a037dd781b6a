package cloudformation_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/config"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// hubParams are the parameters every hub stack is given (the others keep
// their defaults).
var hubParams = map[string]any{
	"ImageUri":         "111111111111.dkr.ecr.eu-west-2.amazonaws.com/opsd:1.0.0",
	"SubnetIds":        []any{"subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"},
	"SecurityGroupIds": []any{"sg-0ccccccccccccccccc"},
	"ExternalId":       "opsd-external-id",
	"SlackChannel":     "#platform-ops",
	"OrganizationId":   "o-exampleorgid",
}

// concrete are the pseudo parameters of a stack in 111111111111, eu-west-2.
var concrete = map[string]any{
	"AWS::Partition": "aws",
	"AWS::Region":    "eu-west-2",
	"AWS::AccountId": "111111111111",
	"AWS::URLSuffix": "amazonaws.com",
	"AWS::StackName": "opsd",
}

// hubRefs are what the hub's resources' Ref and GetAtt stand for in such a
// stack.
var hubRefs = map[string]any{
	"Cluster":                   "opsd-Cluster-1",
	"LogGroup":                  "/ecs/opsd",
	"LeaseTable":                "opsd-lease",
	"LeaseTable.Arn":            "arn:aws:dynamodb:eu-west-2:111111111111:table/opsd-lease",
	"ArchiveBucket":             "opsd-dlq-archive-111111111111-eu-west-2",
	"ArchiveBucket.Arn":         "arn:aws:s3:::opsd-dlq-archive-111111111111-eu-west-2",
	"ArchiveBucketPolicy":       "opsd-dlq-archive-111111111111-eu-west-2",
	"TaskRole":                  "opsd",
	"TaskRole.Arn":              "arn:aws:iam::111111111111:role/opsd",
	"ExecutionRole":             "opsd-ExecutionRole-1",
	"ExecutionRole.Arn":         "arn:aws:iam::111111111111:role/opsd-ExecutionRole-1",
	"HubPolicy":                 "arn:aws:iam::111111111111:policy/opsd-HubPolicy-1",
	"HubSlackTokenKeyPolicy":    "arn:aws:iam::111111111111:policy/opsd-HubSlackTokenKeyPolicy-1",
	"HubPagerDutyPolicy":        "arn:aws:iam::111111111111:policy/opsd-HubPagerDutyPolicy-1",
	"HubPagerDutyKeyPolicy":     "arn:aws:iam::111111111111:policy/opsd-HubPagerDutyKeyPolicy-1",
	"HubEventTopicPolicy":       "arn:aws:iam::111111111111:policy/opsd-HubEventTopicPolicy-1",
	"HubReadPolicy":             "arn:aws:iam::111111111111:policy/opsd-HubReadPolicy-1",
	"HubShutdownPatchingPolicy": "arn:aws:iam::111111111111:policy/opsd-HubShutdownPatchingPolicy-1",
	"HubBackupMonitorDLQPolicy": "arn:aws:iam::111111111111:policy/opsd-HubBackupMonitorDLQPolicy-1",
	"HubArchivePolicy":          "arn:aws:iam::111111111111:policy/opsd-HubArchivePolicy-1",
	"TaskDefinition":            "arn:aws:ecs:eu-west-2:111111111111:task-definition/opsd:1",
	"Service":                   "arn:aws:ecs:eu-west-2:111111111111:service/opsd-Cluster-1/opsd-Service-1",
	"Service.Name":              "opsd-Service-1",
}

// hubScope is the hub template with hubParams over its defaults, and more.
func hubScope(t *testing.T, more map[string]any) *scope {
	t.Helper()
	params := map[string]any{}
	for k, v := range hubParams {
		params[k] = v
	}
	for k, v := range more {
		params[k] = v
	}
	return newScope(t, readTemplate(t, "hub.yaml"), params, concrete, hubRefs)
}

// TestHubResources checks what opsd relies on in the hub's resources: the
// lease table's key, billing and recovery; the archive bucket's public
// access block, encryption and TLS-only policy; the log retention; two
// Fargate tasks with leader election on; the container as the ECS task
// definition in deploy/ecs has it.
func TestHubResources(t *testing.T) {
	s := hubScope(t, nil)

	table := s.properties(t, "LeaseTable")
	if got := jsonString(table["KeySchema"]); got != `[{"AttributeName":"name","KeyType":"HASH"}]` {
		t.Errorf("LeaseTable KeySchema %s, want the hash key name (the lease's and state's key)", got)
	}
	if got := jsonString(table["AttributeDefinitions"]); got != `[{"AttributeName":"name","AttributeType":"S"}]` {
		t.Errorf("LeaseTable AttributeDefinitions %s, want name S", got)
	}
	if table["BillingMode"] != "PAY_PER_REQUEST" || path(table, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled") != true {
		t.Errorf("LeaseTable: want PAY_PER_REQUEST with point-in-time recovery, got %v %s", table["BillingMode"], jsonString(table["PointInTimeRecoverySpecification"]))
	}
	if r := s.tp.resource(t, "LeaseTable"); r["DeletionPolicy"] != "Retain" {
		t.Error("LeaseTable: deleting the stack must keep opsd's state (DeletionPolicy Retain)")
	}

	if !s.created(t, "ArchiveBucket") || !s.created(t, "ArchiveBucketPolicy") {
		t.Fatal("the archive bucket and its policy are not created by default")
	}
	bucket := s.properties(t, "ArchiveBucket")
	for _, k := range []string{"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"} {
		if path(bucket, "PublicAccessBlockConfiguration", k) != true {
			t.Errorf("ArchiveBucket: %s is not true; opsd refuses a bucket without all four Block Public Access settings", k)
		}
	}
	if alg := path(bucket, "BucketEncryption", "ServerSideEncryptionConfiguration", 0, "ServerSideEncryptionByDefault", "SSEAlgorithm"); alg != "AES256" && alg != "aws:kms" {
		t.Errorf("ArchiveBucket: default encryption %v; opsd refuses a bucket without it", alg)
	}
	if bucket["BucketName"] != "opsd-dlq-archive-111111111111-eu-west-2" {
		t.Errorf("ArchiveBucket name %v, want opsd-dlq-archive-<account>-<region>, which the JSON policies' opsd-dlq-archive-* covers", bucket["BucketName"])
	}
	var tlsOnly bool
	for _, st := range path(s.properties(t, "ArchiveBucketPolicy"), "PolicyDocument", "Statement").([]any) {
		res := jsonString(path(st, "Resource"))
		if path(st, "Effect") == "Deny" && path(st, "Principal") == "*" && path(st, "Action") == "s3:*" &&
			path(st, "Condition", "Bool", "aws:SecureTransport") == "false" &&
			strings.Contains(res, `"arn:aws:s3:::opsd-dlq-archive-111111111111-eu-west-2"`) &&
			strings.Contains(res, `"arn:aws:s3:::opsd-dlq-archive-111111111111-eu-west-2/*"`) {
			tlsOnly = true
		}
		if path(st, "Effect") == "Allow" && path(st, "Condition", "StringEquals", "aws:PrincipalOrgID") != "o-exampleorgid" {
			t.Errorf("ArchiveBucketPolicy statement %v allows without an aws:PrincipalOrgID condition", path(st, "Sid"))
		}
	}
	if !tlsOnly {
		t.Error("ArchiveBucketPolicy has no statement denying every request without TLS (aws:SecureTransport false) on the bucket and its objects")
	}

	logs := s.properties(t, "LogGroup")
	if fmt.Sprint(logs["RetentionInDays"]) != "180" {
		t.Errorf("LogGroup retention %v days by default, want 180", logs["RetentionInDays"])
	}
	// CloudWatch Logs' retention values; the seed's 6-8 months allows 180
	// only, and opsd's monitor keeps other groups at 180.
	valid := []string{"1", "3", "5", "7", "14", "30", "60", "90", "120", "150", "180", "365", "400", "545", "731", "1096", "1827", "2192", "2557", "2922", "3288", "3653"}
	for _, v := range path(s.tp.section("Parameters"), "LogRetentionDays", "AllowedValues").([]any) {
		if !slices.Contains(valid, fmt.Sprint(v)) {
			t.Errorf("LogRetentionDays allows %v, which CloudWatch Logs does not", v)
		}
	}
	exempt := newScope(t, s.tp, mergeParams(hubParams, map[string]any{"LogRetentionDays": 365}), concrete, hubRefs)
	if tags := jsonString(exempt.properties(t, "LogGroup")["Tags"]); !strings.Contains(tags, `"opsd:log-retention"`) {
		t.Errorf("LogGroup with 365 days is not tagged opsd:log-retention=exempt, so opsd's monitor would set it back to 180: %s", tags)
	}

	svc := s.properties(t, "Service")
	if fmt.Sprint(svc["DesiredCount"]) != "2" || svc["LaunchType"] != "FARGATE" {
		t.Errorf("Service: DesiredCount %v, LaunchType %v; want 2 Fargate tasks", svc["DesiredCount"], svc["LaunchType"])
	}
	if got := jsonString(path(svc, "NetworkConfiguration", "AwsvpcConfiguration", "Subnets")); got != jsonString(hubParams["SubnetIds"]) {
		t.Errorf("Service subnets %s, want the SubnetIds parameter", got)
	}
	if svc["LoadBalancers"] != nil {
		t.Error("Service: opsd serves no traffic; no load balancer")
	}

	td := s.properties(t, "TaskDefinition")
	if jsonString(td["RequiresCompatibilities"]) != `["FARGATE"]` || td["NetworkMode"] != "awsvpc" {
		t.Errorf("TaskDefinition: %v %v, want FARGATE awsvpc", td["RequiresCompatibilities"], td["NetworkMode"])
	}
	if td["TaskRoleArn"] != hubRefs["TaskRole.Arn"] || td["ExecutionRoleArn"] != hubRefs["ExecutionRole.Arn"] {
		t.Errorf("TaskDefinition roles %v, %v", td["TaskRoleArn"], td["ExecutionRoleArn"])
	}
	c := path(td, "ContainerDefinitions", 0).(map[string]any)
	if jsonString(c["Command"]) != `["run","--config","/etc/opsd/opsd.yaml"]` {
		t.Errorf("container command %s, want opsd run --config /etc/opsd/opsd.yaml (the image's entrypoint is opsd)", jsonString(c["Command"]))
	}
	if u := fmt.Sprint(c["User"]); u == "" || u == "0" || strings.HasPrefix(u, "0:") || u == "root" {
		t.Errorf("container user %q: want a non-root user", u)
	}
	if c["ReadonlyRootFilesystem"] != true || c["Essential"] != true {
		t.Error("want an essential container with a read-only root filesystem")
	}
	grace := config.Default().Scheduler.GracePeriod
	var stop time.Duration
	if n, ok := c["StopTimeout"].(int); ok {
		stop = time.Duration(n) * time.Second
	}
	if stop <= grace || stop > 120*time.Second {
		t.Errorf("StopTimeout %s: want more than the grace period %s and at most Fargate's 120s", stop, grace)
	}
	if path(c, "LogConfiguration", "LogDriver") != "awslogs" || path(c, "LogConfiguration", "Options", "awslogs-group") != "/ecs/opsd" {
		t.Errorf("container logs %s, want awslogs to the stack's log group", jsonString(c["LogConfiguration"]))
	}
	if c["Secrets"] != nil {
		t.Error("the container takes no secrets from the environment: opsd reads the Slack token from SSM itself")
	}
	env := environment(t, s)
	for k, v := range map[string]string{
		"OPSD_HA__ENABLED":                        "true",
		"OPSD_HA__TABLE":                          "opsd-lease",
		"OPSD_HA__CREATE_TABLE":                   "false",
		"OPSD_AWS__ORGANIZATION__ENABLED":         "true",
		"OPSD_AWS__ORGANIZATION__ROLE_NAME":       "opsd-member",
		"OPSD_AWS__ORGANIZATION__EXCLUDE":         "111111111111",
		"OPSD_NOTIFY__SLACK__TOKEN_SSM_PARAMETER": "/opsd/slack-token",
		"OPSD_DLQ__ARCHIVE__BUCKET":               "opsd-dlq-archive-111111111111-eu-west-2",
		"OPSD_DLQ__ARCHIVE__REGION":               "eu-west-2",
	} {
		if env[k] != v {
			t.Errorf("container environment %s=%q, want %q", k, env[k], v)
		}
	}
	for _, r := range []string{"TaskRole", "ExecutionRole"} {
		trust := jsonString(s.properties(t, r)["AssumeRolePolicyDocument"])
		if !strings.Contains(trust, `"Service":"ecs-tasks.amazonaws.com"`) || !strings.Contains(trust, `"aws:SourceAccount":"111111111111"`) {
			t.Errorf("%s is not trusted by ECS tasks of this account only: %s", r, trust)
		}
	}
}

// environment returns the hub container's evaluated environment.
func environment(t *testing.T, s *scope) map[string]string {
	t.Helper()
	env := map[string]string{}
	list, _ := path(s.properties(t, "TaskDefinition"), "ContainerDefinitions", 0, "Environment").([]any)
	for _, e := range list {
		name := fmt.Sprint(path(e, "Name"))
		if _, dup := env[name]; dup {
			t.Errorf("container environment sets %s twice", name)
		}
		env[name] = fmt.Sprint(path(e, "Value"))
	}
	return env
}

func mergeParams(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestHubEnvironmentIsConfig runs opsd check-config on the image's
// configuration file with the environment the task definition sets, for
// the default parameters and for every option on: each OPSD_ variable must
// be a known key with a valid value, and the result a valid configuration.
func TestHubEnvironmentIsConfig(t *testing.T) {
	bin := opsdbin.Build(t)
	for name, more := range map[string]map[string]any{
		"defaults":  nil,
		"all on":    {"ManageHubAccount": "true", "Regions": "eu-west-2,eu-west-1", "EnableShutdown": "true", "EnablePatching": "true", "EnableBackup": "true", "EnableMonitor": "true", "EnableDlq": "true", "EnableAudit": "true", "EnableCerts": "true"},
		"no bucket": {"CreateArchiveBucket": "false"},
		"excluded":  {"ExcludedAccountIds": "222222222222,333333333333"},
		"paging":    {"PagerdutyRoutingKeyParameterName": "/opsd/pagerduty/routing-key", "EventTopicName": "opsd-events"},
		"sns":       {"PatchingTopicArn": "arn:aws:sns:eu-west-2:111111111111:opsd-patching", "DeliveryLoggingRoleName": "sns-delivery-status", "DeliveryLoggingTopicPrefix": "orders-"},
	} {
		t.Run(name, func(t *testing.T) {
			env := environment(t, hubScope(t, more))
			want := map[string]string{"all on": "", "excluded": "111111111111,222222222222,333333333333"}[name]
			if name == "defaults" || name == "no bucket" || name == "paging" || name == "sns" {
				want = "111111111111"
			}
			if name == "sns" {
				for k, v := range map[string]string{
					"OPSD_PATCHING__SNS_TOPIC_ARN":             "arn:aws:sns:eu-west-2:111111111111:opsd-patching",
					"OPSD_MONITOR__DELIVERY_LOGGING__ROLE_ARN": "arn:aws:iam::{account}:role/sns-delivery-status",
				} {
					if env[k] != v {
						t.Errorf("%s=%q, want %q", k, env[k], v)
					}
				}
			}
			if name == "paging" {
				for k, v := range map[string]string{
					"OPSD_NOTIFY__PAGERDUTY__ROUTING_KEY_SSM_PARAMETER": "/opsd/pagerduty/routing-key",
					"OPSD_NOTIFY__SNS__TOPIC_ARN":                       "arn:aws:sns:eu-west-2:111111111111:opsd-events",
				} {
					if env[k] != v {
						t.Errorf("%s=%q, want %q", k, env[k], v)
					}
				}
			}
			if got := env["OPSD_AWS__ORGANIZATION__EXCLUDE"]; got != want {
				t.Errorf("OPSD_AWS__ORGANIZATION__EXCLUDE=%q, want %q", got, want)
			}
			cmd := exec.CommandContext(context.Background(), bin, "check-config", "--config", "../image/opsd.yaml")
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("opsd check-config with the task definition's environment: %v\n%s", err, out)
			}
			t.Logf("%s", strings.TrimSpace(string(out)))
		})
	}
}

// TestCfnLint runs cfn-lint on both templates: errors and warnings fail.
func TestCfnLint(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Fatal("cfn-lint is not installed: python3 -m pip install cfn-lint (.ci/run installs it)")
	}
	out, err := exec.Command(lint, "hub.yaml", "member-role.yaml").CombinedOutput()
	if err != nil {
		t.Fatalf("cfn-lint hub.yaml member-role.yaml: %v\n%s", err, out)
	}
}
