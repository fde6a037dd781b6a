package terraform_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"go.yaml.in/yaml/v3"

	"github.com/opsd-dev/opsd/deploy/iam/policydoc"
	"github.com/opsd-dev/opsd/internal/opsdbin"
)

// iamDir is deploy/iam, seen from this package.
const iamDir = "../iam"

// placeholderData renders the modules' ARNs as the JSON files write them:
// any region and account, the aws partition.
var placeholderData = map[string]cty.Value{
	"aws_partition.current":       obj("partition", "aws", "dns_suffix", "amazonaws.com"),
	"aws_caller_identity.current": obj("account_id", "*"),
	"aws_region.current":          obj("name", "*"),
}

// concreteData is a hub in 111111111111, eu-west-2.
var concreteData = map[string]cty.Value{
	"aws_partition.current":       obj("partition", "aws", "dns_suffix", "amazonaws.com"),
	"aws_caller_identity.current": obj("account_id", "111111111111"),
	"aws_region.current":          obj("name", "eu-west-2"),
}

// hubResources are the hub's resources' attributes the module refers to;
// no bucket means none was made (count 0).
func hubResources(account, region, table, bucket string) map[string]cty.Value {
	buckets := cty.EmptyTupleVal
	if bucket != "" {
		buckets = cty.TupleVal([]cty.Value{obj("id", bucket, "bucket", bucket, "arn", "arn:aws:s3:::"+bucket)})
	}
	return map[string]cty.Value{
		"aws_dynamodb_table.lease":      obj("name", table, "arn", "arn:aws:dynamodb:"+region+":"+account+":table/"+table),
		"aws_s3_bucket.archive":         buckets,
		"aws_iam_role.task":             obj("name", "opsd", "arn", "arn:aws:iam::"+account+":role/opsd"),
		"aws_iam_role.execution":        obj("name", "opsd-execution-1", "arn", "arn:aws:iam::"+account+":role/opsd-execution-1"),
		"aws_iam_policy.hub":            obj("arn", "arn:aws:iam::"+account+":policy/opsd-hub-1"),
		"aws_cloudwatch_log_group.opsd": obj("name", "/ecs/opsd"),
		"aws_ecs_cluster.opsd":          obj("id", "arn:aws:ecs:"+region+":"+account+":cluster/opsd", "name", "opsd"),
		"aws_ecs_task_definition.opsd":  obj("arn", "arn:aws:ecs:"+region+":"+account+":task-definition/opsd:1"),
		"aws_ecs_service.opsd":          obj("name", "opsd"),
	}
}

// hubRequired are the hub's variables without defaults.
var hubRequired = map[string]cty.Value{
	"image_uri":          cty.StringVal("111111111111.dkr.ecr.eu-west-2.amazonaws.com/opsd:v0.2.0"),
	"subnet_ids":         strList("subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"),
	"security_group_ids": strList("sg-0ccccccccccccccccc"),
	"external_id":        cty.StringVal("opsd-external-id"),
	"slack_channel":      cty.StringVal("#platform-ops"),
}

