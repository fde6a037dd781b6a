package cloudformation_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/deploy/iam/policydoc"
)

// iamDir is deploy/iam, seen from this package.
const iamDir = "../iam"

// policyPseudo renders the templates' ARNs as the JSON files write them:
// any region and account, the aws partition.
var policyPseudo = map[string]any{
	"AWS::Partition": "aws",
	"AWS::Region":    "*",
	"AWS::AccountId": "*",
	"AWS::URLSuffix": "amazonaws.com",
	"AWS::StackName": "opsd",
}

// copies says which of a template's managed policies copy which policy file
// of deploy/iam: together, in the scope that creates them all, they hold
// exactly the file's statements, but for those in omit. They attach
// themselves to role, or to the template's role when role is empty.
type copies struct {
	file     string
	policies []string
	omit     []string
	role     string
}

// templatePolicies are the templates' managed policies, by template. Every
// AWS::IAM::ManagedPolicy of a template must be listed.
var templatePolicies = map[string]struct {
	role   string // the role every policy attaches itself to
	params map[string]any
	refs   map[string]any
	copies []copies
}{
	"hub.yaml": {
		role: "TaskRole",
		// The parameters as the placeholders of opsd-policy.json, the
		// member and replay policies: a member role named opsd-*, a token
		// parameter under /opsd/, an archive bucket named
		// opsd-dlq-archive-*, a patching topic named opsd-*, the delivery
		// logging role and topics, and every optional policy created.
		params: map[string]any{
			"MemberRoleName":                   "opsd-*",
			"SlackTokenParameterName":          "/opsd/*",
			"SlackTokenKmsKeyArn":              "*",
			"PagerdutyRoutingKeyParameterName": "/opsd/pagerduty/*",
			"PagerdutyRoutingKeyKmsKeyArn":     "*",
			"EventTopicName":                   "opsd-*",
			"ManageHubAccount":                 "true",
			"CreateArchiveBucket":              "true",
			"ArchiveBucketName":                "opsd-dlq-archive-*",
			"OrganizationId":                   "o-exampleorgid",
			"PatchingTopicArn":                 "arn:aws:sns:*:*:opsd-*",
			"DeliveryLoggingRoleName":          "sns-delivery-status",
			"DeliveryLoggingTopicPrefix":       "REPLACE-WITH-TOPIC-PREFIX",
			"CreateReplayRole":                 "true",
		},
		refs: map[string]any{
			"TaskRole":       "TaskRole",
			"HubReplayRole":  "HubReplayRole",
			"LeaseTable.Arn": "arn:aws:dynamodb:*:*:table/opsd-lease",
			"ArchiveBucket":  "opsd-dlq-archive-*",
		},
		copies: []copies{
			// The stack creates the table: opsd runs with ha.create_table
			// false and needs no dynamodb:CreateTable.
			{file: "opsd-policy.json", policies: []string{"HubPolicy", "HubSlackTokenKeyPolicy", "HubPagerDutyPolicy", "HubPagerDutyKeyPolicy", "HubEventTopicPolicy"}, omit: []string{"LeaderLeaseCreateTable"}},
			{file: "member-read-policy.json", policies: []string{"HubReadPolicy"}},
			{file: "member-shutdown-patching-policy.json", policies: []string{"HubShutdownPatchingPolicy"}},
			{file: "member-backup-monitor-dlq-policy.json", policies: []string{"HubBackupMonitorDLQPolicy", "HubArchivePolicy"}},
			{file: "member-sns-policy.json", policies: []string{"HubSNSPolicy"}},
			{file: "replay-policy.json", policies: []string{"HubReplayPolicy"}, role: "HubReplayRole"},
		},
	},
	"member-role.yaml": {
		role: "MemberRole",
		params: map[string]any{
			"ArchiveBucketName":          "opsd-dlq-archive-*",
			"PatchingTopicArn":           "arn:aws:sns:*:*:opsd-*",
			"DeliveryLoggingRoleName":    "sns-delivery-status",
			"DeliveryLoggingTopicPrefix": "REPLACE-WITH-TOPIC-PREFIX",
			"CreateReplayRole":           "true",
		},
		refs: map[string]any{"MemberRole": "MemberRole", "ReplayRole": "ReplayRole"},
		copies: []copies{
			{file: "member-read-policy.json", policies: []string{"ReadPolicy"}},
			{file: "member-shutdown-patching-policy.json", policies: []string{"ShutdownPatchingPolicy"}},
			{file: "member-backup-monitor-dlq-policy.json", policies: []string{"BackupMonitorDLQPolicy", "ArchivePolicy"}},
			{file: "member-sns-policy.json", policies: []string{"SNSPolicy"}},
			{file: "replay-policy.json", policies: []string{"ReplayPolicy"}, role: "ReplayRole"},
		},
	},
}

