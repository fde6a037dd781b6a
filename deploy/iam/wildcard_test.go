package iam_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/deploy/iam/policydoc"
)

// readVerbs start the operations that only read. Every other action can
// change something (or, as kms:Decrypt and sqs:ReceiveMessage, use a key
// or take a message): its statements must name their resources.
var readVerbs = []string{"Describe", "Get", "List", "BatchGet", "Head", "Lookup", "Search", "Select"}

// readAction reports whether an action only reads.
func readAction(action string) bool {
	if action == "apigateway:GET" {
		return true
	}
	_, op, _ := strings.Cut(action, ":")
	for _, v := range readVerbs {
		if strings.HasPrefix(op, v) {
			return true
		}
	}
	return false
}

// wildcardAllowed are the statements that allow an action that changes
// something on every resource ("*", or an ARN naming every resource of its
// type) without a condition on the resource, and why they must. Any other
// such statement fails TestMutatingActionsNameResources; so does a
// statement here that no longer needs to be.
var wildcardAllowed = map[string]string{
	"opsd-policy.json DecryptSlackTokenParameter":                      "the parameter's KMS key is the operator's and not known to the file; only through SSM (kms:ViaService) and only for the parameter (kms:EncryptionContext:PARAMETER_ARN); the templates name the key",
	"opsd-policy.json DecryptEventsQueue":                              "the events queue's key is the operator's and not known to the file; only through SQS (kms:ViaService) and only for the opsd-events queue (kms:EncryptionContext:aws:sqs:arn)",
	"opsd-policy.json DecryptPagerDutyRoutingKeyParameter":             "as DecryptSlackTokenParameter, for the routing key parameter",
	"member-shutdown-patching-policy.json MarkerTags":                  "opsd clears its markers from resources whose shutdown tag is gone, so no tag on the resource can be required; aws:TagKeys limits the request to opsd:shutdown:* and opsd:patching:* keys",
	"member-shutdown-patching-policy.json ECSScalableTargets":          "scalable target ARNs carry an id Application Auto Scaling assigns, and its conditions see the target's tags, not the ECS service's; RegisterScalableTarget only moves the bounds of targets that exist",
	"member-shutdown-patching-policy.json StartEncryptedVolumes":       "the EBS volumes' keys are the teams' and unknown in advance; only grants for AWS resources (kms:GrantIsForAWSResource) through EC2 (kms:ViaService)",
	"member-backup-monitor-dlq-policy.json BackupVaultStorage":         "backup-storage:MountCapsule has no resource types",
	"member-backup-monitor-dlq-policy.json BackupVaultKeys":            "a vault's key is chosen per backup policy; only through AWS Backup (kms:ViaService)",
	"member-shutdown-patching-policy.json ShutdownQuietAlarms":         "the alarms on what shutdown stops are anyone's (monitor's and the teams' own) and named freely; only their actions are switched, off before the stop and back on in the morning, with what was switched off kept in the state store",
	"member-backup-monitor-dlq-policy.json BackupRestoreValidation":    "PutRestoreValidationResult names a restore job, which is no IAM resource type; opsd reports only on the jobs of its own restore testing plans",
	"member-backup-monitor-dlq-policy.json MonitorLogRetention":        "every log group is in scope by design (the seed's 6 to 8 months); a group tagged opsd:log-retention=exempt is left out",
	"member-backup-monitor-dlq-policy.json DeadLetterArchiveWriteKeys": "the archive's SSE-KMS key (dlq.archive.kms_key_id) is the operator's; only through S3 (kms:ViaService)",
	"member-backup-monitor-dlq-policy.json DeadLetterReadKeys":         "encrypted dead-letter queues use the teams' keys, the archive the operator's; only through SQS and S3 (kms:ViaService)",
	"replay-policy.json ReplaySendMessages":                            "opsd dlq replay --to names any queue of the account, normally the original source queue; only whoever assumes the replay role can send",
	"replay-policy.json ReplayQueueKeys":                               "the destination queue's key is the team's and unknown in advance; only through SQS (kms:ViaService)",
	"replay-policy.json ReplayArchiveKeys":                             "the archive's SSE-KMS key is the operator's; only through S3 (kms:ViaService)",
}

