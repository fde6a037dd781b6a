package certs

import (
	"errors"
	"strings"
	"testing"

	"github.com/opsd-dev/opsd/notify"
)

func TestSummaryTitleSetsWillNotRenewApart(t *testing.T) {
	private := func(c *Certificate) { c.Type, c.RenewalEligibility = TypePrivate, Ineligible }
	other := func(c *Certificate) { c.ARN += "2" }
	tests := []struct {
		name  string
		certs []Certificate
		errs  []error
		title string
		sev   notify.Severity
		text  []string
	}{
		{"imported, far from expiry: news, not a person's work",
			[]Certificate{cert(300, imported)}, nil,
			"Certificates: ACM will not renew 1 certificate (told once; again from 45 days before expiry)", notify.Warning,
			[]string{"ACM never renews an imported certificate"}},
		{"not in use and ineligible are the same kind of news",
			[]Certificate{cert(300, unused), cert(300, private, other)}, nil,
			"Certificates: ACM will not renew 2 certificates (told once; again from 45 days before expiry)", notify.Warning,
			[]string{"not in use, so ACM will not renew it", "ACM needs permission on its private CA"}},
		{"imported within a threshold needs a person as any expiring certificate",
			[]Certificate{cert(10, imported)}, nil,
			"Certificates: 1 certificate needs a person (1 expiring)", notify.Warning,
			[]string{"expires within 14 days", "imported, so ACM will not renew it: import a new one"}},
		{"both kinds, and a region not looked at",
			[]Certificate{cert(5), cert(300, imported, other)}, []error{errors.New("account 1 region r: denied")},
			"Certificates: 1 certificate needs a person (1 expiring); ACM will not renew 1 more (told once; again from 45 days before expiry); 1 account/region(s) could not be looked at", notify.Error,
			nil},
		{"only a region not looked at",
			nil, []error{errors.New("account 1 region r: denied")},
			"Certificates: 1 account/region(s) could not be looked at", notify.Error, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := summarize(Plan(tt.certs, planNow, DefaultConfig().WarnDays), tt.errs, DefaultConfig().Tags, 45)
			if m.Title != tt.title || m.Severity != tt.sev {
				t.Errorf("title %q (%s), want %q (%s)", m.Title, m.Severity, tt.title, tt.sev)
			}
			for _, s := range tt.text {
				if !strings.Contains(m.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, m.Text)
				}
			}
		})
	}
}
