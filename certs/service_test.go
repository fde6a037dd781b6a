package certs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

// estate is a fake ACM per account/region, made on first use (from the
// fan-out's goroutines too).
type estate struct {
	mu sync.Mutex
	m  map[string]*fakeACM
}

func (e *estate) at(where string) *fakeACM {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m == nil {
		e.m = map[string]*fakeACM{}
	}
	if e.m[where] == nil {
		e.m[where] = &fakeACM{tags: map[string][]types.Tag{}}
	}
	return e.m[where]
}

// add puts a certificate detail in account/region and tags it.
func (e *estate) add(where string, d types.CertificateDetail, tags ...string) {
	f := e.at(where)
	f.certs = append(f.certs, d)
	for i := 0; i+1 < len(tags); i += 2 {
		f.tags[aws.ToString(d.CertificateArn)] = append(f.tags[aws.ToString(d.CertificateArn)], types.Tag{Key: aws.String(tags[i]), Value: aws.String(tags[i+1])})
	}
}

func detail(where, id, domain string, typ types.CertificateType, notAfter time.Time, inUse ...string) types.CertificateDetail {
	acct, region, _ := strings.Cut(where, "/")
	elig := types.RenewalEligibilityEligible
	if typ == types.CertificateTypeImported || len(inUse) == 0 {
		elig = types.RenewalEligibilityIneligible
	}
	return types.CertificateDetail{
		CertificateArn: aws.String(fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s", region, acct, id)),
		DomainName:     aws.String(domain), Type: typ, Status: types.CertificateStatusIssued,
		NotAfter: aws.Time(notAfter), InUseBy: inUse, RenewalEligibility: elig,
	}
}

type harness struct {
	t      *testing.T
	estate *estate
	rec    *notify.Recorder
	svc    *Service
	cfg    Config
}

func newHarness(t *testing.T, regions ...string) *harness {
	h := &harness{t: t, estate: &estate{}, rec: &notify.Recorder{}, cfg: DefaultConfig()}
	if len(regions) == 0 {
		regions = []string{"eu-west-2"}
	}
	h.restart(nil, regions...)
	return h
}

// restart builds a new service (a restarted daemon) with store.
func (h *harness) restart(store state.Keeper, regions ...string) {
	h.t.Helper()
	if len(regions) == 0 {
		regions = []string{"eu-west-2"}
	}
	svc, err := New(h.cfg, Deps{
		Targets: func(context.Context) ([]accounts.Target, error) {
			var out []accounts.Target
			for _, acct := range []string{"111111111111", "222222222222"} {
				for _, r := range regions {
					out = append(out, accounts.Target{Account: acct, Region: r, Config: aws.Config{Region: r, AppID: acct}})
				}
			}
			return out, nil
		},
		FanOut:   accounts.FanOut{Limit: 4},
		Notifier: h.rec,
		Clients: func(cfg aws.Config) Clients {
			return Clients{ACM: h.estate.at(cfg.AppID + "/" + cfg.Region)}
		},
		State: store,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.svc = svc
}

func (h *harness) run(mode reconcile.Mode, now time.Time) reconcile.Result {
	h.t.Helper()
	return h.svc.Reconcile(context.Background(), reconcile.Request{Now: now, Mode: mode})
}

var t0 = time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)

func days(n float64) time.Time { return t0.Add(time.Duration(n * float64(24*time.Hour))) }

func TestOneSummaryGroupedByOwnerAndToldOnce(t *testing.T) {
	h := newHarness(t)
	alb := "arn:aws:elasticloadbalancing:eu-west-2:111111111111:loadbalancer/app/web/1"
	cf := "arn:aws:cloudfront::111111111111:distribution/E1"
	h.estate.add("111111111111/eu-west-2", detail("111111111111/eu-west-2", "a", "api.example.org", types.CertificateTypeAmazonIssued, days(10), alb), "TeamEmail", "payments@example.org")
	h.estate.add("111111111111/eu-west-2", detail("111111111111/eu-west-2", "b", "old.example.org", types.CertificateTypeImported, days(200), alb), "Application", "legacy")
	h.estate.add("222222222222/eu-west-2", detail("222222222222/eu-west-2", "c", "fine.example.org", types.CertificateTypeAmazonIssued, days(300), alb))
	h.estate.add("111111111111/us-east-1", detail("111111111111/us-east-1", "d", "www.example.org", types.CertificateTypeAmazonIssued, days(-1), cf), "TeamEmail", "web@example.org")
	h.estate.at("111111111111/us-east-1").certs[0].Status = types.CertificateStatusExpired

	res := h.run(reconcile.Apply, t0)
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	actions := map[string]string{}
	for _, a := range res.Actions {
		if a.Status != reconcile.Reported || a.Service != ServiceName {
			t.Errorf("action %+v is not a certs finding", a)
		}
		actions[a.Resource[strings.LastIndex(a.Resource, "/")+1:]] += a.Action + " "
	}
	want := map[string]string{"a": "warn-expiry ", "b": "report-not-renewing ", "d": "report-expired-in-use "}
	if fmt.Sprint(actions) != fmt.Sprint(want) {
		t.Errorf("actions %v, want %v", actions, want)
	}
	msgs := h.rec.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want one summary", len(msgs))
	}
	m := msgs[0]
	if m.Kind != notify.KindCerts || m.Severity != notify.Error || !strings.HasPrefix(m.Title, "Certificates: 2 certificates need a person (1 expired and in use, 1 expiring); ACM will not renew 1 more (told once; again from 45 days before expiry)") {
		t.Errorf("summary %s %s %q", m.Kind, m.Severity, m.Title)
	}
	// The owner with the expired certificate in use comes first.
	order := []string{"*web@example.org*", "`www.example.org`", "*payments@example.org*", "`api.example.org`", "*Application legacy*", "`old.example.org`"}
	at := 0
	for _, s := range order {
		i := strings.Index(m.Text[at:], s)
		if i < 0 {
			t.Fatalf("summary text lacks %q after offset %d:\n%s", s, at, m.Text)
		}
		at += i
	}

	// The next run, and the next day, tell nothing again.
	h.run(reconcile.Apply, t0.Add(time.Hour))
	h.run(reconcile.Apply, days(1))
	if n := len(h.rec.Messages()); n != 1 {
		t.Fatalf("%d messages after later runs, want still 1", n)
	}
	// Crossing the 7-day threshold tells that one alone.
	h.run(reconcile.Apply, days(3.5))
	msgs = h.rec.Messages()
	if len(msgs) != 2 || !strings.Contains(msgs[1].Text, "expires within 7 days") || strings.Contains(msgs[1].Text, "old.example.org") {
		t.Fatalf("after 7-day threshold: %d messages, last %q", len(msgs), msgs[len(msgs)-1].Text)
	}
}

func TestPlanModeTellsNoOneAndRemembersNothing(t *testing.T) {
	h := newHarness(t)
	h.estate.add("111111111111/eu-west-2", detail("111111111111/eu-west-2", "a", "api.example.org", types.CertificateTypeImported, days(10), "alb"))
	res := h.run(reconcile.Plan, t0)
	if len(res.Actions) != 2 || res.Actions[0].Details["new"] != "true" {
		t.Fatalf("plan actions %+v", res.Actions)
	}
	if len(h.rec.Messages()) != 0 {
		t.Fatal("plan mode sent a message")
	}
	h.run(reconcile.Apply, t0)
	if len(h.rec.Messages()) != 1 {
		t.Fatal("apply after plan did not tell")
	}
	res = h.run(reconcile.Plan, t0)
	if res.Actions[0].Details["new"] != "false" {
		t.Errorf("plan after telling marks the finding new")
	}
}

func TestStateCarriesToldAcrossARestart(t *testing.T) {
	store := state.NewTolerant(state.NewMemory(), nil)
	h := newHarness(t)
	h.restart(store)
	h.estate.add("111111111111/eu-west-2", detail("111111111111/eu-west-2", "a", "api.example.org", types.CertificateTypeAmazonIssued, days(20), "alb"))
	h.run(reconcile.Apply, t0)
	h.restart(store)
	h.run(reconcile.Apply, t0.Add(time.Minute))
	if n := len(h.rec.Messages()); n != 1 {
		t.Fatalf("after a restart with state: %d messages, want 1", n)
	}
	h.restart(nil)
	h.run(reconcile.Apply, t0.Add(2*time.Minute))
	if n := len(h.rec.Messages()); n != 2 {
		t.Fatalf("after a restart without state: %d messages, want the summary again", n)
	}
}

func TestUndeliveredSummaryIsToldAgain(t *testing.T) {
	h := newHarness(t)
	h.estate.add("111111111111/eu-west-2", detail("111111111111/eu-west-2", "a", "api.example.org", types.CertificateTypeAmazonIssued, days(20), "alb"))
	down := &failingNotifier{}
	h.svc.deps.Notifier = down
	res := h.run(reconcile.Apply, t0)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "send certificates summary") {
		t.Fatalf("errors %v", res.Errors)
	}
	h.svc.deps.Notifier = h.rec
	h.run(reconcile.Apply, t0.Add(time.Hour))
	if n := len(h.rec.Messages()); n != 1 {
		t.Fatalf("%d messages once Slack is back, want the summary", n)
	}
}

