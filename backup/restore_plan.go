package backup

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Restore testing operations: what opsd does about one policy's restore
// testing plan and selections.
const (
	OpCreateRestorePlan      = "create-restore-testing-plan"
	OpUpdateRestorePlan      = "update-restore-testing-plan"
	OpCreateRestoreSelection = "create-restore-testing-selection"
	OpUpdateRestoreSelection = "update-restore-testing-selection"
	OpReportRestorePlan      = "report-restore-testing-plan"
)

// restoreTypeOfKind is the restore testing resource type of each kind of
// data store.
var restoreTypeOfKind = map[Kind]string{
	KindInstance:   "EC2",
	KindVolume:     "EBS",
	KindDBInstance: "RDS",
	KindDBCluster:  "Aurora",
	KindTable:      "DynamoDB",
	KindFileSystem: "EFS",
}

// RestorePlanSpec is the restore testing plan a policy needs: the latest
// snapshot within the selection window from the policy's vault, on the
// schedule.
type RestorePlanSpec struct {
	Name                string
	Schedule, Timezone  string
	StartWindowHours    int32
	SelectionWindowDays int32
	// IncludeVaults is the policy's vault ARN.
	IncludeVaults []string
}

// RestoreSelectionSpec is one restore testing selection: every resource
// of a type whose BackupPolicy tag equals the policy.
type RestoreSelectionSpec struct {
	Name                  string
	ResourceType          string
	IAMRoleARN            string
	TagKey, TagValue      string
	ValidationWindowHours int32
	Overrides             map[string]string
}

// ConditionKey is the selection's condition key: aws:ResourceTag/<key>.
func (s RestoreSelectionSpec) ConditionKey() string { return "aws:ResourceTag/" + s.TagKey }

// RestoreDesired is what one policy in use needs in one account and
// region.
type RestoreDesired struct {
	Policy     string
	Plan       RestorePlanSpec
	Selections []RestoreSelectionSpec
}

// ObservedRestorePlan is a restore testing plan as AWS Backup has it.
type ObservedRestorePlan struct {
	Name, ARN string
	// Managed says it carries opsd's managed tag.
	Managed             bool
	Schedule, Timezone  string
	StartWindowHours    int32
	SelectionWindowDays int32
	Algorithm           string
	PointTypes          []string
	IncludeVaults       []string
	// Selections are by name.
	Selections map[string]ObservedRestoreSelection
}

// ObservedRestoreSelection is a restore testing selection as AWS Backup
// has it.
type ObservedRestoreSelection struct {
	Name, ResourceType, IAMRoleARN string
	ARNs                           []string
	// Equals are the StringEquals conditions, key → value.
	Equals                map[string]string
	ValidationWindowHours int32
	Overrides             map[string]string
}

// RestoreChange is one thing opsd does, or only reports, about a
// policy's restore testing.
type RestoreChange struct {
	Op       string
	Resource string
	// Selection is the selection created or updated; nil for the plan.
	Selection *RestoreSelectionSpec
	Reason    string
}

// CompareRestore decides what brings observed (nil: no plan of that name)
// to d. A plan of that name without opsd's tag is someone else's: it is
// reported and left alone.
func CompareRestore(d RestoreDesired, observed *ObservedRestorePlan) []RestoreChange {
	p := d.Plan
	if observed == nil {
		out := []RestoreChange{{Op: OpCreateRestorePlan, Resource: p.Name, Reason: "missing: " + restorePlanString(p)}}
		for i := range d.Selections {
			s := d.Selections[i]
			out = append(out, RestoreChange{Op: OpCreateRestoreSelection, Resource: p.Name + "/" + s.Name, Selection: &s, Reason: "missing: " + restoreSelectionString(s)})
		}
		return out
	}
	if !observed.Managed {
		return []RestoreChange{{Op: OpReportRestorePlan, Resource: p.Name,
			Reason: "a restore testing plan of this name exists without opsd's tag: someone else's, left alone; the policy's restores are not tested by opsd"}}
	}
	var out []RestoreChange
	var drift []string
	if !sameSchedule(observed.Schedule, p.Schedule) {
		drift = append(drift, fmt.Sprintf("schedule %s, want %s", orNone(observed.Schedule), p.Schedule))
	}
	if !sameTimezone(observed.Timezone, p.Timezone) {
		drift = append(drift, fmt.Sprintf("timezone %s, want %s", orNone(observed.Timezone), p.Timezone))
	}
	if observed.StartWindowHours != p.StartWindowHours {
		drift = append(drift, fmt.Sprintf("start window %dh, want %dh", observed.StartWindowHours, p.StartWindowHours))
	}
	if observed.SelectionWindowDays != p.SelectionWindowDays {
		drift = append(drift, fmt.Sprintf("selection window %d days, want %d", observed.SelectionWindowDays, p.SelectionWindowDays))
	}
	if observed.Algorithm != "LATEST_WITHIN_WINDOW" {
		drift = append(drift, fmt.Sprintf("algorithm %s, want LATEST_WITHIN_WINDOW", orNone(observed.Algorithm)))
	}
	if !sameSet(observed.PointTypes, []string{"SNAPSHOT"}) {
		drift = append(drift, fmt.Sprintf("recovery point types %s, want SNAPSHOT", listString(observed.PointTypes)))
	}
	if !sameSet(observed.IncludeVaults, p.IncludeVaults) {
		drift = append(drift, fmt.Sprintf("vaults %s, want %s", listString(observed.IncludeVaults), listString(p.IncludeVaults)))
	}
	if len(drift) > 0 {
		out = append(out, RestoreChange{Op: OpUpdateRestorePlan, Resource: p.Name, Reason: "drift: " + strings.Join(drift, "; ")})
	}
	for i := range d.Selections {
		s := d.Selections[i]
		res := p.Name + "/" + s.Name
		got, ok := observed.Selections[s.Name]
		if !ok {
			out = append(out, RestoreChange{Op: OpCreateRestoreSelection, Resource: res, Selection: &s, Reason: "missing: " + restoreSelectionString(s)})
			continue
		}
		if why := restoreSelectionDrift(s, got); why != "" {
			out = append(out, RestoreChange{Op: OpUpdateRestoreSelection, Resource: res, Selection: &s, Reason: "drift: " + why})
		}
	}
	return out
}

