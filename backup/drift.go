package backup

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
)

// Op is what opsd does about a difference; OpReport means nothing is done
// and a person is told.
type Op string

// The operations that fix differences, and the report.
const (
	OpCreateVault      Op = "create-vault"
	OpApplyLock        Op = "apply-lock"
	OpCreatePlan       Op = "create-plan"
	OpUpdatePlan       Op = "update-plan"
	OpCreateSelection  Op = "create-selection"
	OpReplaceSelection Op = "replace-selection"
	OpDeleteSelection  Op = "delete-selection"
	OpReport           Op = "report-drift"
)

// Difference is one way the observed state differs from the desired.
type Difference struct {
	// Resource is what differs: vault/<name>, plan/<name> or
	// selection/<name>.
	Resource string
	// Field is what about it differs: "vault", "lock", "lock.mode",
	// "rule opsd-prod schedule", ...
	Field string
	// Observed and Desired are the two values, in words.
	Observed string
	Desired  string
	// Op fixes the difference, or is OpReport when it is never fixed
	// automatically.
	Op Op
	// Note says why a difference is only reported, or how a fix is made.
	Note string
}

// Auto reports whether opsd fixes the difference itself.
func (d Difference) Auto() bool { return d.Op != OpReport }

// Summary says in a few words what fixing the difference did, for
// messages: a thing created is just named; anything else is its Reason.
func (d Difference) Summary() string {
	switch d.Op {
	case OpCreateVault, OpCreatePlan, OpCreateSelection:
		return "created"
	case OpApplyLock:
		if d.Observed == "none" {
			return "lock applied (" + d.Desired + ")"
		}
	}
	return d.Reason()
}

// Reason describes the difference in one line.
func (d Difference) Reason() string {
	s := fmt.Sprintf("%s is %s, want %s", d.Field, d.Observed, d.Desired)
	if d.Note != "" {
		s += ": " + d.Note
	}
	return s
}

// Compare returns every difference between desired and observed as of
// now, each either fixed automatically or only reported. It is pure.
//
// Never automatic: anything that would shorten retention (a rule's
// DeleteAfterDays, a lock's MinRetentionDays), loosen or remove a lock, or
// turn a compliance lock into a governance one; changes to plans opsd did
// not create; changes to an immutable lock.
func Compare(d Desired, o Observed, now time.Time) []Difference {
	var out []Difference
	out = append(out, compareVault(d, o.Vault)...)
	out = append(out, compareLock(d, o.Vault, now)...)
	out = append(out, comparePlan(d, o)...)
	if o.Plan != nil || (len(o.Foreign) == 0) {
		out = append(out, compareSelections(d, o)...)
	}
	return out
}

func vaultResource(name string) string     { return "vault/" + name }
func planResource(name string) string      { return "plan/" + name }
func selectionResource(name string) string { return "selection/" + name }

func compareVault(d Desired, v *Vault) []Difference {
	res := vaultResource(d.Vault.Name)
	if v == nil {
		key := "the AWS managed key"
		if d.Vault.KMSKey != "" {
			key = d.Vault.KMSKey
		}
		return []Difference{{Resource: res, Field: "vault", Observed: "missing", Desired: "encrypted with " + key, Op: OpCreateVault}}
	}
	if k := d.Vault.KMSKey; isKeyARN(k) && v.EncryptionKeyARN != "" && v.EncryptionKeyARN != k {
		return []Difference{{Resource: res, Field: "encryption key", Observed: v.EncryptionKeyARN, Desired: k, Op: OpReport,
			Note: "a vault's key cannot be changed; create a vault with the key and point the policy at it"}}
	}
	return nil
}

// isKeyARN reports whether s is a KMS key ARN (not an alias), the only
// form a vault's observed key can be compared with.
func isKeyARN(s string) bool {
	return strings.HasPrefix(s, "arn:") && strings.Contains(s, ":key/")
}

