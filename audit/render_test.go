package audit

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// sampleReport has a compliant application, a failing one with a hostile
// name and reason, an untagged resource and a gap.
func sampleReport() *Report {
	hostile := `<script>alert("x")</script>`
	fs := []Finding{
		finding("security.encryption-at-rest", PillarSecurity, Pass, "compliant", "good-bucket"),
		finding("tagging.mandatory-tags", PillarTagging, Pass, "compliant", "good-bucket"),
		finding("security.encryption-at-rest", PillarSecurity, Pass, hostile, "ok-bucket"),
		{Check: "security.s3-block-public-access", Pillar: PillarSecurity, Status: Fail, Application: hostile, Account: testAccount, Region: testRegion,
			Kind: KindS3Bucket, Resource: "leaky-bucket", Reason: `Block Public Access is not fully on: <img src=x onerror=alert(1)> off`},
		{Check: "monitoring.api-canary", Pillar: PillarMonitoring, Status: Unknown, Application: hostile, Account: testAccount, Region: testRegion,
			Kind: KindRestAPI, Resource: "a1", Name: "orders-api", Reason: "not assessed: synthetics could not be read"},
		finding("tagging.mandatory-tags", PillarTagging, Fail, Untagged, "stray-bucket"),
	}
	return buildReport(testNow, Checks(), fs, []Gap{{Account: "222222222222", Region: testRegion, Source: SourceMSK, Checks: []string{"security.encryption-at-rest"}, Error: "list msk clusters: AccessDenied"}})
}

func TestWriteHTMLEscapesAndIsSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<script", "<img", "http:", "https:", "<link", "@import", "url(", "javascript:"} {
		if strings.Contains(strings.ToLower(page), bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{
		"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;",
		"leaky-bucket", "&lt;img src=x onerror=alert(1)&gt; off",
		"orders-api (a1)", "list msk clusters: AccessDenied", "222222222222",
		"Assessed 2026-05-04 07:00 UTC · 3 applications · 2 failing",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// One summary row per application, in order, with its cells coloured.
	rows := regexp.MustCompile(`(?s)<tr id="row-(app-\d+-[a-z0-9-]*)">(.*?)</tr>`).FindAllStringSubmatch(page, -1)
	if len(rows) != 3 {
		t.Fatalf("%d summary rows, want 3", len(rows))
	}
	wantCells := []string{"fail none none none none none", "pass none none none none pass", "none none none none none fail"}
	for i, row := range rows {
		anchor := row[1]
		var classes []string
		for _, m := range regexp.MustCompile(`class="cell (\w+)"><a href="#([^"]+)"`).FindAllStringSubmatch(row[2], -1) {
			classes = append(classes, m[1])
			if m[2] != anchor {
				t.Errorf("row %d cell links to #%s, not #%s", i, m[2], anchor)
			}
		}
		if got := strings.Join(classes, " "); got != wantCells[i] {
			t.Errorf("row %d cells = %s, want %s", i, got, wantCells[i])
		}
		if !strings.Contains(page, `<section id="`+anchor+`">`) {
			t.Errorf("no section %s", anchor)
		}
	}
	if rows[0][1] != "app-1-script-alert-x-script" || rows[1][1] != "app-2-compliant" || rows[2][1] != "app-3-untagged" {
		t.Errorf("anchors = %s, %s, %s", rows[0][1], rows[1][1], rows[2][1])
	}
	if !strings.Contains(rows[0][2], ">0/0 ?1</a>") {
		t.Errorf("the not-assessed finding is not shown in its monitoring cell: %s", rows[0][2])
	}
}

func TestWriteHTMLWithoutApplications(t *testing.T) {
	var buf bytes.Buffer
	if err := writeHTML(&buf, sampleReport().Filter("<nope>"), "<nope>"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "No application named “&lt;nope&gt;” was found.") {
		t.Errorf("page:\n%s", buf.String())
	}
}

func TestWriteText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"Production readiness, assessed 2026-05-04 07:00 UTC: 3 applications, 2 failing",
		"APPLICATION", "SECURITY", "compliant", "100%",
		"FAIL     security.s3-block-public-access  s3-bucket leaky-bucket (111111111111/eu-west-2): Block Public Access",
		"UNKNOWN  monitoring.api-canary  api-gateway-rest-api orders-api (a1)",
		"pass     Data is encrypted at rest: 1",
		"Not assessed:", "222222222222/eu-west-2 msk: list msk clusters: AccessDenied (checks: security.encryption-at-rest)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	buf.Reset()
	if err := WriteText(&buf, nil); err != nil || !strings.Contains(buf.String(), "No assessment has run yet") {
		t.Errorf("nil report: %q, %v", buf.String(), err)
	}
}

func TestWriteJSONRoundTrips(t *testing.T) {
	var buf bytes.Buffer
	rep := sampleReport()
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Applications) != 3 || len(back.Gaps) != 1 || len(back.Checks) != len(registry()) || !back.GeneratedAt.Equal(testNow) {
		t.Errorf("round trip lost data: %+v", back)
	}
	if s := back.Application("compliant").Overall.Score; s == nil || *s != 100 {
		t.Errorf("score = %v", s)
	}
	var raw map[string]any
	_ = json.Unmarshal(buf.Bytes(), &raw)
	app := raw["applications"].([]any)[1].(map[string]any)
	if _, ok := app["pillars"].([]any)[0].(map[string]any)["passed"]; !ok {
		t.Errorf("pillar tallies are not flat: %v", app["pillars"])
	}
}