// restoreSelectionDrift says how got differs from want, or "".
func restoreSelectionDrift(want RestoreSelectionSpec, got ObservedRestoreSelection) string {
	var d []string
	if got.IAMRoleARN != want.IAMRoleARN {
		d = append(d, fmt.Sprintf("role %s, want %s", orNone(got.IAMRoleARN), want.IAMRoleARN))
	}
	if !sameSet(got.ARNs, []string{"*"}) {
		d = append(d, fmt.Sprintf("resources %s, want *", listString(got.ARNs)))
	}
	if len(got.Equals) != 1 || got.Equals[want.ConditionKey()] != want.TagValue {
		d = append(d, fmt.Sprintf("conditions %s, want %s = %s", equalsString(got.Equals), want.ConditionKey(), want.TagValue))
	}
	if got.ValidationWindowHours != want.ValidationWindowHours {
		d = append(d, fmt.Sprintf("validation window %dh, want %dh", got.ValidationWindowHours, want.ValidationWindowHours))
	}
	if !sameOverrides(got.Overrides, want.Overrides) {
		d = append(d, fmt.Sprintf("metadata overrides %s, want %s", equalsString(got.Overrides), equalsString(want.Overrides)))
	}
	return strings.Join(d, "; ")
}

// sameOverrides compares metadata overrides, whose keys AWS Backup reads
// case-insensitively.
func sameOverrides(a, b map[string]string) bool {
	lower := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[strings.ToLower(k)] = v
		}
		return out
	}
	return maps.Equal(lower(a), lower(b))
}

func equalsString(m map[string]string) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+" = "+m[k])
	}
	return strings.Join(parts, ", ")
}

func restorePlanString(p RestorePlanSpec) string {
	return fmt.Sprintf("restore testing plan %s: %s %s, start within %dh, latest snapshot within %d day(s) from %s",
		p.Name, p.Schedule, p.Timezone, p.StartWindowHours, p.SelectionWindowDays, listString(p.IncludeVaults))
}

func restoreSelectionString(s RestoreSelectionSpec) string {
	out := fmt.Sprintf("%s resources where %s = %s, validated within %dh, role %s", s.ResourceType, s.ConditionKey(), s.TagValue, s.ValidationWindowHours, s.IAMRoleARN)
	if len(s.Overrides) > 0 {
		out += ", overrides " + equalsString(s.Overrides)
	}
	return out
}

// restoreSelectionName is a selection's name: the plan's and the type's,
// in lower case ("opsd_prod_rds").
func restoreSelectionName(plan, resourceType string) string {
	return plan + "_" + strings.ToLower(resourceType)
}

// restoreDesired is what policy ps needs in account and region for the
// restore testing resource types types (those its resources have).
func (s *Service) restoreDesired(ps policySpec, account, region string, types []string) RestoreDesired {
	rt := s.cfg.RestoreTesting
	set := rt.settings(ps.policy, s.cfg.BackupTimezone)
	part := partition(region)
	name := restorePlanName(s.cfg.NamePrefix, ps.name)
	d := RestoreDesired{Policy: ps.name, Plan: RestorePlanSpec{
		Name: name, Schedule: set.schedule, Timezone: set.timezone,
		StartWindowHours: set.startWindowHours, SelectionWindowDays: set.selectionWindowDays,
		IncludeVaults: []string{fmt.Sprintf("arn:%s:backup:%s:%s:backup-vault:%s", part, region, account, ps.policy.Vault)},
	}}
	role := rt.IAMRole
	if role == "" {
		role = ps.policy.IAMRole
	}
	for _, t := range types {
		d.Selections = append(d.Selections, RestoreSelectionSpec{
			Name: restoreSelectionName(name, t), ResourceType: t, IAMRoleARN: roleARN(role, part, account),
			TagKey: s.cfg.Tags.BackupPolicy, TagValue: ps.name, ValidationWindowHours: set.validationWindowHours,
			Overrides: maps.Clone(rt.MetadataOverrides[t]),
		})
	}
	return d
}

// restoreTypes are, by policy, the configured restore testing resource
// types that the stores tagged with the policy have, in configured order.
func restoreTypes(stores []Store, tagKey string, configured []string) map[string][]string {
	have := map[string]map[string]bool{}
	for _, st := range stores {
		p, ok := st.Tags[tagKey]
		t, known := restoreTypeOfKind[st.Kind]
		if !ok || !known {
			continue
		}
		if have[p] == nil {
			have[p] = map[string]bool{}
		}
		have[p][t] = true
	}
	out := map[string][]string{}
	for p, types := range have {
		for _, t := range configured {
			if types[t] {
				out[p] = append(out[p], t)
			}
		}
	}
	return out
}