func compareLock(d Desired, v *Vault, now time.Time) []Difference {
	res := vaultResource(d.Vault.Name)
	want := d.Lock
	if v == nil || !v.Locked {
		note := "governance mode: users with backup:DeleteBackupVaultLockConfiguration can remove it"
		if want.Compliance {
			note = fmt.Sprintf("compliance mode: after %s no one can remove it or lower its minimum retention", days(want.ChangeableForDays))
		}
		return []Difference{{Resource: res, Field: "lock", Observed: "none", Desired: want.String(), Op: OpApplyLock, Note: note}}
	}
	var out []Difference
	immutable := v.immutable(now)
	immutableNote := ""
	if immutable {
		immutableNote = "the compliance lock became immutable on " + v.LockDate.UTC().Format(time.DateOnly) + " and can no longer be changed by anyone"
	}
	obsMode := Governance
	if v.compliance() {
		obsMode = Compliance
	}
	switch {
	case want.Compliance && !v.compliance():
		out = append(out, Difference{Resource: res, Field: "lock mode", Observed: obsMode, Desired: Compliance, Op: OpApplyLock,
			Note: fmt.Sprintf("after %s no one can remove it or lower its minimum retention", days(want.ChangeableForDays))})
	case !want.Compliance && v.compliance():
		note := "opsd never loosens a compliance lock; change the policy to compliance, or remove the lock by hand before " + v.LockDate.UTC().Format(time.RFC3339)
		if immutable {
			note = "opsd never loosens a compliance lock, and " + immutableNote + "; change the policy to compliance"
		}
		out = append(out, Difference{Resource: res, Field: "lock mode", Observed: obsMode, Desired: Governance, Op: OpReport, Note: note})
	}
	obsMin := int64(0)
	if v.MinRetentionDays != nil {
		obsMin = *v.MinRetentionDays
	}
	switch {
	case obsMin < want.MinRetentionDays:
		diff := Difference{Resource: res, Field: "lock min retention", Observed: daysOrNone(v.MinRetentionDays), Desired: days(want.MinRetentionDays), Op: OpApplyLock}
		switch {
		case immutable:
			diff.Op, diff.Note = OpReport, immutableNote
		case v.MaxRetentionDays != nil && *v.MaxRetentionDays < want.MinRetentionDays:
			diff.Op, diff.Note = OpReport, fmt.Sprintf("the lock's maximum retention (%s) is below it; fix the lock by hand", days(*v.MaxRetentionDays))
		}
		out = append(out, diff)
	case obsMin > want.MinRetentionDays:
		out = append(out, Difference{Resource: res, Field: "lock min retention", Observed: days(obsMin), Desired: days(want.MinRetentionDays), Op: OpReport,
			Note: "lowering it would let recovery points be deleted sooner, so opsd never does that automatically; " +
				"meanwhile the vault refuses backups kept for less, so the policy's jobs into it fail until its retention is raised to match"})
	}
	if v.MaxRetentionDays != nil && *v.MaxRetentionDays < want.MinRetentionDays {
		out = append(out, Difference{Resource: res, Field: "lock max retention", Observed: days(*v.MaxRetentionDays), Desired: "at least " + days(want.MinRetentionDays), Op: OpReport,
			Note: "backups kept for the policy's retention will be refused by the vault; fix the lock by hand"})
	}
	if immutable {
		for i := range out {
			if out[i].Op == OpApplyLock {
				out[i].Op, out[i].Note = OpReport, immutableNote
			}
		}
	}
	return out
}

func comparePlan(d Desired, o Observed) []Difference {
	res := planResource(d.Plan.Name)
	var out []Difference
	for _, f := range o.Foreign {
		out = append(out, Difference{Resource: res, Field: "plan " + f.ID, Observed: "not created by opsd", Desired: "created by opsd", Op: OpReport,
			Note: "a plan with opsd's name but without its managed tag is left alone; rename it, or tag it if opsd should manage it"})
	}
	for _, dup := range o.Duplicates {
		out = append(out, Difference{Resource: res, Field: "plan " + dup.ID, Observed: "a second plan created by opsd", Desired: "one plan", Op: OpReport,
			Note: "opsd keeps the oldest in line and never deletes a plan; delete this one by hand"})
	}
	if o.Plan == nil {
		if len(o.Foreign) == 0 {
			out = append(out, Difference{Resource: res, Field: "plan", Observed: "missing", Desired: ruleString(d.Plan.Rule), Op: OpCreatePlan})
		}
		return out
	}
	want := d.Plan.Rule
	got, ok := o.Plan.rule(want.Name)
	if !ok {
		out = append(out, Difference{Resource: res, Field: "rule " + want.Name, Observed: "missing", Desired: ruleString(want), Op: OpUpdatePlan})
	} else {
		out = append(out, compareRule(res, want, got)...)
	}
	for _, r := range o.Plan.Rules {
		if name := aws.ToString(r.RuleName); name != want.Name {
			out = append(out, Difference{Resource: res, Field: "rule " + name, Observed: "present", Desired: "absent", Op: OpReport,
				Note: "a rule added outside opsd is kept: removing it could stop backups someone relies on"})
		}
	}
	return out
}