func withVars(base map[string]cty.Value, more map[string]cty.Value) map[string]cty.Value {
	out := map[string]cty.Value{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// memberResources are the member-role module's resources' attributes.
func memberResources(account string) map[string]cty.Value {
	return map[string]cty.Value{
		"aws_iam_role.member":               obj("name", "opsd-member", "arn", "arn:aws:iam::"+account+":role/opsd-member"),
		"aws_iam_role.replay":               obj("name", "dlq-replay", "arn", "arn:aws:iam::"+account+":role/dlq-replay"),
		"aws_iam_policy.read":               obj("arn", "arn:aws:iam::"+account+":policy/opsd-read-1"),
		"aws_iam_policy.shutdown_patching":  obj("arn", "arn:aws:iam::"+account+":policy/opsd-shutdown-patching-1"),
		"aws_iam_policy.backup_monitor_dlq": obj("arn", "arn:aws:iam::"+account+":policy/opsd-backup-monitor-dlq-1"),
		"aws_iam_policy.sns":                obj("arn", "arn:aws:iam::"+account+":policy/opsd-sns-1"),
		"aws_iam_policy.replay":             obj("arn", "arn:aws:iam::"+account+":policy/opsd-replay-1"),
	}
}

// counted are the member-role module's resources made with count.
var counted = []string{"aws_iam_role.member", "aws_iam_role.replay", "aws_iam_policy.sns", "aws_iam_policy.replay"}

func memberWorld(vars map[string]cty.Value) world {
	res := memberResources("*")
	for _, k := range counted {
		res[k] = cty.TupleVal([]cty.Value{res[k]})
	}
	return world{vars: vars, data: placeholderData, resources: res}
}

// memberAllOn are the member-role module's variables with the files'
// placeholders for the hub, the archive bucket, the patching topic, the
// delivery logging role and topics, and the replay role made.
var memberAllOn = map[string]cty.Value{
	"hub_account_id":                cty.StringVal("111111111111"),
	"hub_role_name":                 cty.StringVal("opsd"),
	"external_id":                   cty.StringVal("REPLACE-WITH-THE-EXTERNAL-ID-IN-OPSD-CONFIG"),
	"archive_bucket_name":           cty.StringVal("opsd-dlq-archive-*"),
	"patching_topic_arn":            cty.StringVal("arn:aws:sns:*:*:opsd-*"),
	"delivery_logging_role_name":    cty.StringVal("sns-delivery-status"),
	"delivery_logging_topic_prefix": cty.StringVal("REPLACE-WITH-TOPIC-PREFIX"),
	"create_replay_role":            cty.True,
}

// policyOf evaluates a policy attribute (a jsonencode) into a document.
func policyOf(t *testing.T, ctx *hcl.EvalContext, b *hclsyntax.Block, name string) policydoc.Document {
	t.Helper()
	text := stringOf(t, attr(t, ctx, b, name))
	doc, err := policydoc.Parse([]byte(text))
	if err != nil {
		t.Fatalf("%s %s: %s: %v\n%s", b.Type, strings.Join(b.Labels, "."), name, err, text)
	}
	return doc
}

func readPolicyFile(t *testing.T, name string) policydoc.Document {
	t.Helper()
	d, err := policydoc.Read(filepath.Join(iamDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestMemberRolePolicies checks the member-role module's policies and
// trust policy equal to deploy/iam, statement by statement, with the files'
// placeholders for the account, the archive bucket, the topics and roles
// and the hub; that every policy is attached to its role; that without an
// archive bucket the two archive statements go; and that the optional
// policies and the replay role come only with their variables.
func TestMemberRolePolicies(t *testing.T) {
	m := loadModule(t, "member-role")
	ctx := m.context(t, memberWorld(memberAllOn))
	files := map[string]string{
		"aws_iam_policy.read":               "member-read-policy.json",
		"aws_iam_policy.shutdown_patching":  "member-shutdown-patching-policy.json",
		"aws_iam_policy.backup_monitor_dlq": "member-backup-monitor-dlq-policy.json",
		"aws_iam_policy.sns":                "member-sns-policy.json",
		"aws_iam_policy.replay":             policydoc.ReplayFile,
	}
	checkPolicies(t, m, ctx, files, nil)

	trust := policyOf(t, ctx, m.resources["aws_iam_role.member"], "assume_role_policy")
	if diff := policydoc.Diff(readPolicyFile(t, policydoc.TrustFile), trust); len(diff) > 0 {
		t.Errorf("member-role: the role's trust policy differs from deploy/iam/%s:\n  %s", policydoc.TrustFile, strings.Join(diff, "\n  "))
	}
	attached := attachments(t, m, ctx)
	if got := attached["opsd-member"]; len(got) != 4 {
		t.Errorf("member-role attaches %v to opsd-member, want the four member policies", got)
	}
	if got := attached["dlq-replay"]; strings.Join(got, ",") != "arn:aws:iam::*:policy/opsd-replay-1" {
		t.Errorf("member-role attaches %v to the replay role, want the replay policy only", got)
	}
	replayTrust := policyOf(t, ctx, m.resources["aws_iam_role.replay"], "assume_role_policy")
	if len(replayTrust.Statement) != 1 || string(replayTrust.Statement[0].Principal) != `{"AWS":"arn:aws:iam::*:root"}` ||
		strings.Join(replayTrust.Statement[0].Action, ",") != "sts:AssumeRole" || len(replayTrust.Statement[0].Condition) > 0 {
		t.Errorf("member-role: the replay role is trusted by %+v, want this account's principals only", replayTrust.Statement)
	}
	if name := stringOf(t, attr(t, ctx, m.resources["aws_iam_role.replay"], "name")); strings.HasPrefix(name, "opsd-") {
		t.Errorf("member-role: the replay role is named %s, which opsd's own role may assume (role/opsd-*)", name)
	}

	// Each optional statement with its variable only.
	for _, tc := range []struct {
		vars map[string]cty.Value
		want string
	}{
		{map[string]cty.Value{"patching_topic_arn": cty.StringVal("arn:aws:sns:eu-west-2:111111111111:opsd-patching")}, "PatchingAlertTopic"},
		{map[string]cty.Value{"delivery_logging_role_name": cty.StringVal("sns-delivery-status"), "delivery_logging_topic_prefix": cty.StringVal("orders-")}, "MonitorSNSDeliveryLogging,MonitorPassDeliveryLoggingRole"},
	} {
		vars := map[string]cty.Value{"hub_account_id": cty.StringVal("111111111111"), "external_id": cty.StringVal("x1")}
		for k, v := range tc.vars {
			vars[k] = v
		}
		c := m.context(t, memberWorld(vars))
		if got := strings.Join(policyOf(t, c, m.resources["aws_iam_policy.sns"], "policy").Sids(), ","); got != tc.want {
			t.Errorf("member-role with %v: the sns policy has %s, want %s", tc.vars, got, tc.want)
		}
	}
	defaults := m.context(t, memberWorld(map[string]cty.Value{"hub_account_id": cty.StringVal("111111111111"), "external_id": cty.StringVal("x1")}))
	for _, k := range []string{"aws_iam_policy.sns", "aws_iam_role.replay", "aws_iam_policy.replay"} {
		if n := attr(t, defaults, m.resources[k], "count"); !n.RawEquals(cty.NumberIntVal(0)) {
			t.Errorf("member-role with its defaults makes %#v of %s, want 0", n, k)
		}
	}

	// On an existing role (the hub's own, with manage_hub_account), no
	// role is made.
	existing := memberWorld(map[string]cty.Value{"existing_role_name": cty.StringVal("opsd")})
	for _, k := range counted {
		existing.resources[k] = cty.EmptyTupleVal
	}
	ectx := m.context(t, existing)
	if got := attachments(t, m, ectx)["opsd"]; len(got) != 3 {
		t.Errorf("member-role with existing_role_name opsd attaches %v to it, want the three policies", got)
	}
	if n := attr(t, ectx, m.resources["aws_iam_role.member"], "count"); !n.RawEquals(cty.NumberIntVal(0)) {
		t.Errorf("member-role with existing_role_name makes %#v roles, want 0", n)
	}

	noArchive := m.context(t, memberWorld(map[string]cty.Value{
		"hub_account_id": cty.StringVal("111111111111"), "external_id": cty.StringVal("x1"),
	}))
	got := policyOf(t, noArchive, m.resources["aws_iam_policy.backup_monitor_dlq"], "policy")
	diff := policydoc.Diff(readPolicyFile(t, "member-backup-monitor-dlq-policy.json"), got)
	if strings.Join(diff, ";") != `statement "DeadLetterArchiveBucket" is missing;statement "DeadLetterArchiveObjects" is missing` {
		t.Errorf("member-role without an archive bucket: want exactly the two archive statements gone, got:\n  %s", strings.Join(diff, "\n  "))
	}
}

// checkPolicies compares each aws_iam_policy of the module with its file,
// and fails on an aws_iam_policy the map does not name.
func checkPolicies(t *testing.T, m *module, ctx *hcl.EvalContext, files map[string]string, omit map[string][]string) {
	t.Helper()
	for key, b := range m.resources {
		if !strings.HasPrefix(key, "aws_iam_policy.") {
			continue
		}
		file, ok := files[key]
		if !ok {
			t.Errorf("%s: %s is checked against no file of deploy/iam; add it to this test", m.dir, key)
			continue
		}
		got := policyOf(t, ctx, b, "policy")
		if diff := policydoc.Diff(readPolicyFile(t, file), got, omit[key]...); len(diff) > 0 {
			t.Errorf("%s: %s differs from deploy/iam/%s; change both the same way:\n  %s", m.dir, key, file, strings.Join(diff, "\n  "))
		}
	}
	for key := range m.resources {
		if strings.HasPrefix(key, "aws_iam_role_policy.") || strings.HasPrefix(key, "aws_iam_policy_document.") {
			t.Errorf("%s: %s is checked against no file of deploy/iam; use an aws_iam_policy copying one", m.dir, key)
		}
	}
}

// attachments returns the policy ARNs attached to each role name, but
// for attachments whose count is 0.
func attachments(t *testing.T, m *module, ctx *hcl.EvalContext) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for key, b := range m.resources {
		if _, ok := b.Body.Attributes["count"]; ok && attr(t, ctx, b, "count").RawEquals(cty.NumberIntVal(0)) {
			continue
		}
		if strings.HasPrefix(key, "aws_iam_role_policy_attachment.") {
			role := stringOf(t, attr(t, ctx, b, "role"))
			out[role] = append(out[role], stringOf(t, attr(t, ctx, b, "policy_arn")))
		}
	}
	return out
}

// TestHubPolicies checks the hub module's policy equal to
// deploy/iam/opsd-policy.json (but LeaderLeaseCreateTable: the module makes
// the table), and that the member policies reach opsd's own role through
// the member-role module exactly when manage_hub_account is true.
func TestHubPolicies(t *testing.T) {
	m := loadModule(t, "hub")
	vars := withVars(hubRequired, map[string]cty.Value{
		"member_role_name":                     cty.StringVal("opsd-*"),
		"slack_token_parameter_name":           cty.StringVal("/opsd/*"),
		"slack_token_kms_key_arn":              cty.StringVal("*"),
		"pagerduty_routing_key_parameter_name": cty.StringVal("/opsd/pagerduty/*"),
		"pagerduty_routing_key_kms_key_arn":    cty.StringVal("*"),
		"event_topic_name":                     cty.StringVal("opsd-*"),
		"archive_bucket_name":                  cty.StringVal("opsd-dlq-archive-*"),
		"manage_hub_account":                   cty.True,
		"organization_id":                      cty.StringVal("o-exampleorgid"),
		"patching_topic_arn":                   cty.StringVal("arn:aws:sns:*:*:opsd-*"),
		"delivery_logging_role_name":           cty.StringVal("sns-delivery-status"),
		"delivery_logging_topic_prefix":        cty.StringVal("REPLACE-WITH-TOPIC-PREFIX"),
		"create_replay_role":                   cty.True,
	})
	ctx := m.context(t, world{vars: vars, data: placeholderData, resources: hubResources("*", "*", "opsd-lease", "opsd-dlq-archive-*")})
	checkPolicies(t, m, ctx, map[string]string{"aws_iam_policy.hub": "opsd-policy.json"}, map[string][]string{"aws_iam_policy.hub": {"LeaderLeaseCreateTable"}})
	if got := attachments(t, m, ctx)["opsd"]; !slices.Contains(got, "arn:aws:iam::*:policy/opsd-hub-1") {
		t.Errorf("the hub policy is not attached to the task role: %v", got)
	}

	call, ok := m.modules["hub_account"]
	if !ok {
		t.Fatal("hub has no module hub_account (the member policies for its own account)")
	}
	if src := stringOf(t, attr(t, ctx, call, "source")); src != "../member-role" {
		t.Errorf("module hub_account source %s, want ../member-role", src)
	}
	if n := attr(t, ctx, call, "count"); !n.RawEquals(cty.NumberIntVal(1)) {
		t.Errorf("module hub_account count %#v with manage_hub_account, want 1", n)
	}
	if r := stringOf(t, attr(t, ctx, call, "existing_role_name")); r != "opsd" {
		t.Errorf("module hub_account attaches to %s, want the task role", r)
	}
	if b := stringOf(t, attr(t, ctx, call, "archive_bucket_name")); b != "opsd-dlq-archive-*" {
		t.Errorf("module hub_account archive bucket %s, want the hub's", b)
	}
	for arg, want := range map[string]cty.Value{
		"patching_topic_arn":            vars["patching_topic_arn"],
		"delivery_logging_role_name":    vars["delivery_logging_role_name"],
		"delivery_logging_topic_prefix": vars["delivery_logging_topic_prefix"],
		"create_replay_role":            cty.True,
		"replay_role_name":              cty.StringVal("dlq-replay"),
	} {
		if got := attr(t, ctx, call, arg); !got.RawEquals(want) {
			t.Errorf("module hub_account %s = %#v, want the hub's %#v", arg, got, want)
		}
	}
	off := m.context(t, world{vars: withVars(hubRequired, nil), data: placeholderData, resources: hubResources("*", "*", "opsd-lease", "opsd-dlq-archive-*")})
	if n := attr(t, off, call, "count"); !n.RawEquals(cty.NumberIntVal(0)) {
		t.Errorf("module hub_account count %#v by default, want 0", n)
	}
	got := policyOf(t, off, m.resources["aws_iam_policy.hub"], "policy")
	if slices.Contains(got.Sids(), "DecryptSlackTokenParameter") {
		t.Error("the hub policy decrypts with a KMS key although slack_token_kms_key_arn is empty")
	}
	for _, sid := range []string{"ReadPagerDutyRoutingKeyParameter", "DecryptPagerDutyRoutingKeyParameter", "PublishToEventTopic"} {
		if slices.Contains(got.Sids(), sid) {
			t.Errorf("the hub policy has %s although paging is not configured", sid)
		}
	}
}

// TestHubResources checks what opsd relies on in the hub module, as
// deploy/cloudformation's test does for hub.yaml.
func TestHubResources(t *testing.T) {
	m := loadModule(t, "hub")
	ctx := m.context(t, world{vars: withVars(hubRequired, map[string]cty.Value{"organization_id": cty.StringVal("o-exampleorgid")}),
		data: concreteData, resources: hubResources("111111111111", "eu-west-2", "opsd-lease", "opsd-dlq-archive-111111111111-eu-west-2")})
	str := func(key, name string) string { return stringOf(t, attr(t, ctx, m.resources[key], name)) }
	nested := func(key, block, name string) cty.Value {
		for _, b := range m.resources[key].Body.Blocks {
			if b.Type == block {
				return attr(t, ctx, b, name)
			}
		}
		t.Fatalf("%s has no %s block", key, block)
		return cty.NilVal
	}

	if str("aws_dynamodb_table.lease", "hash_key") != "name" || str("aws_dynamodb_table.lease", "billing_mode") != "PAY_PER_REQUEST" ||
		nested("aws_dynamodb_table.lease", "attribute", "type").AsString() != "S" || nested("aws_dynamodb_table.lease", "attribute", "name").AsString() != "name" ||
		!nested("aws_dynamodb_table.lease", "point_in_time_recovery", "enabled").True() {
		t.Error("the lease table: want hash key name (S), PAY_PER_REQUEST, point-in-time recovery")
	}
	if str("aws_s3_bucket.archive", "bucket") != "opsd-dlq-archive-111111111111-eu-west-2" {
		t.Errorf("archive bucket %s, want opsd-dlq-archive-<account>-<region>", str("aws_s3_bucket.archive", "bucket"))
	}
	for _, k := range []string{"block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"} {
		if !attr(t, ctx, m.resources["aws_s3_bucket_public_access_block.archive"], k).True() {
			t.Errorf("archive bucket: %s is not true; opsd refuses a bucket without all four", k)
		}
	}
	var sse string
	for _, r := range m.resources["aws_s3_bucket_server_side_encryption_configuration.archive"].Body.Blocks {
		for _, d := range r.Body.Blocks {
			sse = stringOf(t, attr(t, ctx, d, "sse_algorithm"))
		}
	}
	if sse != "AES256" && sse != "aws:kms" {
		t.Errorf("archive bucket default encryption %q", sse)
	}
	bp := policyOf(t, ctx, m.resources["aws_s3_bucket_policy.archive"], "policy")
	var tlsOnly, replay bool
	for _, st := range bp.Statement {
		if st.Effect == "Deny" && strings.Join(st.Condition["Bool"]["aws:SecureTransport"], ",") == "false" &&
			slices.Contains(st.Resource, "arn:aws:s3:::opsd-dlq-archive-111111111111-eu-west-2") && slices.Contains(st.Resource, "arn:aws:s3:::opsd-dlq-archive-111111111111-eu-west-2/*") {
			tlsOnly = true
		}
		if st.Effect == "Allow" && strings.Join(st.Condition["StringEquals"]["aws:PrincipalOrgID"], ",") != "o-exampleorgid" {
			t.Errorf("archive bucket policy %s allows without aws:PrincipalOrgID", st.Sid)
		}
		principal := strings.Join(st.Condition["ArnLike"]["aws:PrincipalArn"], ",")
		switch {
		case principal == "arn:aws:iam::*:role/dlq-replay":
			replay = strings.Join(st.Action, ",") == "s3:ListBucket,s3:GetObject"
		case slices.Contains(st.Action, "s3:ListBucket"):
			t.Errorf("archive bucket policy %s lets %s list the archive, which only opsd dlq replay does", st.Sid, principal)
		}
	}
	if !replay {
		t.Error("archive bucket policy: no statement lets the organization's replay roles (role/dlq-replay) list and read archives")
	}
	if !tlsOnly {
		t.Error("archive bucket policy denies no request without TLS")
	}
	if n := attr(t, ctx, m.resources["aws_cloudwatch_log_group.opsd"], "retention_in_days"); !n.RawEquals(cty.NumberIntVal(180)) {
		t.Errorf("log retention %#v, want 180", n)
	}
	svc := m.resources["aws_ecs_service.opsd"]
	if !attr(t, ctx, svc, "desired_count").RawEquals(cty.NumberIntVal(2)) || stringOf(t, attr(t, ctx, svc, "launch_type")) != "FARGATE" {
		t.Error("the service: want 2 Fargate tasks")
	}
	td := m.resources["aws_ecs_task_definition.opsd"]
	if stringOf(t, attr(t, ctx, td, "network_mode")) != "awsvpc" || stringOf(t, attr(t, ctx, td, "task_role_arn")) != "arn:aws:iam::111111111111:role/opsd" {
		t.Error("the task definition: want awsvpc with the task role")
	}
	env := environment(t, m, ctx)
	for k, v := range map[string]string{"OPSD_HA__ENABLED": "true", "OPSD_HA__TABLE": "opsd-lease", "OPSD_HA__CREATE_TABLE": "false", "OPSD_AWS__ORGANIZATION__EXCLUDE": "111111111111",
		"OPSD_DLQ__ARCHIVE__BUCKET": "opsd-dlq-archive-111111111111-eu-west-2", "OPSD_DLQ__ARCHIVE__REGION": "eu-west-2", "OPSD_SHUTDOWN__ENABLED": "false"} {
		if env[k] != v {
			t.Errorf("container environment %s=%q, want %q", k, env[k], v)
		}
	}
}

// environment evaluates the hub's container definitions and returns the
// container's environment.
func environment(t *testing.T, m *module, ctx *hcl.EvalContext) map[string]string {
	t.Helper()
	v := attr(t, ctx, m.resources["aws_ecs_task_definition.opsd"], "container_definitions")
	var defs []struct {
		Name        string
		Command     []string
		Environment []struct{ Name, Value string }
	}
	if err := json.Unmarshal([]byte(stringOf(t, v)), &defs); err != nil || len(defs) != 1 {
		t.Fatalf("container_definitions: %v (%d containers)", err, len(defs))
	}
	if strings.Join(defs[0].Command, " ") != "run --config /etc/opsd/opsd.yaml" {
		t.Errorf("container command %v", defs[0].Command)
	}
	env := map[string]string{}
	for _, e := range defs[0].Environment {
		env[e.Name] = e.Value
	}
	return env
}

// TestHubEnvironmentIsConfig runs opsd check-config with the module's
// container environment, and checks it sets the same variables as
// hub.yaml's task definition.
func TestHubEnvironmentIsConfig(t *testing.T) {
	m := loadModule(t, "hub")
	bin := opsdbin.Build(t)
	cfnNames := templateEnvironmentNames(t)
	for name, more := range map[string]map[string]cty.Value{
		"defaults": {"organization_id": cty.StringVal("o-exampleorgid")},
		// The variables of hub.yaml's "no bucket" case; and no bucket made.
		"all on": {"organization_id": cty.StringVal("o-exampleorgid"), "manage_hub_account": cty.True, "regions": strList("eu-west-2", "eu-west-1"),
			"enable_shutdown": cty.True, "enable_patching": cty.True, "enable_backup": cty.True, "enable_monitor": cty.True, "enable_dlq": cty.True, "enable_audit": cty.True, "enable_certs": cty.True},
		"no bucket": {"create_archive_bucket": cty.False},
		"excluded":  {"organization_id": cty.StringVal("o-exampleorgid"), "excluded_account_ids": strList("222222222222", "333333333333")},
		"sns": {"organization_id": cty.StringVal("o-exampleorgid"), "patching_topic_arn": cty.StringVal("arn:aws:sns:eu-west-2:111111111111:opsd-patching"),
			"delivery_logging_role_name": cty.StringVal("sns-delivery-status"), "delivery_logging_topic_prefix": cty.StringVal("orders-")},
	} {
		t.Run(name, func(t *testing.T) {
			bucket := "opsd-dlq-archive-111111111111-eu-west-2"
			if name == "no bucket" {
				bucket = ""
			}
			ctx := m.context(t, world{vars: withVars(hubRequired, more), data: concreteData, resources: hubResources("111111111111", "eu-west-2", "opsd-lease", bucket)})
			env := environment(t, m, ctx)
			if name == "no bucket" && (env["OPSD_DLQ__ARCHIVE__BUCKET"] != "" || env["OPSD_DLQ__ARCHIVE__REGION"] != "") {
				t.Errorf("without a bucket the container archives to %q in %q", env["OPSD_DLQ__ARCHIVE__BUCKET"], env["OPSD_DLQ__ARCHIVE__REGION"])
			}
			want := map[string]string{"all on": "", "excluded": "111111111111,222222222222,333333333333"}[name]
			if name == "defaults" || name == "no bucket" || name == "sns" {
				want = "111111111111"
			}
			if name == "sns" && (env["OPSD_PATCHING__SNS_TOPIC_ARN"] != "arn:aws:sns:eu-west-2:111111111111:opsd-patching" ||
				env["OPSD_MONITOR__DELIVERY_LOGGING__ROLE_ARN"] != "arn:aws:iam::{account}:role/sns-delivery-status") {
				t.Errorf("the container publishes patch alerts to %q and logs deliveries with %q, want the module's topic and role in each account",
					env["OPSD_PATCHING__SNS_TOPIC_ARN"], env["OPSD_MONITOR__DELIVERY_LOGGING__ROLE_ARN"])
			}
			if got := env["OPSD_AWS__ORGANIZATION__EXCLUDE"]; got != want {
				t.Errorf("OPSD_AWS__ORGANIZATION__EXCLUDE=%q, want %q (the same as hub.yaml's)", got, want)
			}
			if got := sortedKeys(env); !slices.Equal(got, cfnNames) {
				t.Errorf("the module's container sets %v, hub.yaml's %v", got, cfnNames)
			}
			cmd := exec.Command(bin, "check-config", "--config", "../image/opsd.yaml")
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("opsd check-config with the module's environment: %v\n%s", err, out)
			}
		})
	}
}

// TestSameAsTemplates checks each module's variables and outputs are the
// templates' parameters and outputs (CamelCase → snake_case), beside a few
// that only Terraform has.
func TestSameAsTemplates(t *testing.T) {
	// The stack's name names hub.yaml's cluster, service, family and log
	// group; the hub module has name and log_group_name for them.
	for dir, extra := range map[string][]string{"hub": {"tags", "name", "log_group_name"}, "member-role": {"tags", "existing_role_name"}} {
		m := loadModule(t, dir)
		params, outputs := templateSections(t, "../cloudformation/"+dir+".yaml")
		var want []string
		for _, p := range params {
			want = append(want, camelToSnake(p))
		}
		want = append(want, extra...)
		slices.Sort(want)
		if got := sortedKeys(m.variables); !slices.Equal(got, want) {
			t.Errorf("%s variables %v, want %v (%s.yaml's parameters)", dir, got, want, dir)
		}
		want = nil
		for _, o := range outputs {
			want = append(want, camelToSnake(o))
		}
		slices.Sort(want)
		if got := sortedKeys(m.outputs); !slices.Equal(got, want) {
			t.Errorf("%s outputs %v, want %v (%s.yaml's outputs)", dir, got, want, dir)
		}
	}
}

// templateSections returns a template's parameter and output names.
func templateSections(t *testing.T, file string) (params, outputs []string) {
	t.Helper()
	doc := yamlDoc(t, file)
	return mappingKeys(mappingValue(doc, "Parameters")), mappingKeys(mappingValue(doc, "Outputs"))
}

// templateEnvironmentNames returns the names of hub.yaml's container
// environment, sorted.
func templateEnvironmentNames(t *testing.T) []string {
	t.Helper()
	n := mappingValue(mappingValue(mappingValue(mappingValue(yamlDoc(t, "../cloudformation/hub.yaml"), "Resources"), "TaskDefinition"), "Properties"), "ContainerDefinitions")
	if n == nil || len(n.Content) != 1 {
		t.Fatal("hub.yaml: no single container definition")
	}
	var names []string
	for _, e := range mappingValue(n.Content[0], "Environment").Content {
		if v := mappingValue(e, "Name"); v != nil {
			names = append(names, v.Value)
		}
	}
	slices.Sort(names)
	return names
}

func yamlDoc(t *testing.T, file string) *yaml.Node {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil || len(n.Content) != 1 {
		t.Fatalf("%s: %v", file, err)
	}
	return n.Content[0]
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func mappingKeys(n *yaml.Node) []string {
	var out []string
	if n != nil {
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, n.Content[i].Value)
		}
	}
	return out
}