// resourceKeyPrefixes start the condition keys that narrow a statement to
// some of the resources its Resource names.
var resourceKeyPrefixes = []string{"aws:ResourceTag/", "aws:RequestTag/", "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:ResourceAccount"}

// narrowsResources reports whether a condition limits the resources a
// statement applies to: a positive test (not StringNot…, ArnNot…, or Null
// true) of a resource's tag, a request's tags, or the resource's account
// or organization.
func narrowsResources(c policydoc.Condition) bool {
	for op, keys := range c {
		if strings.Contains(op, "Not") {
			continue
		}
		for k, vs := range keys {
			for _, p := range resourceKeyPrefixes {
				if !strings.HasPrefix(k, p) {
					continue
				}
				if op == "Null" && strings.Join(vs, ",") != "false" {
					continue
				}
				return true
			}
		}
	}
	return false
}

// typeKeywords are literal parts of ARN patterns that name a kind, not a
// resource.
var typeKeywords = map[string]bool{"autoScalingGroupName": true}

// everyResource reports whether a Resource names every resource of its
// type: "*", or an ARN whose resource part is only wildcards after its
// type (arn:aws:sqs:*:*:*, arn:aws:iam::*:role/*, …:instance/*).
func everyResource(r string) bool {
	if r == "*" {
		return true
	}
	parts := strings.SplitN(r, ":", 6)
	if len(parts) != 6 {
		return false
	}
	segs := strings.FieldsFunc(parts[5], func(c rune) bool { return c == '/' || c == ':' })
	switch parts[2] {
	case "s3", "sqs", "sns": // no type in the resource part
	default:
		if len(segs) < 2 {
			return false
		}
		segs = segs[1:]
	}
	for _, s := range segs {
		if s != "*" && !typeKeywords[s] {
			return false
		}
	}
	return true
}

// TestMutatingActionsNameResources fails on a statement that allows an
// action other than a read on "*" or on every resource of a type, with no
// condition on the resource, unless wildcardAllowed says why it must.
func TestMutatingActionsNameResources(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range policydoc.Files {
		for _, st := range readPolicy(t, f.Name).Statement {
			key := f.Name + " " + st.Sid
			var writes []string
			for _, a := range st.Action {
				if !readAction(a) {
					writes = append(writes, a)
				}
			}
			var every []string
			for _, r := range st.Resource {
				if r == "*" || (everyResource(r) && !narrowsResources(st.Condition)) {
					every = append(every, r)
				}
			}
			if len(writes) == 0 || len(every) == 0 {
				continue
			}
			if _, ok := wildcardAllowed[key]; ok {
				seen[key] = true
				continue
			}
			t.Errorf("%s: %s on %s: name the resources (or narrow them with a condition on the resource's tags, account or organization); if the action has no resource-level permission, add the statement to wildcardAllowed with the reason",
				key, strings.Join(writes, ", "), strings.Join(every, ", "))
		}
	}
	var stale []string
	for key := range wildcardAllowed {
		if !seen[key] {
			stale = append(stale, key)
		}
	}
	sort.Strings(stale)
	for _, key := range stale {
		t.Errorf("wildcardAllowed lists %s, which no longer allows a change on every resource: remove it", key)
	}
}

// TestEveryResource pins what counts as naming every resource.
func TestEveryResource(t *testing.T) {
	for r, want := range map[string]bool{
		"*":                            true,
		"arn:aws:sqs:*:*:*":            true,
		"arn:aws:sns:*:*:*":            true,
		"arn:aws:iam::*:role/*":        true,
		"arn:aws:ec2:*:*:instance/*":   true,
		"arn:aws:ecs:*:*:service/*/*":  true,
		"arn:aws:logs:*:*:log-group:*": true,
		"arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/*": true,
		"arn:aws:sqs:*:*:*dlq*":                          false,
		"arn:aws:sns:*:*:opsd-*":                         false,
		"arn:aws:iam::*:role/opsd-*":                     false,
		"arn:aws:s3:::opsd-dlq-archive-*/*":              false,
		"arn:aws:logs:*:*:log-group:/aws/rds/instance/*": false,
		"arn:aws:ssm:*::document/AWS-RunPatchBaseline":   false,
	} {
		if got := everyResource(r); got != want {
			t.Errorf("everyResource(%s) = %v, want %v", r, got, want)
		}
	}
}

