package backup

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

func TestSelectionInputIsNeverEmpty(t *testing.T) {
	d := testDesired(t, nil)
	sel, err := selectionInput(d.Selection)
	if err != nil {
		t.Fatal(err)
	}
	if sel.Conditions == nil || len(sel.Conditions.StringEquals) != 1 {
		t.Fatalf("conditions = %+v", sel.Conditions)
	}
	c := sel.Conditions.StringEquals[0]
	if aws.ToString(c.ConditionKey) != "aws:ResourceTag/BackupPolicy" || aws.ToString(c.ConditionValue) != "Prod" {
		t.Errorf("condition = %s=%s", aws.ToString(c.ConditionKey), aws.ToString(c.ConditionValue))
	}
	if len(sel.Resources) != 6 || sel.Resources[0] != "arn:aws:ec2:*:*:instance/*" || len(sel.NotResources) != 0 || len(sel.ListOfTags) != 0 {
		t.Errorf("resources = %v, not %v, tags %v", sel.Resources, sel.NotResources, sel.ListOfTags)
	}
	if got := aws.ToString(sel.IamRoleArn); got != "arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole" {
		t.Errorf("role = %s", got)
	}
	for name, edit := range map[string]func(*SelectionSpec){
		"no tag key":   func(s *SelectionSpec) { s.TagKey = "" },
		"no value":     func(s *SelectionSpec) { s.TagValue = "" },
		"no resources": func(s *SelectionSpec) { s.Resources = nil },
	} {
		s := d.Selection
		edit(&s)
		if _, err := selectionInput(s); !errors.Is(err, errEmptySelection) {
			t.Errorf("%s: error = %v, want the empty-selection refusal", name, err)
		}
	}
}

func TestSelectionRoleAndPartition(t *testing.T) {
	c := DefaultConfig()
	ps, err := compilePolicy(c, "Prod", Policy{IAMRole: "BackupRole"})
	if err != nil {
		t.Fatal(err)
	}
	d := ps.desired("210987654321", "cn-north-1")
	if d.Selection.IAMRoleARN != "arn:aws-cn:iam::210987654321:role/BackupRole" {
		t.Errorf("role = %s", d.Selection.IAMRoleARN)
	}
	if d.Selection.Resources[0] != "arn:aws-cn:ec2:*:*:instance/*" {
		t.Errorf("resources = %v", d.Selection.Resources)
	}
	ps, _ = compilePolicy(c, "Prod", Policy{IAMRole: "arn:aws:iam::111111111111:role/central"})
	if got := ps.desired("210987654321", "eu-west-2").Selection.IAMRoleARN; got != "arn:aws:iam::111111111111:role/central" {
		t.Errorf("role ARN = %s", got)
	}
}

func TestPlanAndVaultInputs(t *testing.T) {
	d := testDesired(t, nil)
	opt := fixOptions{managedTag: "opsd:managed", now: testNow}
	v := vaultInput(d.Vault, opt.managedTag)
	if aws.ToString(v.BackupVaultName) != "opsd-prod" || v.EncryptionKeyArn != nil || v.BackupVaultTags["opsd:managed"] != "true" {
		t.Errorf("vault input = %+v", v)
	}
	d2 := testDesired(t, func(p *Policy) { p.KMSKey = "arn:aws:kms:eu-west-2:123456789012:key/k" })
	if k := aws.ToString(vaultInput(d2.Vault, "m").EncryptionKeyArn); k != "arn:aws:kms:eu-west-2:123456789012:key/k" {
		t.Errorf("vault key = %s", k)
	}
	p := createPlanInput(d, opt)
	if p.BackupPlanTags["opsd:managed"] != "true" || p.BackupPlanTags["opsd:policy"] != "Prod" || !strings.HasPrefix(aws.ToString(p.CreatorRequestId), "opsd-opsd-prod-") {
		t.Errorf("plan input tags %v token %s", p.BackupPlanTags, aws.ToString(p.CreatorRequestId))
	}
	r := p.BackupPlan.Rules[0]
	if aws.ToString(r.ScheduleExpression) != "cron(0 1 ? * * *)" || aws.ToString(r.ScheduleExpressionTimezone) != "Etc/UTC" ||
		aws.ToInt64(r.Lifecycle.DeleteAfterDays) != 30 || aws.ToInt64(r.StartWindowMinutes) != 60 || aws.ToInt64(r.CompletionWindowMinutes) != 240 ||
		aws.ToString(r.TargetBackupVaultName) != "opsd-prod" || aws.ToString(r.RuleName) != "opsd-prod" {
		t.Errorf("rule = %+v", r)
	}
	if tok := requestToken(strings.Repeat("x", 60), testNow); len(tok) > 50 || !strings.HasPrefix(tok, "opsd-") {
		t.Errorf("token %q", tok)
	}
}

