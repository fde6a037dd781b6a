package backup

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// testDesired is policy Prod's desired state in 123456789012/eu-west-2
// under the default configuration, changed by edit.
func testDesired(t *testing.T, edit func(*Policy)) Desired {
	t.Helper()
	c := DefaultConfig()
	p := c.Policies["Prod"]
	if edit != nil {
		edit(&p)
	}
	ps, err := compilePolicy(c, "Prod", p)
	if err != nil {
		t.Fatal(err)
	}
	return ps.desired("123456789012", "eu-west-2")
}

// inLine is the observed state that matches d exactly: a governance (or,
// when d asks, compliance) lock, the plan with its rule, the selection.
func inLine(t *testing.T, d Desired) Observed {
	t.Helper()
	v := &Vault{Name: d.Vault.Name, ARN: "arn:aws:backup:eu-west-2:123456789012:backup-vault:" + d.Vault.Name,
		Locked: true, MinRetentionDays: aws.Int64(d.Lock.MinRetentionDays)}
	if d.Lock.Compliance {
		v.LockDate = aws.Time(testNow.Add(-24 * time.Hour))
	}
	sel, err := selectionInput(d.Selection)
	if err != nil {
		t.Fatal(err)
	}
	return Observed{
		Vault: v,
		Plan: &Plan{ID: "plan-1", ARN: "arn:aws:backup:eu-west-2:123456789012:backup-plan:plan-1", Name: d.Plan.Name,
			Rules: []types.BackupRule{observedRule(d.Plan.Rule)}},
		Selections: []Selection{{ID: "sel-1", Name: d.Selection.Name, Spec: *sel}},
	}
}

// observedRule is a rule as AWS returns it after opsd wrote r.
func observedRule(r RuleSpec) types.BackupRule {
	in := ruleInput(r)
	return types.BackupRule{
		RuleName: in.RuleName, RuleId: aws.String("rule-1"), TargetBackupVaultName: in.TargetBackupVaultName,
		ScheduleExpression: in.ScheduleExpression, ScheduleExpressionTimezone: in.ScheduleExpressionTimezone,
		StartWindowMinutes: in.StartWindowMinutes, CompletionWindowMinutes: in.CompletionWindowMinutes, Lifecycle: in.Lifecycle,
	}
}

// diffString is "op field" for each difference, to compare in tables.
func diffStrings(ds []Difference) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = string(d.Op) + " " + d.Field
	}
	return out
}

func TestCompareInLineIsEmpty(t *testing.T) {
	for _, compliance := range []bool{false, true} {
		d := testDesired(t, func(p *Policy) {
			if compliance {
				p.Immutability = Compliance
			}
		})
		if diffs := Compare(d, inLine(t, d), testNow); len(diffs) != 0 {
			t.Errorf("compliance=%v: differences in an estate in line: %v", compliance, diffStrings(diffs))
		}
	}
}

func TestCompareFreshAccount(t *testing.T) {
	d := testDesired(t, nil)
	got := diffStrings(Compare(d, Observed{}, testNow))
	want := []string{"create-vault vault", "apply-lock lock", "create-plan plan", "create-selection selection"}
	if !slices.Equal(got, want) {
		t.Errorf("Compare(fresh) = %v, want %v", got, want)
	}
}