// TestPoliciesEqualFiles checks each template's policies against deploy/iam:
// statement by statement (by Sid), the same Effect, Actions, Resources and
// Conditions once the template's references are rendered as the files'
// placeholders. Editing a statement in one place and not the other fails.
func TestPoliciesEqualFiles(t *testing.T) {
	for name, tc := range templatePolicies {
		t.Run(name, func(t *testing.T) {
			tp := readTemplate(t, name)
			s := newScope(t, tp, tc.params, policyPseudo, tc.refs)
			listed := map[string]bool{}
			for _, c := range tc.copies {
				var got policydoc.Document
				got.Version = "2012-10-17"
				for _, p := range c.policies {
					listed[p] = true
					if !s.created(t, p) {
						t.Fatalf("%s: %s is not created when every option is on", name, p)
					}
					props := s.properties(t, p)
					role := tc.role
					if c.role != "" {
						role = c.role
					}
					if roles := props["Roles"]; jsonString(roles) != jsonString([]any{role}) {
						t.Errorf("%s: %s attaches to %s, want [%s]", name, p, jsonString(roles), role)
					}
					doc := policyDocument(t, name+" "+p, props["PolicyDocument"])
					if doc.Version != "2012-10-17" {
						t.Errorf("%s: %s: Version %q", name, p, doc.Version)
					}
					got.Statement = append(got.Statement, doc.Statement...)
				}
				want, err := policydoc.Read(filepath.Join(iamDir, c.file))
				if err != nil {
					t.Fatal(err)
				}
				if diff := policydoc.Diff(want, got, c.omit...); len(diff) > 0 {
					t.Errorf("%s: the copy of deploy/iam/%s (%s) differs from the file; change both the same way:\n  %s", name, c.file, strings.Join(c.policies, " + "), strings.Join(diff, "\n  "))
				}
			}
			perRole := map[string]int{}
			for _, p := range tp.resourcesOfType("AWS::IAM::ManagedPolicy") {
				if !listed[p] {
					t.Errorf("%s: managed policy %s is checked against no file of deploy/iam; add it to templatePolicies", name, p)
				}
				if s.created(t, p) {
					for _, r := range s.properties(t, p)["Roles"].([]any) {
						perRole[fmt.Sprint(r)]++
					}
				}
			}
			for r, n := range perRole {
				if n > 10 {
					t.Errorf("%s: %d managed policies attach to %s with every option on; IAM's default quota is 10 a role", name, n, r)
				}
			}
			for _, r := range tp.resourcesOfType("AWS::IAM::Role") {
				props, _ := tp.resource(t, r)["Properties"].(map[string]any)
				if _, inline := props["Policies"]; inline {
					t.Errorf("%s: role %s has inline policies, which no test checks; use a managed policy copying deploy/iam", name, r)
				}
			}
			for _, typ := range []string{"AWS::IAM::Policy", "AWS::IAM::RolePolicy"} {
				if rs := tp.resourcesOfType(typ); len(rs) > 0 {
					t.Errorf("%s: %s %v are checked against no file of deploy/iam", name, typ, rs)
				}
			}
		})
	}
}

