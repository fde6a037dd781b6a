package cloudformation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/internal/slackrecord"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cfn "github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/opsd-dev/opsd/deploy/iam/policydoc"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

const (
	region     = "eu-west-2"
	hubAccount = mototest.DefaultAccountID
	externalID = "opsd-external-id"
	slackToken = "xoxb-from-the-ssm-parameter"
	// tuesdayNight is a Tuesday 22:00 in London (GMT): inside the default
	// shutdown window.
	tuesdayNight = "2026-03-10T22:00:00Z"
)

// TestStacksInMoto deploys opsd into an AWS Organization in moto the way
// deploy/README.md says: the hub stack in the management account, then
// member-role.yaml as a service-managed StackSet with automatic deployment
// to an organizational unit of two accounts. It checks what the stacks made
// (the lease table, the archive bucket, the roles and their policies, the
// task definition and service), then runs opsd with the environment of the
// task definition moto holds: one reconcile stops a tagged instance and
// archives a dead-letter message in a member account through the member
// role, keeping its state in the stack's table; the daemon then becomes
// leader through the stack's table.
//
// moto (5.2) accepts every resource of both templates but applies only
// part of some; the test checks what it applies and logs the rest (see
// deploy/README.md, "What the tests check").
func TestStacksInMoto(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	ctx := context.Background()
	cfg := srv.Config(region)

	// The organization: the management account (moto's default, where the
	// hub goes) and an OU of two member accounts.
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	desc, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatal(err)
	}
	roots, err := org.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) == 0 {
		t.Fatalf("list roots: %v", err)
	}
	root := aws.ToString(roots.Roots[0].Id)
	ou, err := org.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(root), Name: aws.String("workloads")})
	if err != nil {
		t.Fatal(err)
	}
	ouID := aws.ToString(ou.OrganizationalUnit.Id)
	var members []string
	for _, n := range []string{"dev", "staging"} {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(n), Email: aws.String(n + "@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(out.CreateAccountStatus.AccountId)
		if _, err := org.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(id), SourceParentId: aws.String(root), DestinationParentId: aws.String(ouID)}); err != nil {
			t.Fatal(err)
		}
		members = append(members, id)
	}
	sort.Strings(members)

	// The Slack token, a SecureString, made before the stack as the
	// README says.
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String("/opsd/slack-token"), Type: ssmtypes.ParameterTypeSecureString, Value: aws.String(slackToken),
	}); err != nil {
		t.Fatal(err)
	}

	// The hub stack.
	cf := cfn.NewFromConfig(cfg)
	hub := createStack(t, cf, "opsd", "hub.yaml", map[string]string{
		"ImageUri":         "123456789012.dkr.ecr.eu-west-2.amazonaws.com/opsd:1.0.0",
		"SubnetIds":        "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb",
		"SecurityGroupIds": "sg-0ccccccccccccccccc",
		"ExternalId":       externalID,
		"SlackChannel":     "#platform-ops",
		"OrganizationId":   aws.ToString(desc.Organization.Id),
		"EnableShutdown":   "true",
		"EnableDlq":        "true",
	})
	for _, k := range []string{"LeaseTableName", "ArchiveBucketName", "TaskRoleName", "ClusterName", "ServiceName", "LogGroupName", "HubAccountId"} {
		if hub[k] == "" {
			t.Fatalf("hub stack output %s is empty (outputs %v)", k, hub)
		}
	}
	checkHubResources(t, cfg, hub)
	env := taskEnvironment(t, cfg, hub)

	// The member role everywhere in the OU, as a service-managed StackSet.
	body, err := os.ReadFile("member-role.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cf.CreateStackSet(ctx, &cfn.CreateStackSetInput{
		StackSetName:    aws.String("opsd-member-role"),
		TemplateBody:    aws.String(string(body)),
		PermissionModel: cfntypes.PermissionModelsServiceManaged,
		AutoDeployment:  &cfntypes.AutoDeployment{Enabled: aws.Bool(true), RetainStacksOnAccountRemoval: aws.Bool(false)},
		Capabilities:    []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam},
		Parameters: parameters(map[string]string{
			"HubAccountId":      hub["HubAccountId"],
			"HubRoleName":       hub["TaskRoleName"],
			"ExternalId":        externalID,
			"ArchiveBucketName": hub["ArchiveBucketName"],
		}),
	}); err != nil {
		t.Fatalf("create stack set: %v", err)
	}
	op, err := cf.CreateStackInstances(ctx, &cfn.CreateStackInstancesInput{
		StackSetName:      aws.String("opsd-member-role"),
		DeploymentTargets: &cfntypes.DeploymentTargets{OrganizationalUnitIds: []string{ouID}},
		Regions:           []string{region},
	})
	if err != nil {
		t.Fatalf("create stack instances: %v", err)
	}
	waitOperation(t, cf, "opsd-member-role", aws.ToString(op.OperationId))
	inst, err := cf.ListStackInstances(ctx, &cfn.ListStackInstancesInput{StackSetName: aws.String("opsd-member-role")})
	if err != nil {
		t.Fatal(err)
	}
	var deployed []string
	for _, s := range inst.Summaries {
		deployed = append(deployed, aws.ToString(s.Account))
	}
	sort.Strings(deployed)
	if !slices.Equal(deployed, members) {
		t.Fatalf("stack instances in %v, want the OU's accounts %v", deployed, members)
	}
	for _, acct := range members {
		checkMemberRole(t, memberConfig(t, cfg, acct), acct, hub["TaskRoleName"])
	}

	// An estate in the first member account: a development instance asking
	// for the overnight shutdown, one that does not, and a dead-letter
	// queue holding a message.
	mcfg := memberConfig(t, cfg, members[0])
	tagged, untagged := seedInstances(t, mcfg)
	dlqURL := seedDLQ(t, mcfg)

	// moto keeps no public access block from the template (checked
	// above); opsd refuses to archive into a bucket without one, so the
	// test puts the template's on.
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(hub["ArchiveBucketName"]), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
	}}); err != nil {
		t.Fatal(err)
	}

	// opsd with the task definition's environment, the image's
	// configuration file, and what only a test changes: the endpoint, the
	// listen address, Slack's API, credentials, archive on arrival.
	slack := slackrecord.Start(t)
	env["OPSD_AWS__ENDPOINT_URL"] = srv.URL()
	env["OPSD_HTTP__LISTEN"] = opsdbin.FreeAddr(t)
	env["OPSD_NOTIFY__SLACK__API_URL"] = slack.URL()
	env["OPSD_DLQ__ARCHIVE__WHEN"] = "arrival"
	env["OPSD_DLQ__ARCHIVE__WAIT_TIME"] = "1s"
	env["OPSD_SCHEDULER__GRACE_PERIOD"] = "10s"
	bin := opsdbin.Build(t)
	once := opsd(t, bin, env, "run", "--config", "../image/opsd.yaml", "--once", "--only", "shutdown,dlq", "--now", tuesdayNight)
	if out, err := once.CombinedOutput(); err != nil {
		t.Fatalf("opsd run --once: %v\n%s", err, out)
	}

	states := instanceStates(t, mcfg, tagged, untagged)
	if states[tagged] != "stopped" && states[tagged] != "stopping" {
		t.Errorf("the tagged instance is %s after the night's reconcile, want stopped", states[tagged])
	}
	if states[untagged] != "running" {
		t.Errorf("the untagged instance is %s, want running", states[untagged])
	}
	objects, err := s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(hub["ArchiveBucketName"]), Prefix: aws.String("dlq-archive/" + members[0] + "/" + region + "/orders-dlq/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(objects.Contents) != 1 {
		t.Errorf("%d archived messages in the stack's bucket from %s, want 1", len(objects.Contents), dlqURL)
	}
	if !slack.AuthenticatedWith(slackToken) {
		t.Errorf("Slack got %d messages with tokens %q, want some, each with the token from the SSM parameter", slack.Count(), slack.Tokens())
	}
	db := dynamodb.NewFromConfig(cfg)
	item, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(hub["LeaseTableName"]), ConsistentRead: aws.Bool(true),
		Key: map[string]ddbtypes.AttributeValue{"name": &ddbtypes.AttributeValueMemberS{Value: "state/dlq/memory"}}})
	if err != nil || len(item.Item) == 0 {
		t.Errorf("no state/dlq/memory item in the stack's table after the run (%v): opsd did not keep its state there", err)
	}

	// The daemon: it must become the leader through the stack's table.
	daemon := opsd(t, bin, env, "run", "--config", "../image/opsd.yaml")
	var log bytes.Buffer
	daemon.Stdout, daemon.Stderr = &log, &log
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- daemon.Wait() }()
	role := waitRole(t, env["OPSD_HTTP__LISTEN"], done)
	_ = daemon.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("opsd run after SIGTERM: %v\n%s", err, log.String())
		}
	case <-time.After(40 * time.Second):
		_ = daemon.Process.Kill()
		t.Errorf("opsd run did not stop within 40s of SIGTERM\n%s", log.String())
	}
	if role != "leader" {
		t.Fatalf("the only replica is %q, not leader\n%s", role, log.String())
	}
	lease, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(hub["LeaseTableName"]), ConsistentRead: aws.Bool(true),
		Key: map[string]ddbtypes.AttributeValue{"name": &ddbtypes.AttributeValueMemberS{Value: "opsd"}}})
	if err != nil || len(lease.Item) == 0 {
		t.Errorf("no lease item opsd in the stack's table (%v)", err)
	}
}

