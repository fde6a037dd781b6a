package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// importExpiringCert imports into moto a self-signed certificate for
// domain that expires after left, tagged TeamEmail=owner.
func importExpiringCert(t *testing.T, api *acm.Client, domain, owner string, left time.Duration) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: domain}, DNSNames: []string{domain},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(left)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.ImportCertificate(context.Background(), &acm.ImportCertificateInput{
		Certificate: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		PrivateKey:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		Tags:        []acmtypes.Tag{{Key: aws.String("TeamEmail"), Value: aws.String(owner)}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCertsPlanAndRunOnce(t *testing.T) {
	srv := mototest.Shared(t)
	srv.Reset(t)
	mototest.SetCredentialsEnv(t)
	importExpiringCert(t, acm.NewFromConfig(srv.Config("eu-west-2")), "pay.example.org", "payments@example.org", 10*24*time.Hour)
	importExpiringCert(t, acm.NewFromConfig(srv.Config("us-east-1")), "www.example.org", "web@example.org", 40*24*time.Hour)

	path := writeConfig(t, fmt.Sprintf("aws: {regions: [eu-west-2], endpoint_url: %q}\ncerts: {enabled: true}\n", srv.URL()))
	code, out, stderr := opsd(t, "plan", "--config", path, "--only", "certs", "--json")
	if code != 0 {
		t.Fatalf("plan exit %d:\n%s\n%s", code, out, stderr)
	}
	var actions []map[string]any
	if err := json.Unmarshal([]byte(out), &actions); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, out)
	}
	got := map[string]bool{}
	for _, a := range actions {
		if a["service"] != "certs" || a["status"] != "reported" {
			t.Errorf("action %v", a)
		}
		got[fmt.Sprint(a["region"], " ", a["action"], " ", a["details"].(map[string]any)["threshold_days"])] = true
	}
	for _, w := range []string{"eu-west-2 warn-expiry 14", "eu-west-2 report-not-renewing <nil>", "us-east-1 warn-expiry 45", "us-east-1 report-not-renewing <nil>"} {
		if !got[w] {
			t.Errorf("plan lacks %q: %v", w, got)
		}
	}

	code, out, stderr = opsd(t, "run", "--once", "--config", path, "--only", "certs")
	if code != 0 {
		t.Fatalf("run --once exit %d:\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(out, "Certificates: 2 certificates need a person") {
		t.Errorf("run --once does not show the summary:\n%s", out)
	}
}

func TestCheckConfigListsCertsProblems(t *testing.T) {
	path := writeConfig(t, "aws: {regions: [eu-west-2]}\ncerts: {enabled: true, schedule: \"daily\", warn_days: [30, 0], extra_regions: [virginia], tags: {team_email: \"\"}}\n")
	code, out, _ := opsd(t, "check-config", "--config", path)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2:\n%s", code, out)
	}
	for _, want := range []string{"4 problems", "certs.schedule:", "certs.warn_days[1]:", "certs.extra_regions[0]:", "certs.tags.team_email:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