// compareRule compares the fields of the rule opsd wrote.
func compareRule(res string, want RuleSpec, got types.BackupRule) []Difference {
	field := func(f string) string { return "rule " + want.Name + " " + f }
	var out []Difference
	add := func(f, observed, desired string, op Op, note string) {
		out = append(out, Difference{Resource: res, Field: field(f), Observed: observed, Desired: desired, Op: op, Note: note})
	}
	if v := aws.ToString(got.TargetBackupVaultName); v != want.Vault {
		add("vault", orNone(v), want.Vault, OpUpdatePlan, "")
	}
	if s := aws.ToString(got.ScheduleExpression); !sameSchedule(s, want.Schedule) {
		add("schedule", orNone(s), want.Schedule, OpUpdatePlan, "")
	}
	if tz := aws.ToString(got.ScheduleExpressionTimezone); !sameTimezone(tz, want.Timezone) {
		add("timezone", orNone(tz), want.Timezone, OpUpdatePlan, "")
	}
	if got.StartWindowMinutes == nil || *got.StartWindowMinutes != want.StartWindowMinutes {
		add("start window", minutesOrDefault(got.StartWindowMinutes), minutes(want.StartWindowMinutes), OpUpdatePlan, "")
	}
	if got.CompletionWindowMinutes == nil || *got.CompletionWindowMinutes != want.CompletionWindowMinutes {
		add("completion window", minutesOrDefault(got.CompletionWindowMinutes), minutes(want.CompletionWindowMinutes), OpUpdatePlan, "")
	}
	var del, cold *int64
	if got.Lifecycle != nil {
		del, cold = got.Lifecycle.DeleteAfterDays, got.Lifecycle.MoveToColdStorageAfterDays
	}
	switch {
	case del == nil:
		add("retention", "kept forever", days(want.DeleteAfterDays), OpReport,
			"setting it would shorten retention; opsd never does that automatically")
	case *del > want.DeleteAfterDays:
		add("retention", days(*del), days(want.DeleteAfterDays), OpReport,
			"lowering it would shorten retention; opsd never does that automatically")
	case *del < want.DeleteAfterDays:
		add("retention", days(*del), days(want.DeleteAfterDays), OpUpdatePlan, "")
	}
	switch want := want.ColdStorageAfterDays; {
	case want == 0 && cold != nil:
		add("cold storage", "after "+days(*cold), "none", OpUpdatePlan, "")
	case want > 0 && cold == nil:
		add("cold storage", "none", "after "+days(want), OpUpdatePlan, "")
	case want > 0 && *cold != want:
		add("cold storage", "after "+days(*cold), "after "+days(want), OpUpdatePlan, "")
	}
	if aws.ToBool(got.EnableContinuousBackup) {
		add("continuous backup", "on", "off", OpReport, "kept: turning it off could stop point-in-time restores someone relies on")
	}
	if n := len(got.CopyActions); n > 0 {
		add("copy actions", strconv.Itoa(n), "none", OpReport, "kept: removing them would stop copies someone relies on")
	}
	return out
}

