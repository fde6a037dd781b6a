package backup

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func testAuditor() auditor {
	return auditor{keys: DefaultTagKeys(), policies: []string{"Dev", "Mgmt", "Preprod", "Prod", "Stg"}, exempt: []string{"None"}, production: []string{"production", "prod"}}
}

func st(kind Kind, id string, tags map[string]string) Store {
	return Store{Kind: kind, ID: id, ARN: "arn:" + id, Account: "123456789012", Region: "eu-west-2", Tags: tags}
}

func TestTagFindings(t *testing.T) {
	a := testAuditor()
	stores := []Store{
		st(KindDBInstance, "untagged-db", map[string]string{"Application": "orders"}),
		st(KindTable, "wrong-case", map[string]string{"BackupPolicy": "prod"}),
		st(KindFileSystem, "unknown", map[string]string{"BackupPolicy": "Gold"}),
		st(KindDBCluster, "tagged", map[string]string{"BackupPolicy": "Prod"}),
		st(KindVolume, "exempt", map[string]string{"BackupPolicy": "None"}),
		st(KindInstance, "i-tagged", map[string]string{"BackupPolicy": "Dev"}),
		st(KindInstance, "i-untagged", nil),
		st(KindInstance, "i-asg", map[string]string{"aws:autoscaling:groupName": "web"}),
		{Kind: KindVolume, ID: "vol-asg", AttachedTo: []string{"i-asg"}},
		{Kind: KindVolume, ID: "vol-root", AttachedTo: []string{"i-tagged"}},     // covered by its instance
		{Kind: KindVolume, ID: "vol-orphan", AttachedTo: []string{"i-untagged"}}, // not covered
	}
	got := map[string]Finding{}
	for _, f := range a.tagFindings(stores) {
		got[f.Store.ID] = f
	}
	want := map[string]Problem{"untagged-db": ProblemUntagged, "wrong-case": ProblemUnknownPolicy, "unknown": ProblemUnknownPolicy,
		"i-untagged": ProblemUntagged, "vol-orphan": ProblemUntagged}
	if len(got) != len(want) {
		t.Errorf("findings for %v, want %v", sortedKeys(got), sortedKeys(want))
	}
	for id, p := range want {
		if got[id].Problem != p {
			t.Errorf("%s: %q, want %q", id, got[id].Problem, p)
		}
	}
	if txt := got["wrong-case"].Text; !strings.Contains(txt, `did you mean "Prod"?`) {
		t.Errorf("wrong-case text = %q", txt)
	}
	if txt := got["unknown"].Text; !strings.Contains(txt, "policies: Dev, Mgmt, Preprod, Prod, Stg") {
		t.Errorf("unknown text = %q", txt)
	}
}

func TestPITRFindingsOnlyInProduction(t *testing.T) {
	a := testAuditor()
	off, on := aws.Bool(false), aws.Bool(true)
	stores := []Store{
		{Kind: KindTable, ID: "prod-off", Tags: map[string]string{"Environment": "Production"}, PITR: off},
		{Kind: KindTable, ID: "prod-on", Tags: map[string]string{"Environment": "prod"}, PITR: on},
		{Kind: KindTable, ID: "dev-off", Tags: map[string]string{"Environment": "development"}, PITR: off},
		{Kind: KindTable, ID: "no-env", PITR: off},
		{Kind: KindDBInstance, ID: "db", Tags: map[string]string{"Environment": "prod"}},
	}
	var ids []string
	for _, f := range a.pitrFindings(stores) {
		ids = append(ids, f.Store.ID)
	}
	if !slices.Equal(ids, []string{"prod-off"}) {
		t.Errorf("PITR findings = %v, want [prod-off]", ids)
	}
	if !a.needsPITRCheck(stores[0]) || a.needsPITRCheck(stores[2]) || a.needsPITRCheck(stores[4]) {
		t.Error("needsPITRCheck is wrong")
	}
}

func TestOwner(t *testing.T) {
	k := DefaultTagKeys()
	for _, tc := range []struct {
		tags map[string]string
		want string
	}{
		{map[string]string{"TeamEmail": "a@example.org", "Application": "x"}, "a@example.org"},
		{map[string]string{"Application": "orders"}, "Application orders"},
		{nil, "no TeamEmail or Application tag"},
	} {
		if got := k.owner(Store{Tags: tc.tags}); got != tc.want {
			t.Errorf("owner(%v) = %q, want %q", tc.tags, got, tc.want)
		}
	}
}

func TestStaleBackups(t *testing.T) {
	now := testNow
	f := freshness{a: testAuditor(), rpo: map[string]time.Duration{"Prod": 24 * time.Hour, "Dev": 12 * time.Hour},
		planCreated: map[string]time.Time{"Prod": now.Add(-30 * 24 * time.Hour), "Dev": now.Add(-time.Hour)}, grace: 2 * time.Hour}
	old := now.Add(-365 * 24 * time.Hour)
	stores := []Store{
		{Kind: KindInstance, ID: "fresh", ARN: "a:fresh", Tags: map[string]string{"BackupPolicy": "Prod"}, Created: old},
		{Kind: KindInstance, ID: "stale", ARN: "a:stale", Tags: map[string]string{"BackupPolicy": "Prod"}, Created: old},
		{Kind: KindInstance, ID: "edge", ARN: "a:edge", Tags: map[string]string{"BackupPolicy": "Prod"}, Created: old},
		{Kind: KindInstance, ID: "never", ARN: "a:never", Tags: map[string]string{"BackupPolicy": "Prod"}, Created: old},
		{Kind: KindInstance, ID: "new", ARN: "a:new", Tags: map[string]string{"BackupPolicy": "Prod"}, Created: now.Add(-time.Hour)},
		{Kind: KindInstance, ID: "young-plan", ARN: "a:young", Tags: map[string]string{"BackupPolicy": "Dev"}, Created: old},
		{Kind: KindInstance, ID: "untagged", ARN: "a:untagged", Created: old},
	}
	last := map[string]time.Time{
		"a:fresh":    now.Add(-20 * time.Hour),
		"a:stale":    now.Add(-27 * time.Hour),
		"a:edge":     now.Add(-26 * time.Hour),
		"a:untagged": now.Add(-1000 * time.Hour),
	}
	var got []string
	for _, s := range f.stale(stores, last, now) {
		got = append(got, s.Store.ID)
		switch s.Store.ID {
		case "stale":
			if want := "latest backup 27h ago, at 2026-11-23T09:00:00Z (policy Prod allows 26h)"; s.Text(now) != want {
				t.Errorf("text = %q, want %q", s.Text(now), want)
			}
		case "never":
			if !strings.Contains(s.Text(now), "never backed up") {
				t.Errorf("text = %q", s.Text(now))
			}
		}
	}
	if want := []string{"never", "stale"}; !slices.Equal(got, want) {
		t.Errorf("stale = %v, want %v", got, want)
	}
}
