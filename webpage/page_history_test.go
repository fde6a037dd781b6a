package webpage

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

const acct, other = "111111111111", "222222222222"

func act(service, account, resource, action string, status reconcile.Status, reason string, details map[string]string) reconcile.Action {
	return reconcile.Action{Service: service, Account: account, Region: "eu-west-2", Resource: resource, Action: action, Status: status, Reason: reason, Details: details}
}

// estate is a night and a morning of an estate as the services report
// it: the shutdown service's actions carry no owner tags, the audit's
// carry the application, a backup job's the application and team email.
func estate(t *testing.T) (Source, state.Keeper) {
	t.Helper()
	store := state.NewTolerant(state.NewMemory(), nil)
	src := Source{Latest: &Latest{}, Series: NewSeries(store), Location: time.UTC}
	ctx := context.Background()
	observe := func(at time.Time, res reconcile.Result) {
		src.Latest.Observe(ctx, at, res)
		src.Series.History().Observe(ctx, at, res, 0, src.Latest.Owners())
	}
	night, morning := t0, t0.Add(12*time.Hour) // Tue 19:05, Wed 07:05
	observe(night.Add(-time.Hour), reconcile.Result{Service: "audit", Actions: []reconcile.Action{
		act("audit", acct, "i-1", "reliability.ec2-backup", reconcile.Reported, "no backup plan", map[string]string{"application": "payments", "pillar": "reliability", "name": "web-1"}),
		act("audit", acct, "i-1", "security.imdsv2", reconcile.Reported, "IMDSv1 allowed", map[string]string{"application": "payments", "pillar": "security", "name": "web-1"}),
		act("audit", acct, "i-2", "security.imdsv2", reconcile.Reported, "IMDSv1 allowed", map[string]string{"application": "payments", "pillar": "security"}),
		act("audit", other, "orders-db", "reliability.rds-multi-az", reconcile.Reported, "single AZ", map[string]string{"application": "R&D orders", "pillar": "reliability"}),
		act("audit", acct, "i-9", "tagging.mandatory-tags", reconcile.Reported, "no Application tag", map[string]string{"application": "(untagged)", "pillar": "operations"}),
		act("audit", acct, "sg-0def", "security.default-sg", reconcile.Reported, "default security group allows traffic", map[string]string{"platform": "vpc-1", "pillar": "security"}),
	}})
	observe(night, reconcile.Result{Service: "shutdown", Actions: []reconcile.Action{
		act("shutdown", acct, "i-1", "stop", reconcile.Done, "off period default", map[string]string{"name": "web-1", "schedule": "default"}),
		act("shutdown", acct, "i-2", "stop", reconcile.Failed, "off period default", map[string]string{"schedule": "default"}),
		act("shutdown", other, "i-7", "stop", reconcile.Done, "off period default", map[string]string{"schedule": "default"}),
		act("shutdown", acct, "i-8", "report", reconcile.Reported, "production resource has OOOShutdown=true", nil),
	}})
	observe(night.Add(2*time.Hour), reconcile.Result{Service: "backup", Actions: []reconcile.Action{
		act("backup", acct, "arn:aws:ec2:eu-west-2:111111111111:instance/i-1", "report-backup-job", reconcile.Reported, "backup job FAILED",
			map[string]string{"application": "payments", "team_email": "payments-team@example.com"}),
	}})
	observe(morning, reconcile.Result{Service: "shutdown", Actions: []reconcile.Action{
		act("shutdown", acct, "i-1", "start", reconcile.Done, "on period default", map[string]string{"name": "web-1", "schedule": "default"}),
		act("shutdown", acct, "i-2", "none", reconcile.Planned, "on period default", map[string]string{"schedule": "default"}),
		act("shutdown", other, "i-7", "start", reconcile.Done, "on period default", map[string]string{"schedule": "default"}),
		act("shutdown", acct, "i-8", "report", reconcile.Reported, "production resource has OOOShutdown=true", nil),
	}})
	return src, store
}