// createStack creates a stack from a template file with parameters, waits
// for CREATE_COMPLETE and returns its outputs.
func createStack(t *testing.T, cf *cfn.Client, name, file string, params map[string]string) map[string]string {
	t.Helper()
	ctx := context.Background()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cf.CreateStack(ctx, &cfn.CreateStackInput{
		StackName:    aws.String(name),
		TemplateBody: aws.String(string(body)),
		Parameters:   parameters(params),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam},
	}); err != nil {
		t.Fatalf("create stack %s from %s: %v", name, file, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := cf.DescribeStacks(ctx, &cfn.DescribeStacksInput{StackName: aws.String(name)})
		if err != nil || len(out.Stacks) != 1 {
			t.Fatalf("describe stack %s: %v", name, err)
		}
		st := out.Stacks[0]
		switch st.StackStatus {
		case cfntypes.StackStatusCreateComplete:
			outputs := map[string]string{}
			for _, o := range st.Outputs {
				outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
			}
			return outputs
		case cfntypes.StackStatusCreateInProgress:
		default:
			t.Fatalf("stack %s is %s: %s", name, st.StackStatus, aws.ToString(st.StackStatusReason))
		}
		if time.Now().After(deadline) {
			t.Fatalf("stack %s still %s after 30s", name, st.StackStatus)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func parameters(m map[string]string) []cfntypes.Parameter {
	var out []cfntypes.Parameter
	for k, v := range m {
		out = append(out, cfntypes.Parameter{ParameterKey: aws.String(k), ParameterValue: aws.String(v)})
	}
	return out
}

// waitOperation waits for a stack set operation to succeed.
func waitOperation(t *testing.T, cf *cfn.Client, set, id string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := cf.DescribeStackSetOperation(context.Background(), &cfn.DescribeStackSetOperationInput{StackSetName: aws.String(set), OperationId: aws.String(id)})
		if err != nil {
			t.Fatalf("describe stack set operation: %v", err)
		}
		switch s := out.StackSetOperation.Status; s {
		case cfntypes.StackSetOperationStatusSucceeded:
			return
		case cfntypes.StackSetOperationStatusFailed, cfntypes.StackSetOperationStatusStopped:
			t.Fatalf("stack set operation %s: %s", id, s)
		}
		if time.Now().After(deadline) {
			t.Fatal("stack set operation still running after 30s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkHubResources checks what the hub stack made, as far as moto keeps
// it, and logs what moto does not keep.
func checkHubResources(t *testing.T, cfg aws.Config, hub map[string]string) {
	t.Helper()
	ctx := context.Background()

	db := dynamodb.NewFromConfig(cfg)
	table, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(hub["LeaseTableName"])})
	if err != nil {
		t.Fatal(err)
	}
	if ks := table.Table.KeySchema; len(ks) != 1 || aws.ToString(ks[0].AttributeName) != "name" || ks[0].KeyType != ddbtypes.KeyTypeHash {
		t.Errorf("lease table key schema %+v, want the hash key name", ks)
	}
	if b := table.Table.BillingModeSummary; b == nil || b.BillingMode != ddbtypes.BillingModePayPerRequest {
		t.Errorf("lease table billing %+v, want PAY_PER_REQUEST", b)
	}
	if cb, err := db.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(hub["LeaseTableName"])}); err == nil &&
		cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus != ddbtypes.PointInTimeRecoveryStatusEnabled {
		t.Log("moto does not apply PointInTimeRecoverySpecification from a template; TestHubResources checks the template sets it")
	}

	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	bucket := hub["ArchiveBucketName"]
	enc, err := s3c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if err != nil {
		t.Fatalf("archive bucket %s encryption: %v", bucket, err)
	}
	if r := enc.ServerSideEncryptionConfiguration.Rules; len(r) == 0 || r[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAes256 {
		t.Errorf("archive bucket default encryption %+v, want AES256", r)
	}
	if pab, err := s3c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)}); err != nil {
		t.Log("moto does not apply PublicAccessBlockConfiguration from a template (nor AWS::S3::BucketPolicy); TestHubResources checks the template sets both")
	} else if c := pab.PublicAccessBlockConfiguration; !aws.ToBool(c.BlockPublicAcls) || !aws.ToBool(c.IgnorePublicAcls) || !aws.ToBool(c.BlockPublicPolicy) || !aws.ToBool(c.RestrictPublicBuckets) {
		t.Errorf("archive bucket public access block %+v, want all four on", c)
	}

	// The task role, trusted by ECS tasks, with opsd-policy.json's
	// statements (less CreateTable) naming the stack's table and the member
	// role.
	ic := iam.NewFromConfig(cfg)
	role, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(hub["TaskRoleName"])})
	if err != nil {
		t.Fatal(err)
	}
	if trust, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument)); !strings.Contains(trust, "ecs-tasks.amazonaws.com") {
		t.Errorf("task role trust %s, want ECS tasks", trust)
	}
	docs := attachedPolicies(t, ic, hub["TaskRoleName"])
	if len(docs) != 1 {
		t.Fatalf("task role has %d policies, want 1 (HubPolicy; ManageHubAccount is false)", len(docs))
	}
	want, err := policydoc.Read(filepath.Join(iamDir, "opsd-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := docs[0]
	for _, st := range got.Statement {
		switch st.Sid {
		case "LeaderLeaseAndState":
			if r := strings.Join(st.Resource, ","); r != "arn:aws:dynamodb:"+region+":"+hubAccount+":table/"+hub["LeaseTableName"] {
				t.Errorf("task role's lease statement is on %s, want the stack's table", r)
			}
		case "AssumeMemberAccountRoles":
			if r := strings.Join(st.Resource, ","); r != "arn:aws:iam::*:role/opsd-member" {
				t.Errorf("task role may assume %s, want arn:aws:iam::*:role/opsd-member", r)
			}
		}
	}
	if a, w := uniqueActions(got), uniqueActions(withoutSids(want, "LeaderLeaseCreateTable", "DecryptSlackTokenParameter", "ReadPagerDutyRoutingKeyParameter", "DecryptPagerDutyRoutingKeyParameter", "PublishToEventTopic")); !slices.Equal(a, w) {
		t.Errorf("the task role as moto holds it allows %v, want %v", a, w)
	}

	lg, err := cloudwatchlogs.NewFromConfig(cfg).DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(hub["LogGroupName"])})
	if err != nil || len(lg.LogGroups) != 1 {
		t.Fatalf("log group %s: %v", hub["LogGroupName"], err)
	}
	if d := aws.ToInt32(lg.LogGroups[0].RetentionInDays); d != 180 {
		t.Errorf("log group retention %d days, want 180", d)
	}

	// The service: two tasks of the stack's task definition. moto keeps
	// neither the launch type nor the network configuration, nor the task
	// definition's roles, network mode and compatibilities.
	ec := ecs.NewFromConfig(cfg)
	svc, err := ec.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(hub["ClusterName"]), Services: []string{hub["ServiceName"]}})
	if err != nil || len(svc.Services) != 1 {
		t.Fatalf("describe service %s: %v", hub["ServiceName"], err)
	}
	if svc.Services[0].DesiredCount != 2 {
		t.Errorf("service desired count %d, want 2", svc.Services[0].DesiredCount)
	}
}

