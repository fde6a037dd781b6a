package certs

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/acm/types"

	"github.com/opsd-dev/opsd/accounts"
	"github.com/opsd-dev/opsd/internal/mototest"
	"github.com/opsd-dev/opsd/internal/slackrecord"
	"github.com/opsd-dev/opsd/notify"
	"github.com/opsd-dev/opsd/reconcile"
	"github.com/opsd-dev/opsd/state"
)

func TestMain(m *testing.M) { os.Exit(mototest.Run(m)) }

// testCert returns a self-signed certificate for domain valid until
// notAfter and its private key, PEM-encoded, with an EC key or an RSA
// one.
func testCert(t *testing.T, domain string, notAfter time.Time, ec bool) (certPEM, keyPEM []byte) {
	t.Helper()
	var key any
	var pub any
	if ec {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key, pub = k, &k.PublicKey
	} else {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		key, pub = k, &k.PublicKey
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: domain},
		DNSNames:     []string{domain},
		NotBefore:    time.Now().Add(-24 * time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

// acmWire fills in, on moto's DescribeCertificate answers, what moto
// does not model: the resources that use a certificate (moto links only
// classic load balancers), ACM's renewal eligibility (moto says
// INELIGIBLE of every certificate) and the managed renewal summary. The
// SDK parses the patched answer as it would AWS's.
type acmWire struct {
	proxy *mototest.Proxy
	mu    sync.Mutex
	// patch holds, by certificate ARN, the fields to set.
	patch map[string]map[string]any
}

func newACMWire(t *testing.T, srv *mototest.Server) *acmWire {
	w := &acmWire{proxy: mototest.NewProxy(t, srv.URL()), patch: map[string]map[string]any{}}
	w.proxy.Handle("CertificateManager.DescribeCertificate", w.describe)
	return w
}

func (w *acmWire) set(arn string, fields map[string]any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.patch[arn] = fields
}

func (w *acmWire) describe(rw http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	w.proxy.Forward(rec, r)
	if rec.Code != http.StatusOK {
		for k, v := range rec.Header() {
			rw.Header()[k] = v
		}
		rw.WriteHeader(rec.Code)
		_, _ = rw.Write(rec.Body.Bytes())
		return
	}
	var out struct {
		Certificate map[string]any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		mototest.WriteError(rw, r, http.StatusInternalServerError, "InternalFailure", "decode moto certificate: "+err.Error())
		return
	}
	arn, _ := out.Certificate["CertificateArn"].(string)
	w.mu.Lock()
	for k, v := range w.patch[arn] {
		out.Certificate[k] = v
	}
	w.mu.Unlock()
	mototest.WriteJSON(rw, r, out)
}

func TestIntegrationAgainstMoto(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	wire := newACMWire(t, srv)
	ctx := context.Background()
	acct := mototest.DefaultAccountID
	euw2 := acm.NewFromConfig(wire.proxy.Config("eu-west-2"))
	use1 := acm.NewFromConfig(wire.proxy.Config("us-east-1"))
	now := time.Now().UTC()
	day := 24 * time.Hour
	alb := "arn:aws:elasticloadbalancing:eu-west-2:" + acct + ":loadbalancer/app/web/50dc6c495c0c9188"
	distribution := "arn:aws:cloudfront::" + acct + ":distribution/E2QWRUHAPOMQZL"

	importCert := func(api *acm.Client, domain string, notAfter time.Time, ec bool, tags ...types.Tag) string {
		t.Helper()
		c, k := testCert(t, domain, notAfter, ec)
		out, err := api.ImportCertificate(ctx, &acm.ImportCertificateInput{Certificate: c, PrivateKey: k, Tags: tags})
		if err != nil {
			t.Fatalf("import %s: %v", domain, err)
		}
		return aws.ToString(out.CertificateArn)
	}
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

	// Imported, EC key (listed only when the list asks for every key
	// type), 10 days left: within 14 days, and never renewed.
	soon := importCert(euw2, "pay.example.org", now.Add(10*day+time.Hour), true, tag("TeamEmail", "payments@example.org"))
	wire.set(soon, map[string]any{"InUseBy": []string{alb}})
	// Imported, far from expiry, not used: ACM will not renew it.
	importCert(euw2, "legacy.example.org", now.Add(300*day), false, tag("Application", "legacy"))
	// ACM-issued, renewal waiting for its DNS validation record.
	req, err := euw2.RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: aws.String("api.example.org"), ValidationMethod: types.ValidationMethodDns})
	if err != nil {
		t.Fatal(err)
	}
	pending := aws.ToString(req.CertificateArn)
	if _, err := euw2.AddTagsToCertificate(ctx, &acm.AddTagsToCertificateInput{CertificateArn: req.CertificateArn, Tags: []types.Tag{tag("TeamEmail", "payments@example.org")}}); err != nil {
		t.Fatal(err)
	}
	wire.set(pending, map[string]any{
		"InUseBy":            []string{alb},
		"RenewalEligibility": "ELIGIBLE",
		"RenewalSummary": map[string]any{
			"RenewalStatus": "PENDING_VALIDATION",
			"UpdatedAt":     mototest.Epoch(now),
			"DomainValidationOptions": []map[string]any{{
				"DomainName": "api.example.org", "ValidationStatus": "PENDING_VALIDATION", "ValidationMethod": "DNS",
				"ResourceRecord": map[string]any{"Name": "_3f1e.api.example.org.", "Type": "CNAME", "Value": "_9ab2.acm-validations.aws."},
			}},
		},
	})
	// In us-east-1, CloudFront's, expiring in a moment and still used by
	// a distribution once it has.
	expiring := time.Now().Add(4 * time.Second).Truncate(time.Second)
	gone := importCert(use1, "www.example.org", expiring, false, tag("TeamEmail", "web@example.org"))
	wire.set(gone, map[string]any{"InUseBy": []string{distribution}})

	slack := slackrecord.Start(t)
	slackNotifier, err := notify.NewSlack(notify.SlackOptions{Token: "xoxb-certs-test", Channel: "C-OPS", APIURL: slack.URL(), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	store := state.NewTolerant(state.NewMemory(), nil)
	newService := func() *Service {
		svc, err := New(DefaultConfig(), Deps{
			Targets: func(context.Context) ([]accounts.Target, error) {
				return []accounts.Target{{Account: acct, Region: "eu-west-2", Config: wire.proxy.Config("eu-west-2")}}, nil
			},
			FanOut:   accounts.FanOut{Limit: 2},
			Notifier: slackNotifier,
			State:    store,
		})
		if err != nil {
			t.Fatal(err)
		}
		return svc
	}
	time.Sleep(time.Until(expiring.Add(time.Second)))
	runAt := time.Now()

	// Plan mode: the findings, no message.
	plan := newService().Reconcile(ctx, reconcile.Request{Now: runAt, Mode: reconcile.Plan})
	if len(plan.Errors) > 0 {
		t.Fatalf("plan errors: %v", plan.Errors)
	}
	got := map[string][]string{}
	for _, a := range plan.Actions {
		got[a.Details["domain"]] = append(got[a.Details["domain"]], a.Action)
		if a.Account != acct || a.Status != reconcile.Reported {
			t.Errorf("action %+v", a)
		}
	}
	want := map[string][]string{
		"pay.example.org":    {"report-not-renewing", "warn-expiry"},
		"legacy.example.org": {"report-not-renewing"},
		"api.example.org":    {"report-renewal-pending-validation"},
		"www.example.org":    {"report-expired-in-use"},
	}
	for d, w := range want {
		if strings.Join(got[d], " ") != strings.Join(w, " ") {
			t.Errorf("%s: actions %v, want %v", d, got[d], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings for %v, want %d certificates", got, len(want))
	}
	if slack.Count() != 0 {
		t.Fatalf("plan mode posted %d messages", slack.Count())
	}

	// Apply: one summary, grouped by owner.
	res := newService().Reconcile(ctx, reconcile.Request{Now: runAt, Mode: reconcile.Apply})
	if len(res.Errors) > 0 {
		t.Fatalf("apply errors: %v", res.Errors)
	}
	if slack.Count() != 1 {
		t.Fatalf("%d posts, want one summary", slack.Count())
	}
	_, all := slack.All()
	for _, s := range []string{
		"web@example.org", "www.example.org", "expired " + expiring.Format(time.DateOnly) + " and still in use by " + distribution,
		"payments@example.org", "expires within 14 days", "_3f1e.api.example.org.", "_9ab2.acm-validations.aws.",
		"Application legacy", "ACM never renews an imported certificate",
	} {
		if !strings.Contains(string(all), s) {
			t.Errorf("the summary lacks %q:\n%s", s, all)
		}
	}

	if !strings.Contains(string(all), "3 certificates need a person (1 expired and in use, 1 renewal waits for validation, 1 expiring); ACM will not renew 1 more") {
		t.Errorf("the summary's title does not set the certificate ACM will not renew apart from those that need a person:\n%s", all)
	}

	// A second run, by a restarted service with the same state, after a
	// new certificate comes within 30 days of its expiry: the summary is
	// about that one alone, and the imported certificate 300 days from
	// its expiry is neither listed again nor reported.
	importCert(euw2, "new.example.org", now.Add(20*day), false, tag("TeamEmail", "payments@example.org"))
	res = newService().Reconcile(ctx, reconcile.Request{Now: runAt.Add(time.Hour), Mode: reconcile.Apply})
	if len(res.Errors) > 0 || len(res.Actions) != 6 {
		t.Fatalf("second run: %d actions, errors %v", len(res.Actions), res.Errors)
	}
	for _, a := range res.Actions {
		if a.Details["domain"] == "legacy.example.org" {
			t.Errorf("second run reports the imported certificate told before: %+v", a)
		}
	}
	if slack.Count() != 2 {
		t.Fatalf("%d posts after the second run, want 2", slack.Count())
	}
	second := slack.Posts()[1].Form
	text := second.Get("text") + second.Get("blocks")
	if strings.Contains(text, "legacy.example.org") || !strings.Contains(text, "new.example.org") ||
		!strings.Contains(text, "Certificates: 1 certificate needs a person (1 expiring)") {
		t.Errorf("second summary:\n%s", text)
	}
	if n := wire.proxy.Count("CertificateManager.ListCertificates"); n != 6 {
		t.Errorf("%d ListCertificates calls, want one per region (eu-west-2, us-east-1) per run", n)
	}
}
