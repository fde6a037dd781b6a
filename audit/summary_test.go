package audit

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/notify"
)

func TestSummaryFirstAssessment(t *testing.T) {
	cur := buildReport(testNow, Checks(), []Finding{
		finding("security.s3-block-public-access", PillarSecurity, Fail, "pay", "b1"),
		finding("security.encryption-at-rest", PillarSecurity, Pass, "pay", "b1"),
		finding("security.encryption-at-rest", PillarSecurity, Pass, "auth", "b2"),
	}, []Gap{{Account: testAccount, Region: testRegion, Source: SourceMSK, Error: "list msk clusters: AccessDenied"}})
	msg := summarize(nil, cur, "https://opsd.example.org/report")
	if msg.Kind != notify.KindAudit || msg.Severity != notify.Warning {
		t.Errorf("kind %s severity %s", msg.Kind, msg.Severity)
	}
	if msg.Title != "Production readiness: 2 applications, 1 failing" {
		t.Errorf("title = %q", msg.Title)
	}
	for _, want := range []string{"First assessment", "*Not assessed*", "111111111111/eu-west-2 msk: list msk clusters: AccessDenied", "<https://opsd.example.org/report|Full report>"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, msg.Text)
		}
	}
	if strings.Contains(msg.Text, "New failures") {
		t.Errorf("a first assessment lists new failures:\n%s", msg.Text)
	}
	want := [][]string{{"auth", "100%", "", "0", "0", "0"}, {"pay", "50%", "", "1", "0", "0"}}
	if fmt.Sprint(msg.Table.Rows) != fmt.Sprint(want) {
		t.Errorf("rows = %q, want %q", msg.Table.Rows, want)
	}
}

func TestSummaryChangesNewFailuresFirst(t *testing.T) {
	prev := buildReport(testNow, Checks(), []Finding{
		finding("security.s3-block-public-access", PillarSecurity, Fail, "auth", "fixed-bucket"),
		finding("security.s3-block-public-access", PillarSecurity, Pass, "zed", "z1"),
		finding("security.s3-block-public-access", PillarSecurity, Pass, "zed", "z2"),
	}, nil)
	cur := buildReport(testNow.Add(24*time.Hour), Checks(), []Finding{
		finding("security.s3-block-public-access", PillarSecurity, Pass, "auth", "fixed-bucket"),
		finding("security.s3-block-public-access", PillarSecurity, Pass, "zed", "z1"),
		{Check: "security.s3-block-public-access", Pillar: PillarSecurity, Status: Fail, Application: "zed", Account: testAccount, Region: testRegion,
			Kind: KindS3Bucket, Resource: "z2", Reason: "policy <b>&`x`"},
	}, nil)
	msg := summarize(prev, cur, "")
	if msg.Severity != notify.Error || msg.Title != "Production readiness: 2 applications, 1 failing (1 new, 1 fixed)" {
		t.Errorf("severity %s title %q", msg.Severity, msg.Title)
	}
	if got := msg.Table.Rows[0]; got[0] != "zed" || got[2] != "-50" || got[4] != "1" {
		t.Errorf("first row = %q, want zed with -50 and one new failure", got)
	}
	if got := msg.Table.Rows[1]; got[0] != "auth" || got[2] != "+100" || got[5] != "1" {
		t.Errorf("second row = %q", got)
	}
	newAt, fixedAt := strings.Index(msg.Text, "*New failures*"), strings.Index(msg.Text, "*Fixed*")
	if newAt < 0 || fixedAt < newAt {
		t.Errorf("new failures do not come first:\n%s", msg.Text)
	}
	if !strings.Contains(msg.Text, "policy &lt;b&gt;&amp;'x'") || strings.Contains(msg.Text, "<b>") {
		t.Errorf("user text not escaped for mrkdwn:\n%s", msg.Text)
	}
	if !strings.Contains(msg.Text, "`fixed-bucket`") {
		t.Errorf("fixed resource missing:\n%s", msg.Text)
	}
}

func TestSummaryListsEveryNewFailure(t *testing.T) {
	var prevF, curF []Finding
	for i := range 200 {
		r := fmt.Sprintf("bucket-with-a-rather-long-name-%03d", i)
		prevF = append(prevF, finding("security.s3-block-public-access", PillarSecurity, Pass, "pay", r))
		curF = append(curF, finding("security.s3-block-public-access", PillarSecurity, Fail, "pay", r))
	}
	msg := summarize(buildReport(testNow, Checks(), prevF, nil), buildReport(testNow, Checks(), curF, nil), "")
	for i := range 200 {
		if r := fmt.Sprintf("`bucket-with-a-rather-long-name-%03d`", i); strings.Count(msg.Text, r) != 1 {
			t.Errorf("%s is listed %d times, want once", r, strings.Count(msg.Text, r))
		}
	}
}
