package audit

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// Helpers for the checks' table tests: hand-built inventories judged by
// the default rules.

const (
	testAccount = "111111111111"
	testRegion  = "eu-west-2"
)

// tags builds a tag map from key, value pairs.
func tags(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// prodTags are complete, valid tags of a production resource of app.
func prodTags(app string, extra ...string) map[string]string {
	m := tags("Application", app, "Environment", "production", "TeamEmail", "team@example.org", "Confidentiality", "Internal", "BackupPolicy", "Prod")
	maps.Copy(m, tags(extra...))
	return m
}

// devTags are the same for a development resource.
func devTags(app string, extra ...string) map[string]string {
	m := prodTags(app, "Environment", "development", "BackupPolicy", "Dev")
	maps.Copy(m, tags(extra...))
	return m
}

func res(kind Kind, id string, t map[string]string) Resource {
	return Resource{Kind: kind, ID: id, Tags: t}
}

// want is the expected verdict on one resource: its status and words its
// reason contains.
type want struct {
	status Status
	reason string
}

// checkCase is one row of a check's table test.
type checkCase struct {
	name string
	inv  Inventory
	// rules changes the default rules; nil keeps them.
	rules func(*Rules)
	// want maps resource id to its verdict; every finding must be listed.
	want map[string]want
}

func defaultRules() *Rules { return newRules(DefaultConfig()) }

// runCheck judges each case's inventory with c the way an assessment does
// (production-only and missing collectors applied) and compares.
func runCheck(t *testing.T, c Check, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := defaultRules()
			if tc.rules != nil {
				tc.rules(r)
			}
			inv := tc.inv
			inv.Account, inv.Region = testAccount, testRegion
			fs, _ := evaluate([]Check{c}, r, &inv)
			got := map[string]Finding{}
			for _, f := range fs {
				if _, dup := got[f.Resource]; dup {
					t.Errorf("two findings on %s", f.Resource)
				}
				got[f.Resource] = f
				if f.Check != c.ID || f.Pillar != c.Pillar || f.Account != testAccount || f.Region != testRegion {
					t.Errorf("finding %+v does not name its check, pillar, account and region", f)
				}
			}
			for id, w := range tc.want {
				f, ok := got[id]
				if !ok {
					t.Errorf("no finding on %s (have %v)", id, slices.Sorted(maps.Keys(got)))
					continue
				}
				if f.Status != w.status || !strings.Contains(f.Reason, w.reason) {
					t.Errorf("%s: %s %q, want %s containing %q", id, f.Status, f.Reason, w.status, w.reason)
				}
			}
			for id, f := range got {
				if _, ok := tc.want[id]; !ok {
					t.Errorf("unexpected finding on %s: %s %q", id, f.Status, f.Reason)
				}
			}
		})
	}
}

// privateNet and publicNet are subnets in three AZs of vpc-1.
func privateNet() []Subnet {
	return []Subnet{
		{ID: "subnet-a", VPC: "vpc-1", AZ: "eu-west-2a"},
		{ID: "subnet-b", VPC: "vpc-1", AZ: "eu-west-2b"},
		{ID: "subnet-c", VPC: "vpc-1", AZ: "eu-west-2c"},
		{ID: "subnet-pub", VPC: "vpc-1", AZ: "eu-west-2a", Public: true, Route: "route table rtb-1: 0.0.0.0/0 → igw-1"},
		{ID: "subnet-other", VPC: "vpc-2", AZ: "eu-west-2a"},
	}
}
