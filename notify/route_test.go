package notify

import (
	"context"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/internal/slackrecord"
)

func TestRouteChannelFirstMatchWins(t *testing.T) {
	routes := []Route{
		{TeamEmails: []string{"Payments@Example.com"}, Kinds: []Kind{KindBackup, KindDLQ}, Channel: "C-pay-data"},
		{TeamEmails: []string{"payments@example.com"}, Channel: "C-pay"},
		{Kinds: []Kind{KindBackup}, Severities: []Severity{Error}, Environments: []string{"production", "prod"}, Channel: "C-oncall"},
		{Accounts: []string{"222222222222"}, Channel: "C-sandbox"},
		{Applications: []string{"ledger"}, Channel: "C-ledger"},
	}
	cases := map[string]struct {
		msg  Message
		want string
	}{
		"team and kind":              {Message{Kind: KindDLQ, Labels: Labels{TeamEmail: "payments@example.com"}}, "C-pay-data"},
		"team, other kind":           {Message{Kind: KindShutdown, Labels: Labels{TeamEmail: " PAYMENTS@example.com "}}, "C-pay"},
		"kind severity env":          {Message{Kind: KindBackup, Severity: Error, Labels: Labels{Environment: "Prod"}}, "C-oncall"},
		"severity differs":           {Message{Kind: KindBackup, Severity: Warning, Labels: Labels{Environment: "prod"}}, ""},
		"environment unknown":        {Message{Kind: KindBackup, Severity: Error}, ""},
		"account":                    {Message{Kind: KindMonitor, Labels: Labels{Account: "222222222222"}}, "C-sandbox"},
		"application":                {Message{Kind: KindPatching, Labels: Labels{Application: "Ledger"}}, "C-ledger"},
		"a summary of many owners":   {Message{Kind: KindPatching}, ""},
		"other account, no owner":    {Message{Kind: KindMonitor, Labels: Labels{Account: "333333333333"}}, ""},
		"team wins over environment": {Message{Kind: KindBackup, Severity: Error, Labels: Labels{Environment: "production", TeamEmail: "payments@example.com"}}, "C-pay-data"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := RouteChannel(routes, tc.msg)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("RouteChannel = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
}

func TestAnEmptyRouteMatchesEverything(t *testing.T) {
	if !(Route{Channel: "C"}).Matches(Message{}) {
		t.Error("a route with no conditions did not match")
	}
}

func TestCommonLabelsKeepsWhatAllShare(t *testing.T) {
	a := Labels{Account: "111111111111", Region: "eu-west-2", Environment: "production", TeamEmail: "pay@example.com", Application: "ledger"}
	b := Labels{Account: "111111111111", Region: "eu-west-1", Environment: "production", TeamEmail: "pay@example.com", Application: "cards"}
	got := CommonLabels(a, b)
	want := Labels{Account: "111111111111", Environment: "production", TeamEmail: "pay@example.com"}
	if got != want {
		t.Errorf("CommonLabels = %+v, want %+v", got, want)
	}
	if CommonLabels() != (Labels{}) || CommonLabels(a) != a {
		t.Error("CommonLabels of none or one is wrong")
	}
}

func TestSlackRoutesEachMessageToItsChannel(t *testing.T) {
	srv := slackrecord.Start(t)
	s, err := NewSlack(SlackOptions{
		Token: "xoxb-test", Channel: "C-default", Channels: map[Kind]string{KindBackup: "C-backup"},
		Routes: []Route{{TeamEmails: []string{"pay@example.com"}, Channel: "C-pay"}},
		APIURL: srv.URL(), MaxRetries: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := []Message{
		{Kind: KindBackup, Severity: Error, Title: "routed", Labels: Labels{TeamEmail: "pay@example.com"}},
		{Kind: KindBackup, Severity: Error, Title: "by kind", Labels: Labels{TeamEmail: "other@example.com"}},
		{Kind: KindShutdown, Severity: Info, Title: "default"},
	}
	for _, m := range msgs {
		if err := s.Notify(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	posts := srv.Posts()
	if len(posts) != 3 {
		t.Fatalf("%d posts, want 3", len(posts))
	}
	for i, want := range []string{"C-pay", "C-backup", "C-default"} {
		if got := posts[i].Form.Get("channel"); got != want {
			t.Errorf("post %d (%s) went to %q, want %q", i, msgs[i].Title, got, want)
		}
		if !strings.Contains(posts[i].Form.Get("text"), msgs[i].Title) {
			t.Errorf("post %d text %q lacks %q", i, posts[i].Form.Get("text"), msgs[i].Title)
		}
	}
}

func TestSlackWithOnlyRoutesIsValid(t *testing.T) {
	s, err := NewSlack(SlackOptions{Token: "xoxb-test", Routes: []Route{{Kinds: []Kind{KindDLQ}, Channel: "C-dlq"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.ChannelForMessage(Message{Kind: KindShutdown}); got != "" {
		t.Errorf("unrouted message goes to %q, want none", got)
	}
	if err := s.Notify(context.Background(), Message{Kind: KindShutdown}); err == nil {
		t.Error("an unrouted message with no fallback channel did not fail")
	}
}