// section is the page from the heading with id to the next heading.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `<h2 id="`+id+`">`)
	if i < 0 {
		t.Fatalf("no section %q:\n%s", id, body)
	}
	s := body[i+1:]
	if j := strings.Index(s, "<h2"); j >= 0 {
		s = s[:j]
	}
	return s
}

var recentRow = regexp.MustCompile(`<tr><td class="nw">([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>[^<]+</td><td>([^<]+)</td>`)

// recent lists the history's rows as "when service account resource".
func recent(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	for _, m := range recentRow.FindAllStringSubmatch(section(t, body, "recent"), -1) {
		out = append(out, strings.Join(m[1:], " | "))
	}
	return out
}

// The night's stops are still there in the morning, with their times,
// newest first, and the findings are not among them.
func TestPageListsTheHistoryNewestFirstWithTimes(t *testing.T) {
	src, _ := estate(t)
	_, body := get(t, Handler(src), "/")
	want := []string{
		"Wed 25 Nov 07:05 UTC | shutdown | 111111111111 | i-1 (web-1)",
		"Wed 25 Nov 07:05 UTC | shutdown | 222222222222 | i-7",
		"Tue 24 Nov 19:05 UTC | shutdown | 111111111111 | i-1 (web-1)",
		"Tue 24 Nov 19:05 UTC | shutdown | 111111111111 | i-2",
		"Tue 24 Nov 19:05 UTC | shutdown | 222222222222 | i-7",
	}
	if got := recent(t, body); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("recent actions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	rec := section(t, body, "recent")
	for _, want := range []string{"over the last 7 days, newest first", `<td class="failed">failed</td>`, "<td>payments</td>", `<span class="muted">not known</span>`} {
		if !strings.Contains(rec, want) {
			t.Errorf("recent actions lack %q:\n%s", want, rec)
		}
	}
	if strings.Contains(rec, "IMDSv1") || strings.Contains(rec, "i-8") {
		t.Error("findings are listed as recent actions")
	}
	if f := section(t, body, "findings"); !strings.Contains(f, "production resource has OOOShutdown=true") || strings.Contains(f, "IMDSv1") {
		t.Errorf("the last runs' findings lack the shutdown's report, or list the audit's findings one by one:\n%s", f)
	}
}

func TestPageFiltersNarrowTheHistory(t *testing.T) {
	src, _ := estate(t)
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"?account=222222222222", []string{"Wed 25 Nov 07:05 UTC | shutdown | 222222222222 | i-7", "Tue 24 Nov 19:05 UTC | shutdown | 222222222222 | i-7"}},
		{"?status=failed", []string{"Tue 24 Nov 19:05 UTC | shutdown | 111111111111 | i-2"}},
		{"?application=payments&status=", []string{"Wed 25 Nov 07:05 UTC | shutdown | 111111111111 | i-1 (web-1)", "Tue 24 Nov 19:05 UTC | shutdown | 111111111111 | i-1 (web-1)", "Tue 24 Nov 19:05 UTC | shutdown | 111111111111 | i-2"}},
		{"?service=shutdown&account=111111111111&application=payments&status=done", []string{"Wed 25 Nov 07:05 UTC | shutdown | 111111111111 | i-1 (web-1)", "Tue 24 Nov 19:05 UTC | shutdown | 111111111111 | i-1 (web-1)"}},
		{"?service=backup", nil},
	} {
		_, body := get(t, Handler(src), "/"+c.query)
		if got := recent(t, body); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s:\n%s\nwant:\n%s", c.query, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
		if c.want == nil && !strings.Contains(body, "No action matches these filters.") {
			t.Errorf("%s: the page does not say nothing matches", c.query)
		}
	}
	_, body := get(t, Handler(src), "/?status=failed")
	form := section(t, body, "recent")
	for _, want := range []string{`<form method="get" action="/#recent" class="filters">`, `<select name="service">`, `<select name="account">`,
		`<select name="application">`, `<option value="payments">payments</option>`, `<option value="failed" selected>failed</option>`, `<a href="/#recent">clear the filters</a>`} {
		if !strings.Contains(form, want) {
			t.Errorf("the filter form lacks %q:\n%s", want, form)
		}
	}
}