// TestOptionalPolicies checks the conditions that leave policies out: with
// the defaults the hub's role gets opsd-policy.json's statements only (no
// customer managed key, opsd not acting in its own account), and a member
// role without an archive bucket gets no S3 statements.
func TestOptionalPolicies(t *testing.T) {
	hub := readTemplate(t, "hub.yaml")
	s := newScope(t, hub, map[string]any{"OrganizationId": "o-exampleorgid"}, policyPseudo, templatePolicies["hub.yaml"].refs)
	var made []string
	for _, p := range hub.resourcesOfType("AWS::IAM::ManagedPolicy") {
		if s.created(t, p) {
			made = append(made, p)
		}
	}
	if strings.Join(made, ",") != "HubPolicy" {
		t.Errorf("hub.yaml with its defaults makes the policies %v, want [HubPolicy]", made)
	}
	s = newScope(t, hub, map[string]any{"ManageHubAccount": "true", "CreateArchiveBucket": "false"}, policyPseudo, templatePolicies["hub.yaml"].refs)
	if s.created(t, "HubArchivePolicy") || s.created(t, "ArchiveBucket") {
		t.Error("hub.yaml without an archive bucket still makes HubArchivePolicy or ArchiveBucket")
	}

	member := readTemplate(t, "member-role.yaml")
	s = newScope(t, member, nil, policyPseudo, templatePolicies["member-role.yaml"].refs)
	if s.created(t, "ArchivePolicy") {
		t.Error("member-role.yaml without ArchiveBucketName makes ArchivePolicy")
	}
	for _, r := range []string{"SNSPolicy", "ReplayRole", "ReplayPolicy"} {
		if s.created(t, r) {
			t.Errorf("member-role.yaml with its defaults makes %s", r)
		}
	}
	s = newScope(t, member, map[string]any{"CreateReplayRole": "true"}, policyPseudo, templatePolicies["member-role.yaml"].refs)
	if s.created(t, "ReplayRole") {
		t.Error("member-role.yaml makes the replay role without an archive bucket to read")
	}

	// member-sns-policy.json's statements each with its own parameter.
	for _, tc := range []struct {
		template, policy string
		params           map[string]any
		want             string
	}{
		{"member-role.yaml", "SNSPolicy", map[string]any{"PatchingTopicArn": "arn:aws:sns:eu-west-2:111111111111:opsd-patching"}, "PatchingAlertTopic"},
		{"member-role.yaml", "SNSPolicy", map[string]any{"DeliveryLoggingRoleName": "sns-delivery-status", "DeliveryLoggingTopicPrefix": "orders-"}, "MonitorSNSDeliveryLogging,MonitorPassDeliveryLoggingRole"},
		{"hub.yaml", "HubSNSPolicy", map[string]any{"OrganizationId": "o-exampleorgid", "ManageHubAccount": "true", "PatchingTopicArn": "arn:aws:sns:eu-west-2:111111111111:opsd-patching"}, "PatchingAlertTopic"},
		{"hub.yaml", "HubSNSPolicy", map[string]any{"OrganizationId": "o-exampleorgid", "ManageHubAccount": "true", "DeliveryLoggingRoleName": "sns-delivery-status", "DeliveryLoggingTopicPrefix": "orders-"}, "MonitorSNSDeliveryLogging,MonitorPassDeliveryLoggingRole"},
	} {
		tp := readTemplate(t, tc.template)
		s := newScope(t, tp, tc.params, policyPseudo, templatePolicies[tc.template].refs)
		if !s.created(t, tc.policy) {
			t.Errorf("%s with %v makes no %s", tc.template, tc.params, tc.policy)
			continue
		}
		doc := policyDocument(t, tc.template+" "+tc.policy, s.properties(t, tc.policy)["PolicyDocument"])
		if got := strings.Join(doc.Sids(), ","); got != tc.want {
			t.Errorf("%s %s with %v has the statements %s, want %s", tc.template, tc.policy, tc.params, got, tc.want)
		}
	}
	s = newScope(t, hub, map[string]any{"OrganizationId": "o-exampleorgid", "CreateReplayRole": "true"}, policyPseudo, templatePolicies["hub.yaml"].refs)
	if s.created(t, "HubReplayRole") || s.created(t, "HubSNSPolicy") {
		t.Error("hub.yaml without ManageHubAccount makes HubReplayRole or HubSNSPolicy")
	}
}