func TestAFailedRegionKeepsWhatItToldAndIsToldOnce(t *testing.T) {
	h := newHarness(t)
	where := "111111111111/eu-west-2"
	h.estate.add(where, detail(where, "a", "api.example.org", types.CertificateTypeAmazonIssued, days(20), "alb"))
	h.run(reconcile.Apply, t0)
	h.estate.at(where).failList = &smithy.GenericAPIError{Code: "ThrottlingException", Message: "rate exceeded"}
	res := h.run(reconcile.Apply, t0.Add(time.Hour))
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "list acm certificates: api error ThrottlingException") || !strings.Contains(res.Errors[0].Error(), "111111111111") {
		t.Fatalf("errors %v, want the failed listing named with its account", res.Errors)
	}
	msgs := h.rec.Messages()
	if len(msgs) != 2 || msgs[1].Title != "Certificates: 1 account/region(s) could not be looked at" || msgs[1].Severity != notify.Error ||
		!strings.Contains(msgs[1].Text, "account 111111111111 region eu-west-2: list acm certificates") {
		t.Fatalf("after the failure: %d messages, last %+v", len(msgs), msgs[len(msgs)-1])
	}
	h.run(reconcile.Apply, t0.Add(2*time.Hour))
	if n := len(h.rec.Messages()); n != 2 {
		t.Fatalf("%d messages after the same failure again, want it told once", n)
	}
	h.estate.at(where).failList = nil
	h.run(reconcile.Apply, t0.Add(3*time.Hour))
	if n := len(h.rec.Messages()); n != 2 {
		t.Fatalf("%d messages after the region came back, want no repeat of its findings", n)
	}
	h.estate.at(where).failList = errors.New("connection reset")
	h.run(reconcile.Apply, t0.Add(4*time.Hour))
	if n := len(h.rec.Messages()); n != 3 {
		t.Fatalf("%d messages after a new failure, want it told", n)
	}
}