// The audit's findings are summed up per application, each linking to
// its part of /report, not listed one by one.
func TestPageSumsUpTheAuditPerApplication(t *testing.T) {
	src, _ := estate(t)
	_, body := get(t, Handler(src), "/")
	a := section(t, body, "audit")
	for _, want := range []string{
		"The audit of Tue 24 Nov 18:05 UTC: 6 failing findings in 4 applications.",
		`<tr><td>payments</td><td>3</td><td>1 reliability, 2 security</td><td><a href="/report?application=payments">`,
		`<tr><td>R&amp;D orders</td><td>1</td><td>1 reliability</td><td><a href="/report?application=R%26D%20orders">`,
		`<tr><td>(untagged)</td><td>1</td><td>1 operations</td><td><a href="/report?application=%28untagged%29">`,
		`<tr><td>(platform)</td><td>1</td><td>1 security</td><td><a href="/report">`,
	} {
		if !strings.Contains(a, want) {
			t.Errorf("the audit summary lacks %q:\n%s", want, a)
		}
	}
	if strings.Index(a, "payments") > strings.Index(a, "(untagged)") || strings.Index(a, "(untagged)") > strings.Index(a, "(platform)") {
		t.Errorf("applications not in the report's order:\n%s", a)
	}
	if strings.Contains(body, "IMDSv1 allowed") {
		t.Error("the page lists an audit finding")
	}
}

// A team finds its resources by its address, or part of it, though the
// shutdown service's actions do not carry the TeamEmail tag: another
// service's action on the resource says it.
func TestPageSearchFindsAResourceByTeamEmail(t *testing.T) {
	src, _ := estate(t)
	// By the team's address, or part of it: i-1, whose backup job says it;
	// by the application: i-2 too, whose audit findings say it.
	for q, cards := range map[string]int{"payments-team@example.com": 1, "PAYMENTS-TEAM": 1, "payments": 2} {
		_, body := get(t, Handler(src), "/?q="+q)
		found := section(t, body, "search")
		i := strings.Index(found, "<h3>i-1 (web-1)")
		if i < 0 {
			t.Errorf("%s: i-1 not found:\n%s", q, found)
			continue
		}
		card := found[i:]
		card = card[:strings.Index(card, "</div>")]
		for _, want := range []string{"application payments, team payments-team@example.com", "<td>shutdown</td><td>start</td>", "<td>audit</td><td>security.imdsv2</td>", "<td>backup</td><td>report-backup-job</td>",
			"What opsd did to it lately", "<td class=\"nw\">Tue 24 Nov 19:05 UTC</td><td>shutdown</td><td>stop</td>"} {
			if !strings.Contains(card, want) {
				t.Errorf("%s: i-1's card lacks %q:\n%s", q, want, card)
			}
		}
		if n := strings.Count(found, `<div class="card">`); strings.Contains(found, "i-7") || n != cards {
			t.Errorf("%s: %d resources, want %d, not another team's i-7:\n%s", q, n, cards, found)
		}
	}
}

// A follower, which has run nothing, shows the leader's history.
func TestPageOnAFollowerShowsTheLeadersHistory(t *testing.T) {
	_, store := estate(t)
	follower := Source{Latest: &Latest{}, Series: NewSeries(store), Location: time.UTC}
	_, body := get(t, Handler(follower), "/?status=done")
	if got := recent(t, body); len(got) != 4 || got[0] != "Wed 25 Nov 07:05 UTC | shutdown | 111111111111 | i-1 (web-1)" {
		t.Errorf("the follower's recent actions: %q", got)
	}
}
