package patching

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/notify"
)

// maxMessageOutput bounds a failing step's output in a message: its end,
// where the error usually is.
const maxMessageOutput = 600

// report is a message before it is rendered for Slack or SNS.
type report struct {
	title    string
	severity notify.Severity
	table    *notify.Table
	sections []section
}

type section struct {
	heading string
	lines   []string
}

func (r *report) add(heading string, lines []string) {
	if len(lines) > 0 {
		r.sections = append(r.sections, section{heading, lines})
	}
}

// message renders the report for the notifier (Slack mrkdwn).
func (r *report) message() notify.Message {
	var text []string
	for _, s := range r.sections {
		text = append(text, "*"+s.heading+"*")
		text = append(text, s.lines...)
	}
	return notify.Message{Kind: notify.KindPatching, Severity: r.severity, Title: r.title, Text: strings.Join(text, "\n"), Table: r.table}
}

// plain renders the report as plain text (SNS).
func (r *report) plain() string {
	var b strings.Builder
	b.WriteString(r.title + "\n")
	if r.table != nil && len(r.table.Rows) > 0 {
		b.WriteString("\n" + strings.Join(r.table.Columns, " | ") + "\n")
		for _, row := range r.table.Rows {
			b.WriteString(strings.Join(row, " | ") + "\n")
		}
	}
	for _, s := range r.sections {
		b.WriteString("\n" + s.heading + "\n")
		for _, l := range s.lines {
			b.WriteString(strings.NewReplacer("*", "", "`", "").Replace(l) + "\n")
		}
	}
	return b.String()
}

// sortItems orders items by account, region and instance.
func sortItems(items []*Item) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].Instance, items[j].Instance
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.ID < b.ID
	})
}

// describe names an item's instance for a message: "`i-0abc` web-1
// (123456789012/eu-west-2)".
func describe(it *Item) string {
	s := "`" + it.Instance.ID + "`"
	if n := it.Instance.Name(); n != "" {
		s += " " + n
	}
	return s + " (" + it.Instance.Account + "/" + it.Instance.Region + ")"
}

// platformName is the instance's operating system for a table, short:
// "Windows Server 2022", "Ubuntu 22.04".
func platformName(it *Item) string {
	if m := it.Managed; m != nil && m.OS() != "" {
		return shortPlatform(*m)
	}
	if it.Instance.PlatformDetails != "" {
		return it.Instance.PlatformDetails
	}
	return "-"
}

// windowsEditions are the words of a Windows product name that name its
// edition or installation rather than its release.
var windowsEditions = map[string]bool{
	"datacenter": true, "standard": true, "essentials": true, "foundation": true, "web": true,
	"enterprise": true, "evaluation": true, "core": true, "pro": true, "professional": true,
	"education": true, "home": true, "edition": true, "azure": true, "for": true, "workstations": true,
}

// shortPlatform names an operating system as SSM reports it in a few
// words. Windows drops "Microsoft", trademark signs, the edition and the
// build number ("Microsoft Windows Server 2022 Datacenter", "10.0.20348"
// is "Windows Server 2022"), keeping the build only when the name has no
// release of its own; anything else is its name and version ("Ubuntu
// 22.04", "Amazon Linux 2023").
func shortPlatform(m Managed) string {
	name := strings.TrimSpace(m.PlatformName)
	if !strings.EqualFold(m.PlatformType, "Windows") && !strings.Contains(strings.ToLower(name), "windows") {
		return m.OS()
	}
	name = strings.NewReplacer("®", " ", "™", " ", "(R)", " ", "(TM)", " ").Replace(name)
	name, _, _ = strings.Cut(name, ":")
	var words []string
	release := false
	for _, w := range strings.Fields(name) {
		switch lw := strings.ToLower(w); {
		case lw == "microsoft" || windowsEditions[lw]:
			continue
		case lw[0] >= '0' && lw[0] <= '9':
			release = true
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		words = []string{"Windows"}
	}
	if !release && m.PlatformVersion != "" {
		words = append(words, m.PlatformVersion)
	}
	return strings.Join(words, " ")
}

// failureLine describes a failed command on an instance, with the end of
// the failing step's output.
func failureLine(it *Item) string {
	o := it.Outcome
	line := "• " + describe(it) + ": " + it.Reason
	if out := strings.TrimSpace(o.Output); out != "" {
		line += "\n```" + tail(out, maxMessageOutput) + "```"
	}
	return line
}

// scanReport is the report of a scan run: the instances missing Critical
// or Important patches (the alert), the scans that failed and the
// instances that could not be scanned. ok is false when there is nothing
// to say: every instance scanned is up to date.
func (p *Planner) scanReport(run Run, items []*Item) (*report, bool) {
	sortItems(items)
	table := &notify.Table{Columns: []string{"Instance", "Name", "Account", "Region", "Platform", "Missing critical", "Missing important", "Last scan"}}
	var failed, noState, notScanned []string
	for _, it := range items {
		switch o := it.Outcome; {
		case it.Verb == VerbReport:
			notScanned = append(notScanned, "• "+describe(it)+": "+strings.TrimPrefix(it.Reason, "not scanned: "))
		case o == nil:
		case o.Failed:
			failed = append(failed, failureLine(it))
		case o.State == nil:
			noState = append(noState, "• "+describe(it)+": "+it.Reason)
		case o.Critical+o.Important > 0:
			last := "-"
			if !o.State.OperationEnd.IsZero() {
				last = localTime(o.State.OperationEnd, p.scan.loc)
			}
			table.Rows = append(table.Rows, []string{it.Instance.ID, orDash(it.Instance.Name()), it.Instance.Account, it.Instance.Region,
				platformName(it), strconv.Itoa(o.Critical), strconv.Itoa(o.Important), last})
		}
	}
	missing := len(table.Rows)
	if missing+len(failed)+len(noState)+len(notScanned) == 0 {
		return nil, false
	}
	var parts []string
	if missing > 0 {
		parts = append(parts, fmt.Sprintf("%d %s missing critical or important patches", missing, plural(missing, "instance", "instances")))
	}
	if n := len(failed) + len(noState); n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s failed", n, plural(n, "scan", "scans")))
	}
	if n := len(notScanned); n > 0 {
		parts = append(parts, fmt.Sprintf("%d not scanned", n))
	}
	r := &report{
		title:    fmt.Sprintf("Patch scan %s: %s", p.scanLocal(run), strings.Join(parts, ", ")),
		severity: notify.Warning,
	}
	if len(failed)+len(noState) > 0 {
		r.severity = notify.Error
	}
	if missing > 0 {
		r.table = table
	}
	r.add("Scan failed", append(failed, noState...))
	r.add("Not scanned", notScanned)
	return r, true
}

