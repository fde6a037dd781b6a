package audit

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/opsd-dev/opsd/notify"
)

// Room for the summary's text: Slack shows at most 3000 characters of a
// section.
const (
	summaryTextBudget = 2800
	maxNewLines       = 25
	maxFixedLines     = 10
	maxGapLines       = 5
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
				mrkdwn(f.Application), mrkdwn(cur.checkTitle(f.Check)), mrkdwn(f.Label()), f.Account, f.Region, mrkdwn(f.Reason)))
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

	var b textBudget
	b.limit = summaryTextBudget
	if prev == nil {
		b.line("First assessment since opsd started: no earlier report to compare with.")
	}
	b.section("New failures", newLines, maxNewLines)
	b.section("Fixed", fixedLines, maxFixedLines)
	b.section("Not assessed", gapLines, maxGapLines)
	if reportURL != "" {
		b.line("<" + reportURL + "|Full report>")
	}
	return notify.Message{
		Kind:     notify.KindAudit,
		Severity: sev,
		Title:    title,
		Text:     b.String(),
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

// textBudget builds a message text of at most limit characters.
type textBudget struct {
	limit int
	lines []string
	size  int
}

func (b *textBudget) fits(s string) bool { return b.size+len(s)+1 <= b.limit }

func (b *textBudget) line(s string) {
	if b.fits(s) {
		b.lines = append(b.lines, s)
		b.size += len(s) + 1
	}
}

// section adds a heading and at most max of lines, as many as fit, and
// says how many were left out.
func (b *textBudget) section(heading string, lines []string, max int) {
	if len(lines) == 0 {
		return
	}
	b.line("*" + heading + "*")
	shown := 0
	for _, l := range lines {
		more := fmt.Sprintf("_…and %d more_", len(lines)-shown)
		if shown == max || !b.fits(l) || (shown < len(lines)-1 && b.size+len(l)+len(more)+2 > b.limit) {
			b.line(more)
			return
		}
		b.line(l)
		shown++
	}
}

func (b *textBudget) String() string { return strings.Join(b.lines, "\n") }
