package webpage

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const testALB = "arn:aws:elasticloadbalancing:eu-west-2:111111111111:loadbalancer/app/opsd/50dc6c495c0c9188"

// albKeys serves one ECDSA public key as a load balancer's key endpoint
// does, and signs tokens with it.
type albKeys struct {
	key *ecdsa.PrivateKey
	srv *httptest.Server
}

func newALBKeys(t *testing.T) *albKeys {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	a := &albKeys{key: k}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/kid-1" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(pemKey)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

// token is a JWT as an ALB makes it: base64 with padding, ES256 r||s.
func (a *albKeys) token(t *testing.T, signer string, exp time.Time, signWith *ecdsa.PrivateKey) string {
	t.Helper()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.URLEncoding.EncodeToString(b)
	}
	head := enc(map[string]any{"alg": "ES256", "kid": "kid-1", "signer": signer, "iss": "https://idp.example.com", "client": "opsd", "exp": exp.Unix()})
	body := enc(map[string]any{"sub": "alice", "email": "alice@example.com"})
	digest := sha256.Sum256([]byte(head + "." + body))
	r, s, err := ecdsa.Sign(rand.Reader, signWith, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return head + "." + body + "." + base64.URLEncoding.EncodeToString(sig)
}

// The page behind an ALB: a token the load balancer signed lets the
// visitor in; a forged one, one another load balancer signed, or an
// expired one does not.
func TestALBTokenVerified(t *testing.T) {
	keys := newALBKeys(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	v := &ALBVerifier{Signer: testALB, KeysURL: keys.srv.URL + "/", Now: func() time.Time { return now }}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "page") })
	page := Access{Listen: "0.0.0.0:9102", ALB: v}.Guard(ok)
	for _, c := range []struct {
		name  string
		token string
		want  int
	}{
		{"signed by the load balancer", keys.token(t, testALB, now.Add(time.Minute), keys.key), 200},
		{"signed with another key", keys.token(t, testALB, now.Add(time.Minute), other), 401},
		{"another load balancer", keys.token(t, testALB+"x", now.Add(time.Minute), keys.key), 401},
		{"expired", keys.token(t, testALB, now.Add(-time.Second), keys.key), 401},
		{"not a token", "alice", 401},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-Amzn-Oidc-Data", c.token)
		page.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, rec.Code, c.want)
		}
	}
	if err := v.Verify(context.Background(), keys.token(t, testALB, now.Add(time.Minute), other)); err == nil || !strings.Contains(err.Error(), "bad signature") {
		t.Errorf("Verify of a forged token: %v", err)
	}
	if u, err := KeysURLFor(testALB); err != nil || u != "https://public-keys.auth.elb.eu-west-2.amazonaws.com/" {
		t.Errorf("KeysURLFor = %q, %v", u, err)
	}
}