func TestCompareLock(t *testing.T) {
	past := aws.Time(testNow.Add(-time.Hour))
	future := aws.Time(testNow.Add(48 * time.Hour))
	for _, tc := range []struct {
		name       string
		compliance bool // the policy asks for compliance
		vault      Vault
		want       []string
		note       string
	}{
		{name: "no lock: governance applied", vault: Vault{}, want: []string{"apply-lock lock"}, note: "governance mode"},
		{name: "no lock: compliance applied", compliance: true, vault: Vault{}, want: []string{"apply-lock lock"}, note: "no one can remove it"},
		{name: "governance in line", vault: Vault{Locked: true, MinRetentionDays: aws.Int64(30)}},
		{name: "min raised", vault: Vault{Locked: true, MinRetentionDays: aws.Int64(7)}, want: []string{"apply-lock lock min retention"}},
		{name: "lock without a minimum", vault: Vault{Locked: true}, want: []string{"apply-lock lock min retention"}},
		// Weakening immutability is never automatic.
		{name: "lowering the minimum is reported", vault: Vault{Locked: true, MinRetentionDays: aws.Int64(90)},
			want: []string{"report-drift lock min retention"}, note: "never does that automatically"},
		{name: "compliance to governance is reported", vault: Vault{Locked: true, MinRetentionDays: aws.Int64(30), LockDate: future},
			want: []string{"report-drift lock mode"}, note: "never loosens a compliance lock"},
		{name: "immutable compliance lock cannot be raised", compliance: true,
			vault: Vault{Locked: true, MinRetentionDays: aws.Int64(7), LockDate: past},
			want:  []string{"report-drift lock min retention"}, note: "immutable"},
		{name: "immutable compliance lock, policy governance", vault: Vault{Locked: true, MinRetentionDays: aws.Int64(7), LockDate: past},
			want: []string{"report-drift lock mode", "report-drift lock min retention"}, note: "immutable"},
		{name: "compliance in its grace period is raised", compliance: true,
			vault: Vault{Locked: true, MinRetentionDays: aws.Int64(7), LockDate: future}, want: []string{"apply-lock lock min retention"}},
		// Tightening is automatic.
		{name: "governance to compliance", compliance: true, vault: Vault{Locked: true, MinRetentionDays: aws.Int64(30)},
			want: []string{"apply-lock lock mode"}, note: "no one can remove it"},
		{name: "max below the retention", vault: Vault{Locked: true, MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(14)},
			want: []string{"report-drift lock min retention", "report-drift lock max retention"}, note: "by hand"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testDesired(t, func(p *Policy) {
				if tc.compliance {
					p.Immutability = Compliance
				}
			})
			o := inLine(t, d)
			v := tc.vault
			v.Name = d.Vault.Name
			o.Vault = &v
			diffs := Compare(d, o, testNow)
			if got := diffStrings(diffs); !slices.Equal(got, tc.want) {
				t.Fatalf("Compare = %v, want %v", got, tc.want)
			}
			if tc.note != "" && !strings.Contains(diffs[0].Reason(), tc.note) {
				t.Errorf("reason %q lacks %q", diffs[0].Reason(), tc.note)
			}
		})
	}
}

