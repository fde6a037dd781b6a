package config

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// validate checks every part of notify.
func (n Notify) validate() []error {
	p := n.Slack.validate()
	add := func(path, format string, args ...any) {
		p = append(p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
	}
	if len(n.Routes) > 0 && n.Slack.Token == "" && n.Slack.TokenSSMParameter == "" {
		add("notify.routes", "routes send to Slack, which is not configured (notify.slack.token or token_ssm_parameter)")
	}
	for i, r := range n.Routes {
		path := fmt.Sprintf("notify.routes[%d]", i)
		if strings.TrimSpace(r.Channel) == "" {
			add(path+".channel", "is required")
		}
		for j, s := range r.Services {
			switch s {
			case "shutdown", "patching", "backup", "monitor", "dlq", "audit", "certs":
			default:
				add(fmt.Sprintf("%s.services[%d]", path, j), "%q is not a kind of event (shutdown, patching, backup, monitor, dlq, audit, certs)", s)
			}
		}
		for j, s := range r.Severities {
			switch s {
			case "info", "warning", "error":
			default:
				add(fmt.Sprintf("%s.severities[%d]", path, j), "%q is not a severity (info, warning, error)", s)
			}
		}
		for j, a := range r.Accounts {
			if !accountIDPattern.MatchString(a) {
				add(fmt.Sprintf("%s.accounts[%d]", path, j), "%q is not a 12-digit account id", a)
			}
		}
		for field, list := range map[string][]string{"environments": r.Environments, "applications": r.Applications, "team_emails": r.TeamEmails} {
			for j, v := range list {
				if strings.TrimSpace(v) == "" {
					add(fmt.Sprintf("%s.%s[%d]", path, field, j), "is empty")
				}
			}
		}
	}

	pd := n.PagerDuty
	if pd.RoutingKey != "" && pd.RoutingKeySSMParameter != "" {
		add("notify.pagerduty.routing_key_ssm_parameter", "set either routing_key or routing_key_ssm_parameter, not both")
	}
	if u, err := url.Parse(pd.EventsURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("notify.pagerduty.events_url", "%q is not an http(s) URL", pd.EventsURL)
	}
	if len(pd.ProductionEnvironments) == 0 {
		add("notify.pagerduty.production_environments", "at least one environment is required")
	}
	for i, e := range pd.ProductionEnvironments {
		if strings.TrimSpace(e) == "" {
			add(fmt.Sprintf("notify.pagerduty.production_environments[%d]", i), "is empty")
		}
	}

	if t := n.SNS.TopicARN; t != "" {
		if a, err := arn.Parse(t); err != nil || a.Service != "sns" || a.Region == "" || !accountIDPattern.MatchString(a.AccountID) || a.Resource == "" || strings.Contains(a.Resource, ":") {
			add("notify.sns.topic_arn", "%q is not an SNS topic ARN (arn:aws:sns:eu-west-2:123456789012:name)", t)
		}
	}
	return p
}
