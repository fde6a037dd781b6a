package audit

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/opsd-dev/opsd/notify"
)

// summarize builds the Slack summary of an assessment: a table with every
// application's score and what changed since prev (nil for the first
// assessment), applications with new failures first; then the new
// failures, what was fixed and what could not be assessed.
func summarize(prev, cur *Report, reportURL string) notify.Message {
	changes := compare(prev, cur)
	sort.SliceStable(changes, func(i, j int) bool {
		return len(changes[i].NewFailures) > 0 && len(changes[j].NewFailures) == 0
	})
	var failing, newN, fixedN int
	table := &notify.Table{Columns: []string{"Application", "Score", "Change", "Failing", "New", "Fixed"}}
	var newLines, fixedLines []string
	for _, ch := range changes {
		failing += ch.Failing
		newN += len(ch.NewFailures)
		fixedN += len(ch.Fixed)
		table.Rows = append(table.Rows, []string{
			ch.Application, scoreText(ch.Score), changeText(prev != nil, ch),
			strconv.Itoa(ch.Failing), strconv.Itoa(len(ch.NewFailures)), strconv.Itoa(len(ch.Fixed)),
		})
		for _, f := range ch.NewFailures {
			newLines = append(newLines, fmt.Sprintf("• *%s* · %s · `%s` (%s/%s): %s",
				mrkdwn(ch.Application), mrkdwn(cur.checkTitle(f.Check)), mrkdwn(f.Label()), f.Account, f.Region, mrkdwn(f.Reason)))
		}
		for _, f := range ch.Fixed {
			fixedLines = append(fixedLines, fmt.Sprintf("• *%s* · %s · `%s` (%s/%s)",
				mrkdwn(ch.Application), mrkdwn(cur.checkTitle(f.Check)), mrkdwn(f.Label()), f.Account, f.Region))
		}
	}
	var gapLines []string
	for _, g := range cur.Gaps {
		what := string(g.Source)
		if what == "" {
			what = "everything"
		}
		gapLines = append(gapLines, fmt.Sprintf("• %s/%s %s: %s", g.Account, g.Region, what, mrkdwn(g.Error)))
	}

	title := fmt.Sprintf("Production readiness: %s, %s failing", notify.Count(len(cur.Applications), "application", "applications"), strconv.Itoa(failing))
	if prev != nil {
		title += fmt.Sprintf(" (%d new, %d fixed)", newN, fixedN)
	}
	sev := notify.Info
	switch {
	case newN > 0:
		sev = notify.Error
	case failing > 0 || len(cur.Gaps) > 0:
		sev = notify.Warning
	}

	// Every line is listed: a notifier that cannot show them in one
	// message continues in more (Slack, in the message's thread).
	var text []string
	if prev == nil {
		text = append(text, "First assessment since opsd started: no earlier report to compare with.")
	}
	section := func(heading string, lines []string) {
		if len(lines) > 0 {
			text = append(append(text, "*"+heading+"*"), lines...)
		}
	}
	section("New failures", newLines)
	section("Fixed", fixedLines)
	section("Not assessed", gapLines)
	if reportURL != "" {
		text = append(text, "<"+reportURL+"|Full report>")
	}
	return notify.Message{
		Kind:     notify.KindAudit,
		Severity: sev,
		Title:    title,
		Text:     strings.Join(text, "\n"),
		Table:    table,
	}
}

// notAssessed is the message sent when no account or region could be
// assessed at all.
func notAssessed(errs []error) notify.Message {
	var lines []string
	for _, err := range errs {
		lines = append(lines, "• "+mrkdwn(err.Error()))
	}
	return notify.Message{
		Kind:     notify.KindAudit,
		Severity: notify.Error,
		Title:    "Production readiness: not assessed",
		Text:     strings.Join(lines, "\n"),
	}
}

func scoreText(s *int) string {
	if s == nil {
		return "–"
	}
	return strconv.Itoa(*s) + "%"
}

// changeText is the change of an application's score: "+5", "-3", "new",
// "gone" or "" when nothing moved.
func changeText(havePrev bool, ch Change) string {
	switch {
	case !havePrev:
		return ""
	case ch.Gone:
		return "gone"
	case !ch.Known:
		return "new"
	case ch.Score == nil || ch.Previous == nil || *ch.Score == *ch.Previous:
		return ""
	}
	return fmt.Sprintf("%+d", *ch.Score-*ch.Previous)
}

// mrkdwn escapes the characters Slack gives meaning in mrkdwn text, and
// the backtick, which would end a code span: tag values are user input.
func mrkdwn(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "`", "'").Replace(s)
}