func TestCompareRule(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(r *types.BackupRule)
		want []string
	}{
		{"schedule", func(r *types.BackupRule) { r.ScheduleExpression = aws.String("cron(0 5 ? * SUN *)") }, []string{"update-plan rule opsd-prod schedule"}},
		{"timezone", func(r *types.BackupRule) { r.ScheduleExpressionTimezone = aws.String("Europe/Paris") }, []string{"update-plan rule opsd-prod timezone"}},
		{"unset timezone is UTC", func(r *types.BackupRule) { r.ScheduleExpressionTimezone = nil }, nil},
		{"vault", func(r *types.BackupRule) { r.TargetBackupVaultName = aws.String("Default") }, []string{"update-plan rule opsd-prod vault"}},
		{"windows", func(r *types.BackupRule) { r.StartWindowMinutes, r.CompletionWindowMinutes = aws.Int64(480), nil },
			[]string{"update-plan rule opsd-prod start window", "update-plan rule opsd-prod completion window"}},
		{"retention shortened by hand is restored", func(r *types.BackupRule) { r.Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(7)} },
			[]string{"update-plan rule opsd-prod retention"}},
		// Shortening retention is never automatic.
		{"retention lengthened by hand is reported", func(r *types.BackupRule) { r.Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(365)} },
			[]string{"report-drift rule opsd-prod retention"}},
		{"kept forever is reported", func(r *types.BackupRule) { r.Lifecycle = nil }, []string{"report-drift rule opsd-prod retention"}},
		{"cold storage removed", func(r *types.BackupRule) {
			r.Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(30), MoveToColdStorageAfterDays: aws.Int64(1)}
		}, []string{"update-plan rule opsd-prod cold storage"}},
		{"copies and continuous backup are kept", func(r *types.BackupRule) {
			r.EnableContinuousBackup = aws.Bool(true)
			r.CopyActions = []types.CopyAction{{DestinationBackupVaultArn: aws.String("arn:aws:backup:eu-west-1:1:backup-vault:x")}}
		}, []string{"report-drift rule opsd-prod continuous backup", "report-drift rule opsd-prod copy actions"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testDesired(t, nil)
			o := inLine(t, d)
			tc.edit(&o.Plan.Rules[0])
			if got := diffStrings(Compare(d, o, testNow)); !slices.Equal(got, tc.want) {
				t.Errorf("Compare = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestComparePlans(t *testing.T) {
	d := testDesired(t, nil)

	// A rule renamed by hand: opsd's is added back, the other is kept.
	o := inLine(t, d)
	o.Plan.Rules[0].RuleName = aws.String("daily")
	if got, want := diffStrings(Compare(d, o, testNow)), []string{"update-plan rule opsd-prod", "report-drift rule daily"}; !slices.Equal(got, want) {
		t.Errorf("renamed rule: %v, want %v", got, want)
	}

	// A plan with opsd's name that opsd did not create: reported; no
	// plan or selection is created beside it.
	o = inLine(t, d)
	o.Plan, o.Selections = nil, nil
	o.Foreign = []PlanRef{{ID: "theirs"}}
	if got, want := diffStrings(Compare(d, o, testNow)), []string{"report-drift plan theirs"}; !slices.Equal(got, want) {
		t.Errorf("foreign plan: %v, want %v", got, want)
	}

	// A second plan opsd created: reported, never deleted.
	o = inLine(t, d)
	o.Duplicates = []PlanRef{{ID: "again"}}
	if got, want := diffStrings(Compare(d, o, testNow)), []string{"report-drift plan again"}; !slices.Equal(got, want) {
		t.Errorf("duplicate plan: %v, want %v", got, want)
	}

	// A vault whose key is not the configured one.
	d2 := testDesired(t, func(p *Policy) { p.KMSKey = "arn:aws:kms:eu-west-2:123456789012:key/new" })
	o = inLine(t, d2)
	o.Vault.EncryptionKeyARN = "arn:aws:kms:eu-west-2:123456789012:key/old"
	if got, want := diffStrings(Compare(d2, o, testNow)), []string{"report-drift encryption key"}; !slices.Equal(got, want) {
		t.Errorf("other key: %v, want %v", got, want)
	}
}

func TestCompareSelections(t *testing.T) {
	d := testDesired(t, nil)
	good := inLine(t, d).Selections[0]
	wrong := good
	wrong.ID = "sel-wrong"
	wrong.Spec.Conditions = &types.Conditions{StringEquals: []types.ConditionParameter{{ConditionKey: aws.String("aws:ResourceTag/BackupPolicy"), ConditionValue: aws.String("prod")}}}
	wrong.Spec.IamRoleArn = aws.String("arn:aws:iam::123456789012:role/other")
	everything := Selection{ID: "sel-all", Name: d.Selection.Name, Spec: types.BackupSelection{Resources: []string{"*"}, IamRoleArn: good.Spec.IamRoleArn}}
	handMade := Selection{ID: "sel-hand", Name: "extra", Spec: types.BackupSelection{Resources: []string{"arn:aws:ec2:*:*:volume/vol-1"}}}
	for _, tc := range []struct {
		name       string
		selections []Selection
		want       []string
		deleted    []string
	}{
		{"in line", []Selection{good}, nil, nil},
		{"missing", nil, []string{"create-selection selection"}, nil},
		{"wrong value and role: replaced", []Selection{wrong}, []string{"replace-selection selection role", "replace-selection selection conditions"}, []string{"sel-wrong"}},
		{"selecting everything: replaced", []Selection{everything}, []string{"replace-selection selection resources", "replace-selection selection conditions"}, []string{"sel-all"}},
		{"a leftover of a replacement: deleted", []Selection{wrong, good}, []string{"delete-selection selection sel-wrong"}, []string{"sel-wrong"}},
		{"added by hand: reported, kept", []Selection{good, handMade}, []string{"report-drift selection sel-hand"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := inLine(t, d)
			o.Selections = tc.selections
			diffs := Compare(d, o, testNow)
			if got := diffStrings(diffs); !slices.Equal(got, tc.want) {
				t.Fatalf("Compare = %v, want %v", got, tc.want)
			}
			f, err := BuildFixes(d, o, diffs, fixOptions{managedTag: "opsd:managed", now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(f.DeleteSelections, tc.deleted) {
				t.Errorf("deleted %v, want %v", f.DeleteSelections, tc.deleted)
			}
			replacing := slices.ContainsFunc(diffs, func(d Difference) bool { return d.Op == OpReplaceSelection || d.Op == OpCreateSelection })
			if replacing != (f.CreateSelection != nil) {
				t.Errorf("create selection = %v, want %v", f.CreateSelection != nil, replacing)
			}
		})
	}
}

func TestDifferenceReason(t *testing.T) {
	d := Difference{Field: "rule opsd-prod retention", Observed: "90 days", Desired: "30 days", Op: OpReport, Note: "why"}
	if got := d.Reason(); got != "rule opsd-prod retention is 90 days, want 30 days: why" {
		t.Errorf("Reason = %q", got)
	}
	if d.Auto() {
		t.Error("a report is automatic")
	}
	if got := fmt.Sprint((Difference{Op: OpCreateVault}).Summary()); got != "created" {
		t.Errorf("Summary = %q", got)
	}
}