// taskEnvironment returns the environment of the service's task
// definition, as moto holds it.
func taskEnvironment(t *testing.T, cfg aws.Config, hub map[string]string) map[string]string {
	t.Helper()
	ctx := context.Background()
	ec := ecs.NewFromConfig(cfg)
	svc, err := ec.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(hub["ClusterName"]), Services: []string{hub["ServiceName"]}})
	if err != nil || len(svc.Services) != 1 {
		t.Fatalf("describe service: %v", err)
	}
	td, err := ec.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: svc.Services[0].TaskDefinition})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(td.TaskDefinition.ContainerDefinitions); n != 1 {
		t.Fatalf("%d containers, want 1", n)
	}
	c := td.TaskDefinition.ContainerDefinitions[0]
	if strings.Join(c.Command, " ") != "run --config /etc/opsd/opsd.yaml" || aws.ToString(c.Image) != "123456789012.dkr.ecr.eu-west-2.amazonaws.com/opsd:1.0.0" {
		t.Errorf("container %s %v", aws.ToString(c.Image), c.Command)
	}
	env := map[string]string{}
	for _, kv := range c.Environment {
		env[aws.ToString(kv.Name)] = aws.ToString(kv.Value)
	}
	if env["OPSD_HA__ENABLED"] != "true" || env["OPSD_HA__TABLE"] != hub["LeaseTableName"] || env["OPSD_AWS__ORGANIZATION__EXCLUDE"] != hubAccount {
		t.Errorf("task environment %v", env)
	}
	return env
}