func TestACertificateThatCannotBeDescribedDoesNotHideTheOthers(t *testing.T) {
	h := newHarness(t)
	where := "111111111111/eu-west-2"
	h.estate.add(where, detail(where, "a", "a.example.org", types.CertificateTypeAmazonIssued, days(20), "alb"))
	h.estate.add(where, detail(where, "b", "b.example.org", types.CertificateTypeAmazonIssued, days(20), "alb"))
	h.estate.at(where).failDescribe = map[string]error{aws.ToString(h.estate.at(where).certs[0].CertificateArn): errors.New("access denied")}
	res := h.run(reconcile.Apply, t0)
	if len(res.Actions) != 1 || !strings.HasSuffix(res.Actions[0].Resource, "/b") {
		t.Fatalf("actions %+v", res.Actions)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "describe acm certificate arn:aws:acm:eu-west-2:111111111111:certificate/a: access denied") {
		t.Fatalf("errors %v", res.Errors)
	}
}

func TestPagesAndExtraRegions(t *testing.T) {
	h := newHarness(t, "eu-west-2", "us-east-1")
	where := "222222222222/eu-west-1"
	for i := range 7 {
		h.estate.add(where, detail(where, fmt.Sprint(i), "x.example.org", types.CertificateTypeImported, days(100), "alb"))
	}
	h.estate.at(where).pageSize = 3
	h.cfg.ExtraRegions = []string{"us-east-1", "eu-west-1"}
	h.restart(nil, "eu-west-2", "us-east-1")
	res := h.run(reconcile.Plan, t0)
	if len(res.Actions) != 7 {
		t.Fatalf("%d actions, want one per certificate over three pages", len(res.Actions))
	}
	for where, f := range h.estate.m {
		if f.calls["ListCertificates"] == 0 {
			t.Errorf("%s was not looked in", where)
		}
	}
	if len(h.estate.m) != 6 {
		t.Errorf("looked in %d targets, want 2 accounts × (eu-west-2, us-east-1 once, eu-west-1)", len(h.estate.m))
	}
}

