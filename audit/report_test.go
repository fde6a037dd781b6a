package audit

import (
	"testing"
	"time"
)

func finding(check string, pillar Pillar, st Status, app, resource string) Finding {
	return Finding{Check: check, Pillar: pillar, Status: st, Application: app, Account: testAccount, Region: testRegion, Kind: KindS3Bucket, Resource: resource, Reason: "because"}
}

var testNow = time.Date(2026, 5, 4, 7, 0, 0, 0, time.UTC)

func TestReportTalliesAndScores(t *testing.T) {
	fs := []Finding{
		finding("security.encryption-at-rest", PillarSecurity, Pass, "pay", "a"),
		finding("security.encryption-at-rest", PillarSecurity, Pass, "pay", "b"),
		finding("security.s3-block-public-access", PillarSecurity, Fail, "pay", "b"),
		finding("tagging.mandatory-tags", PillarTagging, Pass, "pay", "a"),
		finding("tagging.mandatory-tags", PillarTagging, NotApplicable, "pay", "c"),
		finding("tagging.mandatory-tags", PillarTagging, Unknown, "pay", "d"),
		finding("tagging.mandatory-tags", PillarTagging, Fail, Untagged, "x"),
		finding("security.encryption-at-rest", PillarSecurity, Pass, "Auth", "z"),
	}
	rep := buildReport(testNow, Checks(), fs, nil)
	var names []string
	for _, a := range rep.Applications {
		names = append(names, a.Name)
	}
	if got := names; len(got) != 3 || got[0] != "Auth" || got[1] != "pay" || got[2] != Untagged {
		t.Fatalf("applications = %v, want Auth, pay, (untagged)", got)
	}
	pay := rep.Application("pay")
	if o := pay.Overall; o.Passed != 3 || o.Failed != 1 || o.NotApplicable != 1 || o.Unknown != 1 || o.Score == nil || *o.Score != 75 {
		t.Errorf("pay overall = %+v score %v", o, o.Score)
	}
	if s := pay.Pillar(PillarSecurity); s.Passed != 2 || s.Failed != 1 || *s.Score != 66 {
		t.Errorf("pay security = %+v (score rounds down: 2/3 is 66)", s)
	}
	if s := pay.Pillar(PillarCost); s.Score != nil || s.Passed+s.Failed+s.Unknown+s.NotApplicable != 0 {
		t.Errorf("pay cost = %+v, want nothing", s)
	}
	if len(pay.Pillars) != len(Pillars()) {
		t.Errorf("pillars = %+v", pay.Pillars)
	}
	if first := pay.Findings[0]; first.Status != Fail {
		t.Errorf("findings do not start with the failure: %+v", pay.Findings)
	}
	if u := rep.Application(Untagged); *u.Overall.Score != 0 {
		t.Errorf("untagged score = %d", *u.Overall.Score)
	}
	if got := len(rep.Failures()); got != 2 {
		t.Errorf("failures = %d", got)
	}

	one := rep.Filter("PAY")
	if len(one.Applications) != 1 || one.Applications[0].Name != "pay" || len(one.Checks) != len(rep.Checks) {
		t.Errorf("Filter(PAY) = %+v", one.Applications)
	}
	if none := rep.Filter("nothing"); len(none.Applications) != 0 {
		t.Errorf("Filter(nothing) = %+v", none.Applications)
	}
	if (*Report)(nil).Filter("x") != nil {
		t.Error("a nil report filters to something")
	}
}

func TestCompareFindsNewAndFixedFailures(t *testing.T) {
	prev := buildReport(testNow, Checks(), []Finding{
		finding("security.s3-block-public-access", PillarSecurity, Fail, "pay", "old-fail"),
		finding("security.s3-block-public-access", PillarSecurity, Fail, "pay", "still-fail"),
		finding("security.s3-block-public-access", PillarSecurity, Pass, "pay", "new-fail"),
		finding("security.s3-block-public-access", PillarSecurity, Fail, "gone-app", "g"),
	}, nil)
	cur := buildReport(testNow.Add(24*time.Hour), Checks(), []Finding{
		finding("security.s3-block-public-access", PillarSecurity, Pass, "pay", "old-fail"),
		finding("security.s3-block-public-access", PillarSecurity, Fail, "pay", "still-fail"),
		finding("security.s3-block-public-access", PillarSecurity, Fail, "pay", "new-fail"),
		finding("security.s3-block-public-access", PillarSecurity, Fail, "fresh", "f"),
	}, nil)
	got := map[string]Change{}
	for _, ch := range compare(prev, cur) {
		got[ch.Application] = ch
	}
	pay := got["pay"]
	if len(pay.NewFailures) != 1 || pay.NewFailures[0].Resource != "new-fail" || len(pay.Fixed) != 1 || pay.Fixed[0].Resource != "old-fail" {
		t.Errorf("pay change = %+v", pay)
	}
	if !pay.Known || *pay.Previous != 33 || *pay.Score != 33 || pay.Failing != 2 {
		t.Errorf("pay scores = %v → %v, failing %d", *pay.Previous, *pay.Score, pay.Failing)
	}
	if f := got["fresh"]; f.Known || len(f.NewFailures) != 1 {
		t.Errorf("fresh = %+v", f)
	}
	if g := got["gone-app"]; !g.Gone || len(g.Fixed) != 1 {
		t.Errorf("gone-app = %+v", g)
	}
	// A failure that could not be assessed this time is not fixed, nor
	// one that could not be assessed last time new.
	unread := buildReport(testNow.Add(48*time.Hour), Checks(), []Finding{
		finding("security.s3-block-public-access", PillarSecurity, Unknown, "pay", "still-fail"),
	}, []Gap{{Account: testAccount, Region: testRegion, Source: SourceS3, Error: "AccessDenied"}})
	for _, ch := range compare(cur, unread) {
		if len(ch.Fixed) != 0 {
			t.Errorf("%s: fixed %v although its buckets could not be read", ch.Application, ch.Fixed)
		}
	}
	for _, ch := range compare(unread, cur) {
		if len(ch.NewFailures) != 0 {
			t.Errorf("%s: new %v although its buckets could not be read before", ch.Application, ch.NewFailures)
		}
	}
	for _, ch := range compare(nil, cur) {
		if len(ch.NewFailures) != 0 || len(ch.Fixed) != 0 || ch.Known {
			t.Errorf("first assessment reports changes: %+v", ch)
		}
	}
}
