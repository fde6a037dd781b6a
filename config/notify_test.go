package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestNotifyRoutingAndPagingMistakesNameTheirKeys(t *testing.T) {
	_, err := parse(t, `
notify:
  slack: {token: x, channel: C0}
  routes:
    - {services: [billing], severities: [loud], accounts: ["12"], team_emails: [""], channel: ""}
    - {environments: [production], chanel: C2}
  pagerduty: {routing_key: k, routing_key_ssm_parameter: /p, events_url: "ftp://x", production_environments: []}
  sns: {topic_arn: "arn:aws:sqs:eu-west-2:123456789012:q"}
`)
	got := strings.Join(problems(t, err), "\n")
	for _, want := range []string{
		`notify.routes[0].channel: is required`,
		`notify.routes[0].services[0]: "billing" is not a kind of event`,
		`notify.routes[0].severities[0]: "loud" is not a severity`,
		`notify.routes[0].accounts[0]: "12" is not a 12-digit account id`,
		`notify.routes[0].team_emails[0]: is empty`,
		`notify.routes[1].chanel: unknown key (did you mean "channel"?)`,
		`notify.pagerduty.routing_key_ssm_parameter: set either routing_key or routing_key_ssm_parameter`,
		`notify.pagerduty.events_url: "ftp://x" is not an http(s) URL`,
		`notify.pagerduty.production_environments: at least one environment is required`,
		`notify.sns.topic_arn: "arn:aws:sqs:eu-west-2:123456789012:q" is not an SNS topic ARN`,
		`notify.routes[1].channel: is required`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}

func TestRoutesNeedSlack(t *testing.T) {
	_, err := parse(t, `notify: {routes: [{channel: C1}]}`)
	if got := strings.Join(problems(t, err), "\n"); !strings.Contains(got, "notify.routes: routes send to Slack, which is not configured") {
		t.Errorf("problems lack the missing Slack:\n%s", got)
	}
}

func TestNotifyRoutingAndPagingDefaultsAndValues(t *testing.T) {
	cfg, err := parse(t, `
notify:
  slack: {token: x, channel: C0}
  routes: [{team_emails: [pay@example.com], services: [backup, dlq], channel: C-pay}]
  pagerduty: {routing_key_ssm_parameter: /opsd/pagerduty}
  sns: {topic_arn: "arn:aws:sns:eu-west-2:123456789012:opsd-events"}
`)
	if err != nil {
		t.Fatal(err)
	}
	n := cfg.Notify
	if len(n.Routes) != 1 || n.Routes[0].Channel != "C-pay" || n.Routes[0].TeamEmails[0] != "pay@example.com" || len(n.Routes[0].Services) != 2 {
		t.Errorf("routes = %+v", n.Routes)
	}
	if n.PagerDuty.EventsURL != "https://events.pagerduty.com" || strings.Join(n.PagerDuty.ProductionEnvironments, ",") != "production,prod" {
		t.Errorf("pagerduty defaults = %+v", n.PagerDuty)
	}
	if !n.Paging() {
		t.Error("Paging() = false with a routing key parameter and a topic")
	}
}

func TestPagerDutyRoutingKeyNeverPrints(t *testing.T) {
	cfg, err := parse(t, `notify: {pagerduty: {routing_key: R0UTINGKEYSECRET}}`)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Notify.PagerDuty.RoutingKey.Reveal() != "R0UTINGKEYSECRET" {
		t.Fatal("routing key not read")
	}
	if out := fmt.Sprintf("%v %+v %#v", cfg.Notify.PagerDuty, cfg.Notify.PagerDuty, cfg.Notify.PagerDuty); strings.Contains(out, "R0UTINGKEYSECRET") {
		t.Fatalf("routing key printed: %s", out)
	}
}