func TestTagsAreReadOnlyForCertificatesWithFindings(t *testing.T) {
	h := newHarness(t)
	where := "111111111111/eu-west-2"
	h.estate.add(where, detail(where, "a", "a.example.org", types.CertificateTypeAmazonIssued, days(300), "alb"))
	h.estate.add(where, detail(where, "b", "b.example.org", types.CertificateTypeAmazonIssued, days(20), "alb"))
	h.run(reconcile.Plan, t0)
	if n := h.estate.at(where).calls["ListTagsForCertificate"]; n != 1 {
		t.Errorf("%d tag reads, want 1", n)
	}
}

func TestQuietCertificatesAreNotDescribed(t *testing.T) {
	h := newHarness(t)
	where := "111111111111/eu-west-2"
	h.estate.add(where, detail(where, "far", "far.example.org", types.CertificateTypeAmazonIssued, days(200), "alb"))
	h.estate.add(where, detail(where, "near", "near.example.org", types.CertificateTypeAmazonIssued, days(50), "alb"))
	res := h.run(reconcile.Plan, t0)
	if n := h.estate.at(where).calls["DescribeCertificate"]; n != 1 {
		t.Errorf("%d describes, want only the certificate within ACM's renewal window", n)
	}
	if len(res.Actions) != 0 {
		t.Errorf("actions %+v", res.Actions)
	}
}

