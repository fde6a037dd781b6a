package patching

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/opsd-dev/opsd/internal/slackrecord"
	"github.com/opsd-dev/opsd/notify"
)

func TestScanReportSaysNothingWhenAllIsWell(t *testing.T) {
	p := testPlanner(t, nil)
	run := scanRunAt(tuesdayScan)
	it := newItem(inst("i-1", stateRunning), PurposeScan, run, ptr(online("Ubuntu")), VerbResult, "scanned")
	it.Outcome = &Outcome{Command: "c-1", Status: "Success", State: &PatchState{}}
	if r, ok := p.scanReport(run, []*Item{it}); ok {
		t.Errorf("report for an up-to-date fleet: %+v", r)
	}
}

func TestReportPlainTextForSNS(t *testing.T) {
	p := testPlanner(t, nil)
	run := scanRunAt(tuesdayScan)
	missing := newItem(inst("i-1", stateRunning, "Name=web"), PurposeScan, run, ptr(online("Windows")), VerbResult, "")
	missing.Outcome = &Outcome{Command: "c-1", Status: "Success", State: &PatchState{SecurityNonCompliant: 4}, Important: 4}
	skipped := newItem(inst("i-2", stateStopped), PurposeScan, run, nil, VerbReport, "not scanned: stopped")
	r, ok := p.scanReport(run, []*Item{skipped, missing})
	if !ok {
		t.Fatal("no report")
	}
	text := r.plain()
	for _, want := range []string{"Patch scan Tue 24 Nov 02:00 GMT: 1 instance missing critical or important patches, 1 not scanned",
		"i-1 | web | 123456789012 | eu-west-2", "Not scanned", "i-2 (123456789012/eu-west-2): stopped"} {
		if !strings.Contains(text, want) {
			t.Errorf("plain text lacks %q:\n%s", want, text)
		}
	}
	if strings.ContainsAny(text, "`*") {
		t.Errorf("plain text keeps Slack markup:\n%s", text)
	}
	if m := r.message(); m.Kind != notify.KindPatching || m.Severity != notify.Warning || !strings.Contains(m.Text, "*Not scanned*") {
		t.Errorf("message %+v", m)
	}
}

func TestTailKeepsTheEnd(t *testing.T) {
	if got := tail("short", 10); got != "short" {
		t.Errorf("tail = %q", got)
	}
	if got := tail("0123456789", 4); got != "…6789" {
		t.Errorf("tail = %q", got)
	}
	if got := tail("ééééé", 3); got != "…é" {
		t.Errorf("tail cut a rune: %q", got)
	}
}

