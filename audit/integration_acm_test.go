package audit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// certificates makes each application's certificate, used by its load
// balancer: payments' issued by ACM and eligible for managed renewal,
// legacy's imported. moto neither links certificates to load balancers
// nor says any is eligible, so DescribeCertificate's answers get InUseBy
// and RenewalEligibility from a wire fake in front of moto.
func (w *world) certificates() {
	acmTags := func(app string) []acmtypes.Tag {
		var out []acmtypes.Tag
		for _, kv := range sortedKV(appTags(app)) {
			out = append(out, acmtypes.Tag{Key: aws.String(kv[0]), Value: aws.String(kv[1])})
		}
		return out
	}
	api := acm.NewFromConfig(w.cfg)
	req, err := api.RequestCertificate(w.ctx, &acm.RequestCertificateInput{DomainName: aws.String("payments.example.org"),
		ValidationMethod: acmtypes.ValidationMethodDns, Tags: acmTags("payments")})
	w.check(err, "request payments certificate")
	certPEM, keyPEM := selfSigned(w, "legacy.example.org", time.Now().Add(200*24*time.Hour))
	imp, err := api.ImportCertificate(w.ctx, &acm.ImportCertificateInput{Certificate: certPEM, PrivateKey: keyPEM, Tags: acmTags("legacy")})
	w.check(err, "import legacy certificate")

	lb := "arn:aws:elasticloadbalancing:" + testRegion + ":" + motoAccount + ":loadbalancer/app/"
	patch := map[string]map[string]any{
		aws.ToString(req.CertificateArn): {"InUseBy": []string{lb + "payments/1"}, "RenewalEligibility": "ELIGIBLE", "Status": "ISSUED"},
		aws.ToString(imp.CertificateArn): {"InUseBy": []string{lb + "legacy/1"}},
	}
	w.proxy.Handle("CertificateManager.DescribeCertificate", func(rw http.ResponseWriter, r *http.Request) {
		rec := w.forwarded(r)
		var out struct{ Certificate map[string]any }
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
			copyAnswer(rw, rec, rec.Body.String())
			return
		}
		arn, _ := out.Certificate["CertificateArn"].(string)
		for k, v := range patch[arn] {
			out.Certificate[k] = v
		}
		mototest.WriteJSON(rw, r, out)
	})
}

// selfSigned returns a self-signed certificate for domain valid until
// notAfter and its key, PEM-encoded.
func selfSigned(w *world, domain string, notAfter time.Time) ([]byte, []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	w.check(err, "generate key")
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: domain}, DNSNames: []string{domain},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	w.check(err, "create certificate")
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	w.check(err, "marshal key")
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}
