package backup

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Desired is what one policy needs in one account and region: a vault, its
// lock, a plan with one rule, and a selection choosing the policy's
// resources by tag.
type Desired struct {
	// Policy is the policy's name, the BackupPolicy value.
	Policy    string
	Vault     VaultSpec
	Lock      LockSpec
	Plan      PlanSpec
	Selection SelectionSpec
}

// VaultSpec is the desired backup vault.
type VaultSpec struct {
	Name string
	// KMSKey is the key ARN a new vault is encrypted with; empty means the
	// AWS managed key.
	KMSKey string
}

// LockSpec is the desired vault lock.
type LockSpec struct {
	// MinRetentionDays is the shortest retention the lock allows: the
	// policy's retention.
	MinRetentionDays int64
	// Compliance asks for a compliance-mode lock: one put with
	// ChangeableForDays, immutable once they pass. Otherwise the lock is
	// in governance mode: put without ChangeableForDays, removable by
	// users with the IAM permission.
	Compliance bool
	// ChangeableForDays is the compliance lock's grace period (>= 3).
	ChangeableForDays int64
}

// Mode is "compliance" or "governance".
func (l LockSpec) Mode() string {
	if l.Compliance {
		return Compliance
	}
	return Governance
}

// String describes the lock: "governance, min 30 days".
func (l LockSpec) String() string {
	return fmt.Sprintf("%s, min %d days", l.Mode(), l.MinRetentionDays)
}

// PlanSpec is the desired backup plan: its name and its one rule.
type PlanSpec struct {
	Name string
	Rule RuleSpec
}

// RuleSpec is the desired backup rule.
type RuleSpec struct {
	Name string
	// Vault is the target backup vault's name.
	Vault string
	// Schedule is the cron expression, in Timezone.
	Schedule string
	Timezone string
	// StartWindowMinutes and CompletionWindowMinutes derive from the RPO
	// and RTO (see [Policy]).
	StartWindowMinutes      int64
	CompletionWindowMinutes int64
	// DeleteAfterDays is the policy's retention.
	DeleteAfterDays int64
	// ColdStorageAfterDays is when points move to cold storage; zero for
	// never.
	ColdStorageAfterDays int64
}

// SelectionSpec is the desired backup selection: the resources of
// Resources whose tag TagKey equals TagValue exactly.
type SelectionSpec struct {
	Name       string
	IAMRoleARN string
	Resources  []string
	TagKey     string
	TagValue   string
}

// ConditionKey is the condition key the selection tests:
// aws:ResourceTag/<TagKey>.
func (s SelectionSpec) ConditionKey() string { return "aws:ResourceTag/" + s.TagKey }

// policySpec is one policy compiled from configuration: everything about
// its desired state that does not depend on the account and region.
type policySpec struct {
	name   string
	policy Policy
	// rule is the desired rule (complete).
	rule RuleSpec
	// planName and selectionName are the names opsd gives them.
	planName      string
	selectionName string
	// tagKey is the BackupPolicy tag key.
	tagKey string
	// resources are the selection's resource patterns, in the aws
	// partition.
	resources []string
}

// compilePolicy turns a policy (defaults filled) into its spec.
func compilePolicy(c Config, name string, p Policy) (policySpec, error) {
	p = p.withDefaults(name, c.NamePrefix)
	at, err := parseClock(c.BackupTime)
	if err != nil {
		return policySpec{}, err
	}
	sched, err := scheduleExpression(p.RPO, at)
	if err != nil {
		return policySpec{}, fmt.Errorf("rpo: %w", err)
	}
	start, completion := windows(p.RPO, p.RTO)
	n := resourceName(c.NamePrefix, name)
	return policySpec{
		name:   name,
		policy: p,
		rule: RuleSpec{
			Name:                    n,
			Vault:                   p.Vault,
			Schedule:                sched,
			Timezone:                c.BackupTimezone,
			StartWindowMinutes:      start,
			CompletionWindowMinutes: completion,
			DeleteAfterDays:         int64(p.RetentionDays),
			ColdStorageAfterDays:    int64(p.ColdStorageAfterDays),
		},
		planName:      n,
		selectionName: n,
		tagKey:        c.Tags.BackupPolicy,
		resources:     slices.Clone(c.SelectionResources),
	}, nil
}

// rpo is the policy's RPO.
func (ps policySpec) rpo() time.Duration { return ps.policy.RPO }

// desired is the policy's desired state in account, region.
func (ps policySpec) desired(account, region string) Desired {
	part := partition(region)
	resources := make([]string, len(ps.resources))
	for i, r := range ps.resources {
		resources[i] = inPartition(r, part)
	}
	p := ps.policy
	return Desired{
		Policy: ps.name,
		Vault:  VaultSpec{Name: p.Vault, KMSKey: p.KMSKey},
		Lock: LockSpec{
			MinRetentionDays:  int64(p.RetentionDays),
			Compliance:        p.Immutability == Compliance,
			ChangeableForDays: int64(p.ChangeableForDays),
		},
		Plan: PlanSpec{Name: ps.planName, Rule: ps.rule},
		Selection: SelectionSpec{
			Name:       ps.selectionName,
			IAMRoleARN: roleARN(p.IAMRole, part, account),
			Resources:  resources,
			TagKey:     ps.tagKey,
			TagValue:   ps.name,
		},
	}
}

// partition is the AWS partition of a region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	}
	return "aws"
}

// inPartition rewrites an "arn:aws:" pattern for partition part.
func inPartition(pattern, part string) string {
	if rest, ok := strings.CutPrefix(pattern, "arn:aws:"); ok && part != "aws" {
		return "arn:" + part + ":" + rest
	}
	return pattern
}

// roleARN resolves a configured role (an ARN, or a name or path) in
// account.
func roleARN(role, part, account string) string {
	if strings.HasPrefix(role, "arn:") {
		return role
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", part, account, strings.TrimPrefix(role, "/"))
}