// The report of a patch run of 56 instances, some of which failed with
// their step's output, reaches Slack whole through the real client: every
// instance is a row of some message, the messages after the first are
// replies in its thread, and each is within Slack's limits.
func TestRunReportOf56InstancesReachesSlackWhole(t *testing.T) {
	p := testPlanner(t, nil)
	run := installRun("default", sundayWindow)
	var items []*Item
	var ids []string
	for n := range 56 {
		id := fmt.Sprintf("i-0%016x", 0xabc000+n)
		ids = append(ids, id)
		platform := "Windows"
		if n%2 == 1 {
			platform = "Ubuntu"
		}
		it := newItem(inst(id, stateRunning, fmt.Sprintf("Name=web-%02d", n)), PurposeInstall, run, ptr(online(platform)), VerbResult, "")
		it.Outcome = &Outcome{Command: "c-1", Status: "Success"}
		if n%9 == 0 {
			it.Reason = "PatchLinux failed"
			it.Outcome = &Outcome{Command: "c-1", Status: "Failed", Failed: true, Step: "PatchLinux",
				Output: strings.Repeat("E: Could not get lock /var/lib/dpkg/lock-frontend\n", 20)}
		}
		items = append(items, it)
	}
	r, ok := p.runReport(run, items)
	if !ok {
		t.Fatal("no report")
	}
	srv := slackrecord.Start(t)
	n, err := notify.NewSlack(notify.SlackOptions{Token: "xoxb-test", Channel: "C-PATCH", APIURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(t.Context(), r.message()); err != nil {
		t.Fatalf("Notify: %v", err)
	}

	posts := srv.Posts()
	if len(posts) < 2 {
		t.Errorf("%d messages, want the report to continue in a thread", len(posts))
	}
	rows := map[string]int{}
	for i, post := range posts {
		if ts := post.Form.Get("thread_ts"); (i == 0) != (ts == "") || (i > 0 && ts != "1.1") {
			t.Errorf("message %d has thread_ts %q; want none for the first, the first's (1.1) for the rest", i+1, ts)
		}
		var blocks slack.Blocks
		if err := json.Unmarshal([]byte(post.Form.Get("blocks")), &blocks); err != nil {
			t.Fatal(err)
		}
		if len(blocks.BlockSet) > 50 {
			t.Errorf("message %d has %d blocks, over Slack's 50", i+1, len(blocks.BlockSet))
		}
		total := 0
		for _, b := range blocks.BlockSet {
			sec, ok := b.(*slack.SectionBlock)
			if !ok || sec.Text == nil {
				continue
			}
			text := sec.Text.Text
			total += utf8.RuneCountInString(text)
			if err := sec.Text.Validate(); err != nil {
				t.Errorf("message %d: %v", i+1, err)
			}
			if !strings.HasPrefix(text, "```\nInstance ") {
				continue
			}
			for _, line := range strings.Split(text, "\n") {
				if id, _, ok := strings.Cut(line, " "); ok && strings.HasPrefix(id, "i-") {
					rows[id]++
				}
			}
		}
		if total > 12000 {
			t.Errorf("message %d holds %d characters of text, over what Slack takes in one message", i+1, total)
		}
	}
	for _, id := range ids {
		if rows[id] != 1 {
			t.Errorf("%s is in %d rows, want 1", id, rows[id])
		}
	}
	if len(rows) != len(ids) {
		t.Errorf("%d rows, want %d", len(rows), len(ids))
	}
}

// The Platform column names the operating system in a few words, from
// what SSM's DescribeInstanceInformation reports.
func TestShortPlatform(t *testing.T) {
	for _, tt := range []struct {
		typ, name, version, want string
	}{
		{"Windows", "Microsoft Windows Server 2022 Datacenter", "10.0.20348", "Windows Server 2022"},
		{"Windows", "Microsoft Windows Server 2025 Datacenter", "10.0.26100", "Windows Server 2025"},
		{"Windows", "Microsoft Windows Server 2019 Datacenter", "10.0.17763", "Windows Server 2019"},
		{"Windows", "Microsoft Windows Server 2019 Standard", "10.0.17763", "Windows Server 2019"},
		{"Windows", "Microsoft Windows Server 2016 Datacenter", "10.0.14393", "Windows Server 2016"},
		{"Windows", "Microsoft Windows Server 2012 R2 Standard", "6.3.9600", "Windows Server 2012 R2"},
		{"Windows", "Microsoft Windows Server 2022 Datacenter: Azure Edition", "10.0.20348", "Windows Server 2022"},
		{"Windows", "Microsoft® Windows Server® 2008 R2 Enterprise", "6.1.7601", "Windows Server 2008 R2"},
		{"Windows", "Microsoft Windows Server Datacenter", "10.0.17763", "Windows Server 10.0.17763"},
		{"Windows", "Microsoft Windows 11 Pro", "10.0.22631", "Windows 11"},
		{"Windows", "", "10.0.20348", "Windows 10.0.20348"},
		{"Linux", "Ubuntu", "22.04", "Ubuntu 22.04"},
		{"Linux", "Ubuntu", "24.04", "Ubuntu 24.04"},
		{"Linux", "Amazon Linux", "2023", "Amazon Linux 2023"},
		{"Linux", "Amazon Linux", "2", "Amazon Linux 2"},
		{"Linux", "Red Hat Enterprise Linux", "9.4", "Red Hat Enterprise Linux 9.4"},
		{"Linux", "SLES", "15.5", "SLES 15.5"},
		{"Linux", "", "", "Linux"},
		{"MacOS", "macOS", "14.4", "macOS 14.4"},
	} {
		m := Managed{PingStatus: "Online", PlatformType: tt.typ, PlatformName: tt.name, PlatformVersion: tt.version}
		if got := shortPlatform(m); got != tt.want {
			t.Errorf("%s %q %q = %q, want %q", tt.typ, tt.name, tt.version, got, tt.want)
		}
	}
}

// A report's Platform column is the short name; without SSM's view it is
// EC2's platform.
func TestReportPlatformColumn(t *testing.T) {
	p := testPlanner(t, nil)
	run := installRun("default", sundayWindow)
	win := newItem(inst("i-1", stateRunning), PurposeInstall, run, ptr(online("Windows")), VerbResult, "")
	win.Outcome = &Outcome{Command: "c-1", Status: "Success"}
	ubu := newItem(inst("i-2", stateRunning), PurposeInstall, run, ptr(online("Ubuntu")), VerbResult, "")
	ubu.Outcome = &Outcome{Command: "c-1", Status: "Success"}
	gone := newItem(inst("i-3", stateRunning), PurposeInstall, run, nil, VerbResult, "")
	gone.Instance.PlatformDetails = "Windows"
	gone.Outcome = &Outcome{Command: "c-1", Status: "Success"}
	r, ok := p.runReport(run, []*Item{win, ubu, gone})
	if !ok {
		t.Fatal("no report")
	}
	var got []string
	for _, row := range r.table.Rows {
		got = append(got, row[4])
	}
	if want := "[Windows Server 2022 Ubuntu 22.04 Windows]"; fmt.Sprint(got) != want {
		t.Errorf("platforms %v, want %s", got, want)
	}
}
