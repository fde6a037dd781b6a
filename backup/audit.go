package backup

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Problem is what the audit found wrong with a data store.
type Problem string

// Audit problems.
const (
	// ProblemUntagged is a data store without the BackupPolicy tag.
	ProblemUntagged Problem = "untagged"
	// ProblemUnknownPolicy is a BackupPolicy value no policy defines, so
	// no selection chooses the resource.
	ProblemUnknownPolicy Problem = "unknown-policy"
	// ProblemNoPITR is a production DynamoDB table without point-in-time
	// recovery.
	ProblemNoPITR Problem = "no-pitr"
)

// Finding is one data store the audit reports.
type Finding struct {
	Store   Store
	Problem Problem
	// Text says what is wrong, for people.
	Text string
}

// key identifies the finding across reconciles, so it is told once.
func (f Finding) key() string {
	return strings.Join([]string{f.Store.Account, f.Store.Region, string(f.Store.Kind), f.Store.ID, string(f.Problem), f.Text}, "|")
}

// auditor decides which data stores lack a valid backup tag and which
// tables need point-in-time recovery. It is pure.
type auditor struct {
	keys TagKeys
	// policies are the defined BackupPolicy values.
	policies []string
	// exempt are values that mean "deliberately not backed up".
	exempt []string
	// production are the environment values that mean production
	// (case-insensitive).
	production []string
}

// policy returns the store's BackupPolicy value when a policy defines it.
func (a auditor) policy(s Store) (string, bool) {
	v, ok := s.Tags[a.keys.BackupPolicy]
	return v, ok && slices.Contains(a.policies, v)
}

// isProduction reports whether the store's environment tag says
// production.
func (a auditor) isProduction(s Store) bool {
	env := strings.TrimSpace(s.Tags[a.keys.Environment])
	return env != "" && slices.ContainsFunc(a.production, func(p string) bool { return strings.EqualFold(strings.TrimSpace(p), env) })
}

// needsPITRCheck reports whether the store is a table whose point-in-time
// recovery must be looked at.
func (a auditor) needsPITRCheck(s Store) bool { return s.Kind == KindTable && a.isProduction(s) }

// asgTag is the tag EC2 Auto Scaling puts on the instances of a group.
const asgTag = "aws:autoscaling:groupName"

// tagFindings returns the data stores without a valid BackupPolicy tag,
// in a stable order. A volume attached to an instance with a valid tag is
// covered by the instance's backup and not reported. Members of an Auto
// Scaling group, and their volumes, are not reported either: the group
// replaces them at will, so they hold nothing to restore.
func (a auditor) tagFindings(stores []Store) []Finding {
	covered := map[string]bool{}
	for _, s := range stores {
		if _, ok := a.policy(s); s.Kind == KindInstance && (ok || s.Tags[asgTag] != "") {
			covered[s.ID] = true
		}
	}
	var out []Finding
	for _, s := range stores {
		v, tagged := s.Tags[a.keys.BackupPolicy]
		switch {
		case tagged && slices.Contains(a.policies, v), tagged && slices.Contains(a.exempt, v):
			continue
		case s.Kind == KindInstance && s.Tags[asgTag] != "":
			continue
		case s.Kind == KindVolume && slices.ContainsFunc(s.AttachedTo, func(id string) bool { return covered[id] }):
			continue
		case !tagged:
			out = append(out, Finding{Store: s, Problem: ProblemUntagged, Text: "no " + a.keys.BackupPolicy + " tag"})
		default:
			out = append(out, Finding{Store: s, Problem: ProblemUnknownPolicy, Text: a.unknownText(v)})
		}
	}
	sortFindings(out)
	return out
}

// unknownText explains a BackupPolicy value no policy defines.
func (a auditor) unknownText(v string) string {
	s := fmt.Sprintf("%s=%q is not a policy", a.keys.BackupPolicy, v)
	for _, p := range a.policies {
		if strings.EqualFold(strings.TrimSpace(v), p) {
			return s + fmt.Sprintf(" (did you mean %q? AWS Backup compares values case-sensitively)", p)
		}
	}
	return s + " (policies: " + strings.Join(a.policies, ", ") + ")"
}

// pitrFindings returns the production tables observed without
// point-in-time recovery.
func (a auditor) pitrFindings(stores []Store) []Finding {
	var out []Finding
	for _, s := range stores {
		if a.needsPITRCheck(s) && s.PITR != nil && !*s.PITR {
			out = append(out, Finding{Store: s, Problem: ProblemNoPITR, Text: "production table without point-in-time recovery"})
		}
	}
	sortFindings(out)
	return out
}

// owner is who a store belongs to, for grouping reports: its team email,
// else its application, else no one known.
func (k TagKeys) owner(s Store) string {
	if v := strings.TrimSpace(s.Tags[k.TeamEmail]); v != "" {
		return v
	}
	if v := strings.TrimSpace(s.Tags[k.Application]); v != "" {
		return k.Application + " " + v
	}
	return "no " + k.TeamEmail + " or " + k.Application + " tag"
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		x, y := fs[i].Store, fs[j].Store
		if x.Account != y.Account {
			return x.Account < y.Account
		}
		if x.Region != y.Region {
			return x.Region < y.Region
		}
		if x.Kind != y.Kind {
			return x.Kind < y.Kind
		}
		return x.ID < y.ID
	})
}