// memberConfig is SDK configuration for moto as an account of the
// organization, through the role Organizations makes in it.
func memberConfig(t *testing.T, cfg aws.Config, account string) aws.Config {
	t.Helper()
	out, err := sts.NewFromConfig(cfg).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("test"),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	mc := cfg.Copy()
	mc.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	return mc
}

// checkMemberRole checks the StackSet's role in one account: trusted by the
// hub's task role with the external id, with the member policies of
// deploy/iam (but member-sns-policy.json, whose parameters the StackSet
// leaves empty), and no replay role (CreateReplayRole is false).
func checkMemberRole(t *testing.T, cfg aws.Config, account, hubRole string) {
	t.Helper()
	ic := iam.NewFromConfig(cfg)
	role, err := ic.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("opsd-member")})
	if err != nil {
		t.Fatalf("account %s: %v", account, err)
	}
	if arn := aws.ToString(role.Role.Arn); arn != "arn:aws:iam::"+account+":role/opsd-member" {
		t.Errorf("member role %s, want it in account %s", arn, account)
	}
	trust, _ := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	for _, want := range []string{`"arn:aws:iam::` + hubAccount + `:root"`, `"sts:ExternalId": "` + externalID + `"`, `"arn:aws:iam::` + hubAccount + `:role/` + hubRole + `"`} {
		if !strings.Contains(strings.ReplaceAll(trust, `":"`, `": "`), want) {
			t.Errorf("account %s: member role trust %s lacks %s", account, trust, want)
		}
	}
	var got policydoc.Document
	for _, d := range attachedPolicies(t, ic, "opsd-member") {
		got.Statement = append(got.Statement, d.Statement...)
	}
	var want policydoc.Document
	for _, f := range policydoc.Files {
		if f.Role != policydoc.Member || f.Name == "member-sns-policy.json" {
			continue
		}
		d, err := policydoc.Read(filepath.Join(iamDir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		want.Statement = append(want.Statement, d.Statement...)
	}
	if a, w := uniqueActions(got), uniqueActions(want); !slices.Equal(a, w) {
		t.Errorf("account %s: member role allows %v, want %v", account, a, w)
	}
	for _, st := range got.Statement {
		if st.Sid == "DeadLetterArchiveObjects" && strings.Join(st.Resource, ",") != "arn:aws:s3:::opsd-dlq-archive-"+hubAccount+"-"+region+"/*" {
			t.Errorf("account %s: member role archives to %v, want the hub's bucket", account, st.Resource)
		}
	}
	if _, err := ic.GetRole(context.Background(), &iam.GetRoleInput{RoleName: aws.String("dlq-replay")}); err == nil {
		t.Errorf("account %s: a replay role exists although CreateReplayRole is false", account)
	}
}

// attachedPolicies returns the documents of the managed policies attached
// to a role.
func attachedPolicies(t *testing.T, ic *iam.Client, role string) []policydoc.Document {
	t.Helper()
	ctx := context.Background()
	out, err := ic.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		t.Fatal(err)
	}
	var docs []policydoc.Document
	for _, p := range out.AttachedPolicies {
		pol, err := ic.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: p.PolicyArn})
		if err != nil {
			t.Fatal(err)
		}
		v, err := ic.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: p.PolicyArn, VersionId: pol.Policy.DefaultVersionId})
		if err != nil {
			t.Fatal(err)
		}
		text, err := url.QueryUnescape(aws.ToString(v.PolicyVersion.Document))
		if err != nil {
			t.Fatal(err)
		}
		d, err := policydoc.Parse([]byte(text))
		if err != nil {
			t.Fatalf("policy %s: %v", aws.ToString(p.PolicyArn), err)
		}
		docs = append(docs, d)
	}
	return docs
}

