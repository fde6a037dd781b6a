package cloudformation_test

import (
	"encoding/json"
	"path/filepath"
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
// exactly the file's statements, but for those in omit.
type copies struct {
	file     string
	policies []string
	omit     []string
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
		// The parameters as the placeholders of opsd-policy.json and the
		// member policies: a member role named opsd-*, a token parameter
		// under /opsd/, an archive bucket named opsd-dlq-archive-*, and
		// every optional policy created.
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
		},
		refs: map[string]any{
			"TaskRole":       "TaskRole",
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
		},
	},
	"member-role.yaml": {
		role:   "MemberRole",
		params: map[string]any{"ArchiveBucketName": "opsd-dlq-archive-*"},
		refs:   map[string]any{"MemberRole": "MemberRole"},
		copies: []copies{
			{file: "member-read-policy.json", policies: []string{"ReadPolicy"}},
			{file: "member-shutdown-patching-policy.json", policies: []string{"ShutdownPatchingPolicy"}},
			{file: "member-backup-monitor-dlq-policy.json", policies: []string{"BackupMonitorDLQPolicy", "ArchivePolicy"}},
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
					if roles := props["Roles"]; jsonString(roles) != jsonString([]any{tc.role}) {
						t.Errorf("%s: %s attaches to %s, want [%s]", name, p, jsonString(roles), tc.role)
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
			for _, p := range tp.resourcesOfType("AWS::IAM::ManagedPolicy") {
				if !listed[p] {
					t.Errorf("%s: managed policy %s is checked against no file of deploy/iam; add it to templatePolicies", name, p)
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
