package audit

import (
	"slices"
	"strings"
	"testing"
)

func TestCollectorFailureIsAGapNeverAPass(t *testing.T) {
	inv := &Inventory{Account: testAccount, Region: testRegion,
		Tables: []Table{{Resource: res(KindDynamoDB, "t", prodTags("pay"))}},
		Failed: map[Source]error{SourceS3: errText("list s3 buckets: AccessDenied"), SourceCloudWatch: errText("describe cloudwatch alarms: AccessDenied")},
	}
	fs, gaps := evaluate(registry(), defaultRules(), inv)
	for _, f := range fs {
		if f.Kind == KindS3Bucket {
			t.Errorf("finding on a bucket although buckets could not be listed: %+v", f)
		}
	}
	if len(gaps) != 2 {
		t.Fatalf("gaps = %+v, want one for s3 and one for cloudwatch", gaps)
	}
	byS := map[Source]Gap{}
	for _, g := range gaps {
		byS[g.Source] = g
		if g.Account != testAccount || g.Region != testRegion || g.Error == "" {
			t.Errorf("gap %+v does not name its account, region and error", g)
		}
	}
	s3 := byS[SourceS3]
	for _, id := range []string{"security.encryption-at-rest", "security.s3-block-public-access", "tagging.mandatory-tags"} {
		if !slices.Contains(s3.Checks, id) {
			t.Errorf("s3 gap does not name %s: %v", id, s3.Checks)
		}
	}
	if slices.Contains(s3.Checks, "reliability.dynamodb-pitr") {
		t.Errorf("s3 gap names a check that never reads S3: %v", s3.Checks)
	}
	if cw := byS[SourceCloudWatch]; !slices.Contains(cw.Checks, "monitoring.dlq-alarm") || !strings.Contains(cw.Error, "AccessDenied") {
		t.Errorf("cloudwatch gap = %+v", cw)
	}
	// Checks that do not read the failed collectors still judge.
	if !slices.ContainsFunc(fs, func(f Finding) bool { return f.Check == "reliability.dynamodb-pitr" && f.Status == Fail }) {
		t.Error("the table was not judged")
	}
}

func TestEveryCheckIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	pillars := map[Pillar]bool{}
	for _, c := range registry() {
		if seen[c.ID] {
			t.Errorf("check id %s is used twice", c.ID)
		}
		seen[c.ID] = true
		pillars[c.Pillar] = true
		if !strings.HasPrefix(c.ID, string(c.Pillar)+".") {
			t.Errorf("check %s does not start with its pillar %s", c.ID, c.Pillar)
		}
		if c.Title == "" || len(c.Kinds) == 0 || c.Evaluate == nil {
			t.Errorf("check %s lacks a title, kinds or an evaluate function", c.ID)
		}
		for _, k := range c.Kinds {
			if sourceOf(k) == "" {
				t.Errorf("check %s judges kind %s that no collector lists", c.ID, k)
			}
		}
		// An empty inventory yields no findings and does not panic.
		if fs := c.Evaluate(defaultRules(), &Inventory{}); len(fs) != 0 {
			t.Errorf("check %s finds %v in an empty inventory", c.ID, fs)
		}
	}
	for _, p := range Pillars() {
		if !pillars[p] {
			t.Errorf("pillar %s has no check", p)
		}
	}
	if got := len(Checks()); got != len(registry()) {
		t.Errorf("Checks() lists %d, registry %d", got, len(registry()))
	}
}

func TestSkippedChecksAreNotRun(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SkipChecks = []string{"cost.database-engine", "monitoring.api-xray"}
	got := checkIDsOf(enabledChecks(cfg))
	if slices.Contains(got, "cost.database-engine") || slices.Contains(got, "monitoring.api-xray") || len(got) != len(registry())-2 {
		t.Errorf("enabled checks = %v", got)
	}
}