func uniqueActions(d policydoc.Document) []string {
	var out []string
	for _, a := range d.Actions() {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

func withoutSids(d policydoc.Document, sids ...string) policydoc.Document {
	var out policydoc.Document
	for _, st := range d.Statement {
		if !slices.Contains(sids, st.Sid) {
			out.Statement = append(out.Statement, st)
		}
	}
	return out
}

// seedInstances starts a development instance tagged OOOShutdown=true and
// an untagged one, and returns their ids.
func seedInstances(t *testing.T, cfg aws.Config) (tagged, untagged string) {
	t.Helper()
	ctx := context.Background()
	c := ec2.NewFromConfig(cfg)
	imgs, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	if err != nil || len(imgs.Images) == 0 {
		t.Fatalf("describe images: %v", err)
	}
	run := func(tags map[string]string) string {
		var ts []ec2types.Tag
		for k, v := range tags {
			ts = append(ts, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		in := &ec2.RunInstancesInput{ImageId: imgs.Images[0].ImageId, InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1)}
		if len(ts) > 0 {
			in.TagSpecifications = []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: ts}}
		}
		out, err := c.RunInstances(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Instances[0].InstanceId)
	}
	return run(map[string]string{"OOOShutdown": "true", "Environment": "development"}), run(nil)
}

func instanceStates(t *testing.T, cfg aws.Config, ids ...string) map[string]string {
	t.Helper()
	out, err := ec2.NewFromConfig(cfg).DescribeInstances(context.Background(), &ec2.DescribeInstancesInput{InstanceIds: ids})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, r := range out.Reservations {
		for _, i := range r.Instances {
			states[aws.ToString(i.InstanceId)] = string(i.State.Name)
		}
	}
	return states
}

// seedDLQ makes orders with orders-dlq as its dead-letter queue, and one
// message in orders-dlq.
func seedDLQ(t *testing.T, cfg aws.Config) string {
	t.Helper()
	ctx := context.Background()
	c := sqs.NewFromConfig(cfg)
	dlq, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders-dlq")})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dlq.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	redrive, _ := json.Marshal(map[string]any{"deadLetterTargetArn": attrs.Attributes["QueueArn"], "maxReceiveCount": 3})
	if _, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders"), Attributes: map[string]string{"RedrivePolicy": string(redrive)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: dlq.QueueUrl, MessageBody: aws.String(`{"order":42}`)}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(dlq.QueueUrl)
}

// opsd is the opsd binary with env and nothing else from this process's
// environment but PATH, and moto's test credentials.
func opsd(t *testing.T, bin string, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	none := filepath.Join(t.TempDir(), "none")
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"AWS_ACCESS_KEY_ID=" + mototest.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + mototest.SecretAccessKey,
		"AWS_CONFIG_FILE=" + none, "AWS_SHARED_CREDENTIALS_FILE=" + none, "AWS_EC2_METADATA_DISABLED=true",
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// waitRole polls /readyz until the replica says it is the leader, for at
// most 30 s, and returns the last role it named.
func waitRole(t *testing.T, addr string, done <-chan error) string {
	t.Helper()
	role := ""
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("opsd run exited before it led: %v", err)
		default:
		}
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			var doc map[string]any
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if json.Unmarshal(b, &doc) == nil {
				role = fmt.Sprint(doc["role"])
				if role == "leader" {
					return role
				}
			}
		}
		time.Sleep(250 * time.Millisecond)
	}
	return role
}