func compareSelections(d Desired, o Observed) []Difference {
	want := d.Selection
	res := selectionResource(want.Name)
	if o.Plan == nil {
		return []Difference{{Resource: res, Field: "selection", Observed: "missing", Desired: selectionString(want), Op: OpCreateSelection}}
	}
	var ours []Selection
	var out []Difference
	for _, s := range o.Selections {
		if s.Name == want.Name {
			ours = append(ours, s)
			continue
		}
		out = append(out, Difference{Resource: selectionResource(s.Name), Field: "selection " + s.ID, Observed: "present", Desired: "absent", Op: OpReport,
			Note: "a selection added to opsd's plan by hand is left in place; remove it by hand if it is not wanted"})
	}
	if len(ours) == 0 {
		return append(out, Difference{Resource: res, Field: "selection", Observed: "missing", Desired: selectionString(want), Op: OpCreateSelection})
	}
	keep := slices.IndexFunc(ours, func(s Selection) bool { return len(selectionDiffs(want, s.Spec)) == 0 })
	if keep < 0 {
		for _, f := range selectionDiffs(want, ours[0].Spec) {
			out = append(out, Difference{Resource: res, Field: "selection " + f[0], Observed: f[1], Desired: f[2], Op: OpReplaceSelection,
				Note: "selections cannot be updated: a new one is created, then the old one deleted"})
		}
		return out
	}
	for i, s := range ours {
		if i != keep {
			out = append(out, Difference{Resource: res, Field: "selection " + s.ID, Observed: "a second selection " + want.Name, Desired: "one", Op: OpDeleteSelection})
		}
	}
	return out
}

// selectionDiffs compares a selection with the desired one, returning
// (field, observed, desired) triples.
func selectionDiffs(want SelectionSpec, got types.BackupSelection) [][3]string {
	var out [][3]string
	if r := aws.ToString(got.IamRoleArn); r != want.IAMRoleARN {
		out = append(out, [3]string{"role", orNone(r), want.IAMRoleARN})
	}
	if !sameSet(got.Resources, want.Resources) {
		out = append(out, [3]string{"resources", listString(got.Resources), listString(want.Resources)})
	}
	if len(got.NotResources) > 0 {
		out = append(out, [3]string{"excluded resources", listString(got.NotResources), "none"})
	}
	if len(got.ListOfTags) > 0 {
		var tags []string
		for _, c := range got.ListOfTags {
			tags = append(tags, aws.ToString(c.ConditionKey)+"="+aws.ToString(c.ConditionValue))
		}
		out = append(out, [3]string{"tag list", listString(tags), "none"})
	}
	if c := conditionsString(got.Conditions); c != conditionString(want) {
		out = append(out, [3]string{"conditions", c, conditionString(want)})
	}
	return out
}

// conditionString is the desired selection's one condition.
func conditionString(s SelectionSpec) string {
	return "StringEquals " + s.ConditionKey() + "=" + s.TagValue
}

// conditionsString describes observed conditions in the same words.
func conditionsString(c *types.Conditions) string {
	if c == nil {
		return "none"
	}
	var parts []string
	for _, g := range []struct {
		op   string
		list []types.ConditionParameter
	}{{"StringEquals", c.StringEquals}, {"StringLike", c.StringLike}, {"StringNotEquals", c.StringNotEquals}, {"StringNotLike", c.StringNotLike}} {
		for _, p := range g.list {
			parts = append(parts, g.op+" "+aws.ToString(p.ConditionKey)+"="+aws.ToString(p.ConditionValue))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	slices.Sort(parts)
	return strings.Join(parts, " AND ")
}

func ruleString(r RuleSpec) string {
	cold := ""
	if r.ColdStorageAfterDays > 0 {
		cold = ", cold storage after " + days(r.ColdStorageAfterDays)
	}
	return fmt.Sprintf("rule %s: %s %s, start within %s, complete within %s, keep %s%s, into vault %s",
		r.Name, r.Schedule, r.Timezone, minutes(r.StartWindowMinutes), minutes(r.CompletionWindowMinutes), days(r.DeleteAfterDays), cold, r.Vault)
}

func selectionString(s SelectionSpec) string {
	return fmt.Sprintf("%s where %s, role %s", listString(s.Resources), conditionString(s), s.IAMRoleARN)
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

func listString(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return "[" + strings.Join(l, ", ") + "]"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func days(n int64) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.FormatInt(n, 10) + " days"
}

func daysOrNone(n *int64) string {
	if n == nil {
		return "none"
	}
	return days(*n)
}

func minutes(n int64) string { return strconv.FormatInt(n, 10) + " min" }

// minutesOrDefault describes an observed window; unset is AWS's default.
func minutesOrDefault(n *int64) string {
	if n == nil {
		return "unset"
	}
	return minutes(*n)
}

// daysUntil is the whole days from now until t, rounded up.
func daysUntil(now, t time.Time) int64 {
	return int64(math.Ceil(t.Sub(now).Hours() / 24))
}