// TestReplayRole checks the role opsd dlq replay runs with in both
// templates: only principals of its own account may assume it, opsd's own
// role (allowed roles named opsd-*) may not by its default name, and the
// hub's archive bucket lets replay roles list and read, and no longer
// member roles list.
func TestReplayRole(t *testing.T) {
	want, err := policydoc.Read(filepath.Join(iamDir, "opsd-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var assumable []string
	for _, st := range want.Statement {
		if slices.Contains(st.Action, "sts:AssumeRole") {
			assumable = append(assumable, st.Resource...)
		}
	}
	for name, role := range map[string]string{"member-role.yaml": "ReplayRole", "hub.yaml": "HubReplayRole"} {
		tp := readTemplate(t, name)
		params := map[string]any{"CreateReplayRole": "true", "ArchiveBucketName": "opsd-dlq-archive-111111111111-eu-west-2"}
		if name == "hub.yaml" {
			params = map[string]any{"CreateReplayRole": "true", "ManageHubAccount": "true", "OrganizationId": "o-exampleorgid"}
		}
		s := newScope(t, tp, params, concrete, templatePolicies[name].refs)
		if !s.created(t, role) {
			t.Errorf("%s with %v makes no %s", name, params, role)
			continue
		}
		props := s.properties(t, role)
		trust := policyDocument(t, name+" "+role+" trust", props["AssumeRolePolicyDocument"])
		if len(trust.Statement) != 1 || jsonString(trust.Statement[0].Principal) != `{"AWS":"arn:aws:iam::111111111111:root"}` ||
			strings.Join(trust.Statement[0].Action, ",") != "sts:AssumeRole" || len(trust.Statement[0].Condition) > 0 {
			t.Errorf("%s: %s is trusted by %s, want this account's principals only (arn:aws:iam::111111111111:root)", name, role, jsonString(props["AssumeRolePolicyDocument"]))
		}
		arn := "arn:aws:iam::222222222222:role/" + fmt.Sprint(props["RoleName"])
		for _, p := range assumable {
			if iamMatch(p, arn) {
				t.Errorf("%s: the replay role %s matches %s, which opsd's own role may assume (opsd-policy.json)", name, arn, p)
			}
		}
	}

	s := newScope(t, readTemplate(t, "hub.yaml"), map[string]any{"OrganizationId": "o-exampleorgid"}, concrete, hubRefs)
	var replay bool
	for _, st := range path(s.properties(t, "ArchiveBucketPolicy"), "PolicyDocument", "Statement").([]any) {
		actions := jsonString(path(st, "Action"))
		principal := fmt.Sprint(path(st, "Condition", "ArnLike", "aws:PrincipalArn"))
		switch {
		case principal == "arn:aws:iam::*:role/dlq-replay":
			replay = actions == `["s3:ListBucket","s3:GetObject"]` && path(st, "Condition", "StringEquals", "aws:PrincipalOrgID") == "o-exampleorgid"
		case strings.Contains(actions, "s3:ListBucket"):
			t.Errorf("archive bucket policy %v lets %s list the archive, which only opsd dlq replay does", path(st, "Sid"), principal)
		}
	}
	if !replay {
		t.Error("archive bucket policy: no statement lets the organization's replay roles (role/dlq-replay) list and read archives")
	}
}

// iamMatch reports whether an IAM resource pattern (* and ? wildcards)
// matches s.
func iamMatch(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	return regexp.MustCompile(re).MatchString(s)
}

// TestMemberRoleTrust checks the member role's trust policy equal to
// deploy/iam/member-role-trust.json, with the file's placeholders for the
// hub account, opsd's role and the external id.
func TestMemberRoleTrust(t *testing.T) {
	tp := readTemplate(t, "member-role.yaml")
	s := newScope(t, tp, map[string]any{
		"HubAccountId": "111111111111",
		"HubRoleName":  "opsd",
		"ExternalId":   "REPLACE-WITH-THE-EXTERNAL-ID-IN-OPSD-CONFIG",
	}, policyPseudo, nil)
	got := policyDocument(t, "MemberRole trust", s.properties(t, "MemberRole")["AssumeRolePolicyDocument"])
	want, err := policydoc.Read(filepath.Join(iamDir, policydoc.TrustFile))
	if err != nil {
		t.Fatal(err)
	}
	if diff := policydoc.Diff(want, got); len(diff) > 0 {
		t.Errorf("member-role.yaml's trust policy differs from deploy/iam/%s:\n  %s", policydoc.TrustFile, strings.Join(diff, "\n  "))
	}
	p := path(tp.section("Parameters"), "RoleName", "AllowedPattern")
	if p != "^opsd-[A-Za-z0-9+=,.@_-]{1,59}$" {
		t.Errorf("member-role.yaml RoleName AllowedPattern %v: the role must be named opsd-..., the roles opsd-policy.json lets opsd assume", p)
	}
}

// policyDocument turns an evaluated PolicyDocument into a policydoc
// Document, strictly.
func policyDocument(t *testing.T, what string, v any) policydoc.Document {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	doc, err := policydoc.Parse(b)
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, b)
	}
	return doc
}