// TestAssumeRoleStaysInOrganization checks that opsd's own role may assume
// roles only in its own organization: every statement allowing
// sts:AssumeRole tests aws:ResourceOrgID.
func TestAssumeRoleStaysInOrganization(t *testing.T) {
	var found bool
	for _, f := range policydoc.Files {
		for _, st := range readPolicy(t, f.Name).Statement {
			for _, a := range st.Action {
				if a != "sts:AssumeRole" {
					continue
				}
				found = true
				if got := strings.Join(st.Condition["StringEquals"]["aws:ResourceOrgID"], ","); got != "${aws:PrincipalOrgID}" {
					t.Errorf("%s %s: sts:AssumeRole on %s without StringEquals aws:ResourceOrgID ${aws:PrincipalOrgID} (got %q): a role named like a member role in an account outside the organization could be assumed",
						f.Name, st.Sid, strings.Join(st.Resource, ", "), got)
				}
			}
		}
	}
	if !found {
		t.Error("no policy allows sts:AssumeRole")
	}
}

// apiGatewayPaths maps the API Gateway operations opsd may call to the
// path of the resource their apigateway:GET is authorized on (the Service
// Authorization Reference's resource types: RestApis, Resources, Stages,
// Apis). A call missing here fails TestAPIGatewayReadPaths, naming it.
var apiGatewayPaths = map[string]string{
	"apigateway.GetRestApis":  "/restapis",
	"apigateway.GetResources": "/restapis/*/resources",
	"apigateway.GetStages":    "/restapis/*/stages",
	"apigatewayv2.GetApis":    "/apis",
	"apigatewayv2.GetStages":  "/apis/*/stages",
}

// TestAPIGatewayReadPaths checks apigateway:GET is allowed on exactly the
// paths of the API Gateway calls the code makes, in a statement of its
// own: on "*" it would read every API key's value (/apikeys) as well.
func TestAPIGatewayReadPaths(t *testing.T) {
	want := map[string]bool{}
	for _, c := range codeCalls(t) {
		if c.pkg != "apigateway" && c.pkg != "apigatewayv2" {
			continue
		}
		p, ok := apiGatewayPaths[c.pkg+"."+c.op]
		if !ok {
			t.Errorf("%s.%s (%s): add the path its apigateway:%s is authorized on to apiGatewayPaths", c.pkg, c.op, c.at, strings.TrimPrefix(mustActions(t, c.pkg, c.op), "apigateway:"))
			continue
		}
		want["arn:aws:apigateway:*::"+p] = true
	}
	got := map[string]bool{}
	for _, f := range policydoc.Files {
		for _, st := range readPolicy(t, f.Name).Statement {
			var gw bool
			for _, a := range st.Action {
				if strings.HasPrefix(a, "apigateway:") {
					gw = true
				}
			}
			if !gw {
				continue
			}
			var others []string
			for _, a := range st.Action {
				if !strings.HasPrefix(a, "apigateway:") {
					others = append(others, a)
				}
			}
			if len(others) > 0 {
				t.Errorf("%s %s: API Gateway's actions share a statement with %d others (%s, …); its resources are API Gateway paths, so give API Gateway a statement of its own", f.Name, st.Sid, len(others), others[0])
			}
			for _, r := range st.Resource {
				got[r] = true
			}
		}
	}
	if g, w := strings.Join(sortedKeys(got), " "), strings.Join(sortedKeys(want), " "); g != w {
		t.Errorf("apigateway:GET is allowed on\n  %s\nwant exactly the paths the code reads\n  %s", g, w)
	}
}

func mustActions(t *testing.T, pkg, op string) string {
	t.Helper()
	a, err := iamActions(pkg, op)
	if err != nil || len(a) == 0 {
		return fmt.Sprintf("%v", err)
	}
	return a[0]
}