func TestLockInput(t *testing.T) {
	lockDate := testNow.Add(36 * time.Hour)
	for _, tc := range []struct {
		name       string
		compliance bool
		vault      *Vault
		min        int64
		max        *int64
		changeable *int64
		notice     string // "", "first", "compliance"
	}{
		// Governance: no ChangeableForDays, ever.
		{name: "new vault, governance", vault: nil, min: 30, notice: "first"},
		{name: "unlocked vault, governance", vault: &Vault{}, min: 30, notice: "first"},
		{name: "governance raised", vault: &Vault{Locked: true, MinRetentionDays: aws.Int64(7)}, min: 30},
		// Compliance: with ChangeableForDays.
		{name: "new vault, compliance", compliance: true, vault: nil, min: 30, changeable: aws.Int64(3), notice: "compliance"},
		{name: "governance to compliance", compliance: true, vault: &Vault{Locked: true, MinRetentionDays: aws.Int64(30)}, min: 30, changeable: aws.Int64(3), notice: "compliance"},
		// Never lowered, never loosened.
		{name: "higher observed minimum kept", compliance: true, vault: &Vault{Locked: true, MinRetentionDays: aws.Int64(60)}, min: 60, changeable: aws.Int64(3), notice: "compliance"},
		{name: "observed maximum kept", vault: &Vault{Locked: true, MinRetentionDays: aws.Int64(7), MaxRetentionDays: aws.Int64(365)}, min: 30, max: aws.Int64(365)},
		{name: "compliance in grace stays compliance, lock date kept", vault: &Vault{Locked: true, MinRetentionDays: aws.Int64(7), LockDate: &lockDate},
			min: 30, changeable: aws.Int64(3)},
		{name: "compliance in grace, far lock date", compliance: true,
			vault: &Vault{Locked: true, MinRetentionDays: aws.Int64(7), LockDate: aws.Time(testNow.Add(10*24*time.Hour - time.Hour))}, min: 30, changeable: aws.Int64(10)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := testDesired(t, func(p *Policy) {
				if tc.compliance {
					p.Immutability = Compliance
				}
			})
			in, notice := lockInput(d, tc.vault, testNow)
			if aws.ToString(in.BackupVaultName) != "opsd-prod" || aws.ToInt64(in.MinRetentionDays) != tc.min {
				t.Errorf("vault %s min %d, want opsd-prod %d", aws.ToString(in.BackupVaultName), aws.ToInt64(in.MinRetentionDays), tc.min)
			}
			if (in.MaxRetentionDays == nil) != (tc.max == nil) || (tc.max != nil && *in.MaxRetentionDays != *tc.max) {
				t.Errorf("max = %v, want %v", in.MaxRetentionDays, tc.max)
			}
			if (in.ChangeableForDays == nil) != (tc.changeable == nil) || (tc.changeable != nil && *in.ChangeableForDays != *tc.changeable) {
				t.Errorf("changeable for days = %v, want %v", aws.ToInt64(in.ChangeableForDays), aws.ToInt64(tc.changeable))
			}
			switch tc.notice {
			case "":
				if notice != nil {
					t.Errorf("notice %+v, want none", notice)
				}
			case "first":
				if notice == nil || !notice.First || notice.Compliance {
					t.Errorf("notice %+v, want a first governance lock", notice)
				}
			case "compliance":
				if notice == nil || !notice.Compliance || !notice.ImmutableFrom.Equal(testNow.Add(72*time.Hour)) {
					t.Errorf("notice %+v, want compliance immutable 3 days from now", notice)
				}
			}
		})
	}
}

func TestUpdatePlanInputKeepsWhatOpsdDoesNotFix(t *testing.T) {
	d := testDesired(t, nil)
	o := inLine(t, d)
	r := &o.Plan.Rules[0]
	r.ScheduleExpression = aws.String("cron(0 5 ? * SUN *)")
	r.Lifecycle = &types.Lifecycle{DeleteAfterDays: aws.Int64(90), MoveToColdStorageAfterDays: aws.Int64(7)}
	r.RecoveryPointTags = map[string]string{"team": "x"}
	r.CopyActions = []types.CopyAction{{DestinationBackupVaultArn: aws.String("arn:aws:backup:eu-west-1:1:backup-vault:copy")}}
	o.Plan.Rules = append(o.Plan.Rules, types.BackupRule{RuleName: aws.String("monthly"), TargetBackupVaultName: aws.String("archive")})
	o.Plan.AdvancedBackupSettings = []types.AdvancedBackupSetting{{ResourceType: aws.String("EC2"), BackupOptions: map[string]string{"WindowsVSS": "enabled"}}}
	diffs := Compare(d, o, testNow)
	f, err := BuildFixes(d, o, diffs, fixOptions{managedTag: "opsd:managed", now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if f.UpdatePlan == nil || f.CreatePlan != nil || f.CreateSelection != nil || f.Lock != nil || f.CreateVault != nil {
		t.Fatalf("fixes = %+v, want only an update", f)
	}
	u := f.UpdatePlan
	if aws.ToString(u.BackupPlanId) != "plan-1" || aws.ToString(u.BackupPlan.BackupPlanName) != "opsd-prod" || len(u.BackupPlan.Rules) != 2 {
		t.Fatalf("update = %+v", u)
	}
	got := u.BackupPlan.Rules[0]
	if aws.ToString(got.ScheduleExpression) != "cron(0 1 ? * * *)" {
		t.Errorf("schedule = %s, want put back", aws.ToString(got.ScheduleExpression))
	}
	if aws.ToInt64(got.Lifecycle.DeleteAfterDays) != 90 {
		t.Errorf("retention = %d, want the longer 90 kept (shortening is never automatic)", aws.ToInt64(got.Lifecycle.DeleteAfterDays))
	}
	if got.Lifecycle.MoveToColdStorageAfterDays != nil {
		t.Errorf("cold storage = %d, want removed", aws.ToInt64(got.Lifecycle.MoveToColdStorageAfterDays))
	}
	if got.RecoveryPointTags["team"] != "x" || len(got.CopyActions) != 1 {
		t.Errorf("fields opsd does not set were lost: %+v", got)
	}
	if aws.ToString(u.BackupPlan.Rules[1].RuleName) != "monthly" || len(u.BackupPlan.AdvancedBackupSettings) != 1 {
		t.Errorf("other rule or settings lost: %+v", u.BackupPlan)
	}
	// The observed document was not changed in place.
	if aws.ToInt64(o.Plan.Rules[0].Lifecycle.MoveToColdStorageAfterDays) != 7 {
		t.Error("the observed rule was modified")
	}
}
