package webpage

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"
)

// ALBVerifier checks the X-Amzn-Oidc-Data header an Application Load
// Balancer adds after it authenticated a visitor with OIDC: a JWT signed
// with ES256 by the load balancer, whose header names the key (kid), the
// load balancer (signer) and the expiry (exp). The public key is fetched
// from KeysURL + kid (AWS: https://public-keys.auth.elb.<region>.amazonaws.com/)
// and kept.
type ALBVerifier struct {
	// Signer is the load balancer's ARN; a token another one signed is
	// refused.
	Signer string
	// KeysURL is where the public keys are, ending in "/".
	KeysURL string
	// Client fetches the keys; nil means one with a 10 s timeout.
	Client *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu   sync.Mutex
	keys map[string]*ecdsa.PublicKey
}

// KeysURLFor is the public-key endpoint of the load balancer named by an
// ALB ARN (arn:aws:elasticloadbalancing:<region>:…).
func KeysURLFor(albARN string) (string, error) {
	p := strings.Split(albARN, ":")
	if len(p) < 6 || p[2] != "elasticloadbalancing" || p[3] == "" {
		return "", fmt.Errorf("%q is not a load balancer ARN", albARN)
	}
	return "https://public-keys.auth.elb." + p[3] + ".amazonaws.com/", nil
}

type albHeader struct {
	Alg    string `json:"alg"`
	Kid    string `json:"kid"`
	Signer string `json:"signer"`
	Exp    int64  `json:"exp"`
}

// Verify checks token and returns the error that makes it unacceptable,
// or nil.
func (v *ALBVerifier) Verify(ctx context.Context, token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("not a JWT")
	}
	rawHeader, err := b64(parts[0])
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	var h albHeader
	if err := json.Unmarshal(rawHeader, &h); err != nil {
		return fmt.Errorf("header: %w", err)
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	switch {
	case h.Alg != "ES256":
		return fmt.Errorf("algorithm %q, want ES256", h.Alg)
	case h.Signer != v.Signer:
		return fmt.Errorf("signed by %q, not the configured load balancer", h.Signer)
	case h.Exp == 0 || now().Unix() >= h.Exp:
		return errors.New("expired")
	case h.Kid == "" || strings.ContainsAny(h.Kid, "/?#."):
		return fmt.Errorf("key id %q", h.Kid)
	}
	sig, err := b64(parts[2])
	if err != nil || len(sig) != 64 {
		return errors.New("signature is not an ES256 signature")
	}
	key, err := v.key(ctx, h.Kid)
	if err != nil {
		return err
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(key, digest[:], r, s) {
		return errors.New("bad signature")
	}
	return nil
}

// b64 decodes a JWT part: base64url, with or without the padding ALBs add.
func b64(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func (v *ALBVerifier) key(ctx context.Context, kid string) (*ecdsa.PublicKey, error) {
	v.mu.Lock()
	k := v.keys[kid]
	v.mu.Unlock()
	if k != nil {
		return k, nil
	}
	client := v.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.KeysURL+kid, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch load balancer key %s: %w", kid, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch load balancer key %s: %w", kid, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch load balancer key %s: status %d", kid, resp.StatusCode)
	}
	block, _ := pem.Decode(body)
	if block == nil {
		return nil, fmt.Errorf("load balancer key %s is not PEM", kid)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("load balancer key %s: %w", kid, err)
	}
	ec, ok := pub.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("load balancer key %s is not an ECDSA key", kid)
	}
	v.mu.Lock()
	if v.keys == nil {
		v.keys = map[string]*ecdsa.PublicKey{}
	}
	v.keys[kid] = ec
	v.mu.Unlock()
	return ec, nil
}