// runReport is the report of an install run: what was installed, what
// failed (with the failing step's output), what waits for a reboot and
// what was not patched.
func (p *Planner) runReport(run Run, items []*Item) (*report, bool) {
	if len(items) == 0 {
		return nil, false
	}
	sortItems(items)
	table := &notify.Table{Columns: []string{"Instance", "Name", "Account", "Region", "Platform", "Result"}}
	var installed, pending int
	var failed, reboot, notPatched []string
	for _, it := range items {
		result := ""
		switch o := it.Outcome; {
		case it.Verb == VerbReport:
			result = "not patched"
			notPatched = append(notPatched, "• "+describe(it)+": "+strings.TrimPrefix(it.Reason, "not patched: "))
		case o == nil:
			continue
		case o.Failed:
			result = "failed"
			failed = append(failed, failureLine(it))
		case o.PendingReboot > 0:
			pending++
			result = fmt.Sprintf("installed; %d pending reboot", o.PendingReboot)
			reboot = append(reboot, fmt.Sprintf("• %s: %d %s installed wait for a reboot", describe(it), o.PendingReboot, plural(o.PendingReboot, "patch", "patches")))
		default:
			installed++
			result = "installed"
		}
		if it.Woken && it.Verb == VerbResult {
			result += " (started for the window)"
		}
		table.Rows = append(table.Rows, []string{it.Instance.ID, orDash(it.Instance.Name()), it.Instance.Account, it.Instance.Region, platformName(it), result})
	}
	if len(table.Rows) == 0 {
		return nil, false
	}
	title := fmt.Sprintf("Patch run %s (%s): %d installed, %d failed, %d pending reboot, %d not patched",
		run.Window, p.runLocal(run), installed, len(failed), pending, len(notPatched))
	r := &report{title: title, severity: notify.Info, table: table}
	switch {
	case len(failed) > 0:
		r.severity = notify.Error
	case len(notPatched)+pending > 0:
		r.severity = notify.Warning
	}
	r.add("Failed", failed)
	r.add("Pending reboot", reboot)
	r.add("Not patched", notPatched)
	return r, true
}

// runLocal formats an install run's start in its window's timezone.
func (p *Planner) runLocal(r Run) string {
	if w := p.window(r.Window); w != nil {
		return w.local(r.Start)
	}
	return localTime(r.Start, time.UTC)
}

// problemsReport tells about instances whose patch tag names no window.
func problemsReport(items []*Item) *report {
	sortItems(items)
	var lines []string
	for _, it := range items {
		lines = append(lines, "• "+describe(it)+": "+it.Reason)
	}
	r := &report{
		title:    fmt.Sprintf("Patching: %d %s cannot be patched as tagged", len(items), plural(len(items), "instance", "instances")),
		severity: notify.Warning,
	}
	r.add("Tag names no patch window (nothing was guessed)", lines)
	return r
}

// errorsReport tells about accounts and regions that could not be
// reached.
func errorsReport(errs []error) *report {
	var lines []string
	for _, err := range errs {
		lines = append(lines, "• "+err.Error())
	}
	r := &report{
		title:    fmt.Sprintf("Patching: %d %s failed", len(errs), plural(len(errs), "account or region", "accounts or regions")),
		severity: notify.Error,
	}
	r.add("Not reached", lines)
	return r
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