func TestErrorKeyIgnoresRequestIDs(t *testing.T) {
	sdkErr := func(requestID string) error {
		return &accounts.TargetError{Target: accounts.Target{Account: "111111111111", Region: "eu-west-2"},
			Err: errors.Join(fmt.Errorf("list acm certificates: %w", &smithy.OperationError{ServiceID: "ACM", OperationName: "ListCertificates",
				Err: &awshttp.ResponseError{RequestID: requestID, ResponseError: &smithyhttp.ResponseError{
					Err: &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized"}}}}),
				errors.New("list tags of acm certificate x: timeout"))}
	}
	a, b := errorKey(sdkErr("req-1")), errorKey(sdkErr("req-2"))
	if a != b || a != "111111111111/eu-west-2 AccessDeniedException" {
		t.Errorf("keys %q and %q, want one key naming the target and the code", a, b)
	}
	if k := errorKey(&accounts.TargetError{Target: accounts.Target{Account: "1", Region: "r"}, Err: errors.New("dial tcp: refused")}); k != "1/r failed" {
		t.Errorf("key %q", k)
	}
}

// An imported certificate far from expiry is told once, as a certificate
// ACM will not renew, not as one that needs a person; later runs, after a
// restart with the same state, neither list it in their summary nor
// report it; at its first threshold it is told, and needs a person, as
// any expiring certificate.
func TestWillNotRenewIsToldOnceThenQuietUntilAThreshold(t *testing.T) {
	store := state.NewTolerant(state.NewMemory(), nil)
	h := newHarness(t)
	h.restart(store)
	where := "111111111111/eu-west-2"
	h.estate.add(where, detail(where, "old", "old.example.org", types.CertificateTypeImported, days(320), "alb"))

	h.run(reconcile.Apply, t0)
	msgs := h.rec.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "old.example.org") || !strings.Contains(msgs[0].Text, "ACM never renews an imported certificate") {
		t.Fatalf("first run: %d messages %+v, want the imported certificate told", len(msgs), msgs)
	}
	if strings.Contains(msgs[0].Title, "need") || msgs[0].Severity != notify.Warning {
		t.Errorf("first run's title %q (%s): a certificate 300 days from expiry needs no one yet", msgs[0].Title, msgs[0].Severity)
	}

	// The next day, after a restart, another certificate crosses a
	// threshold: the summary is about that one alone.
	h.estate.add(where, detail(where, "soon", "soon.example.org", types.CertificateTypeAmazonIssued, days(20), "alb"))
	h.restart(store)
	res := h.run(reconcile.Apply, days(1))
	msgs = h.rec.Messages()
	if len(msgs) != 2 {
		t.Fatalf("second run: %d messages, want a summary of the newly expiring certificate", len(msgs))
	}
	if m := msgs[1]; strings.Contains(m.Text, "old.example.org") || m.Title != "Certificates: 1 certificate needs a person (1 expiring)" {
		t.Errorf("second run's summary lists the imported certificate again: %q\n%s", m.Title, m.Text)
	}
	for _, a := range res.Actions {
		if strings.HasSuffix(a.Resource, "/old") {
			t.Errorf("second run reports the imported certificate again as needing a person: %+v", a)
		}
	}
	if n := res.Count(reconcile.Reported); n != 1 {
		t.Errorf("second run: %d reported, want 1 (the expiring certificate)", n)
	}
	// opsd plan still shows the finding, as told.
	plan := h.run(reconcile.Plan, days(1))
	var planned []string
	for _, a := range plan.Actions {
		if strings.HasSuffix(a.Resource, "/old") {
			planned = append(planned, a.Action+" new="+a.Details["new"])
		}
	}
	if strings.Join(planned, ",") != "report-not-renewing new=false" {
		t.Errorf("plan rows for the imported certificate: %v", planned)
	}

	// 45 days before its expiry it is told again, as expiring, saying
	// ACM will not renew it; and then not again until the next threshold.
	h.estate.at(where).certs = h.estate.at(where).certs[:1]
	h.restart(store)
	res = h.run(reconcile.Apply, days(320-44.5))
	msgs = h.rec.Messages()
	if len(msgs) != 3 {
		t.Fatalf("at 45 days: %d messages, want the threshold told", len(msgs))
	}
	m := msgs[2]
	if m.Title != "Certificates: 1 certificate needs a person (1 expiring)" || !strings.Contains(m.Text, "old.example.org") ||
		!strings.Contains(m.Text, "expires within 45 days") || !strings.Contains(m.Text, "imported, so ACM will not renew it") {
		t.Errorf("at 45 days: %q\n%s", m.Title, m.Text)
	}
	var rows []string
	for _, a := range res.Actions {
		rows = append(rows, a.Action)
	}
	if strings.Join(rows, " ") != "report-not-renewing warn-expiry" {
		t.Errorf("at 45 days the rows are %v, want the certificate reported with both findings", rows)
	}
	h.run(reconcile.Apply, days(320-44))
	if n := len(h.rec.Messages()); n != 3 {
		t.Errorf("%d messages the day after the threshold, want still 3", n)
	}
}
