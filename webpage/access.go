package webpage

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// Access says who may reach opsd's endpoints when it listens beyond
// loopback: the page at /, /status, /report and /metrics. (/healthz and
// /readyz are always open; they say nothing about the estate.)
type Access struct {
	// Listen is the address the HTTP server listens on (http.listen).
	Listen string
	// Token, when set, is asked of every visitor: as a bearer token, or
	// once as ?token=, which starts a signed session of SessionTTL kept in
	// a cookie.
	Token string
	// MetricsToken, when set, opens /metrics (and nothing else) to a
	// scraper that sends it as a bearer token.
	MetricsToken string
	// ALB, when set, lets in visitors an Application Load Balancer
	// authenticated with OIDC: the signed token it adds (X-Amzn-Oidc-Data)
	// is verified, so a forged header gets no one in.
	ALB *ALBVerifier
	// Now is the clock sessions are signed and checked by; nil means
	// time.Now.
	Now func() time.Time
}

// Loopback reports whether listen is a loopback address (or a host name
// that is localhost).
func Loopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Guard serves h to visitors Access lets in: everyone on a loopback
// listener; elsewhere, those with the token (bearer, session cookie, or
// ?token=, which starts a session and redirects to the address without
// it) or, with ALB, those the load balancer authenticated (its signed
// token verified). Without either configured, h is refused beyond
// loopback, saying how to open it.
func (a Access) Guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Loopback(a.Listen) {
			h.ServeHTTP(w, r)
			return
		}
		forgetLegacyCookie(w, r)
		switch {
		case a.Token == "" && a.ALB == nil:
			http.Error(w, "opsd serves this endpoint beyond loopback only with http.token or http.alb_oidc_signer set", http.StatusForbidden)
		case !a.pageOK(w, r):
			unauthorised(w, "not authorised: give the token (Authorization: Bearer …, or ?token=…)")
		default:
			a.serve(h, w, r)
		}
	})
}

// GuardMetrics serves h (/metrics) as Guard does, and beyond loopback
// also to a scraper that sends MetricsToken as a bearer token. Without
// MetricsToken, Token or ALB configured, h is refused beyond loopback,
// saying which key to set.
func (a Access) GuardMetrics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Loopback(a.Listen) || (a.MetricsToken != "" && bearer(r, a.MetricsToken)) {
			h.ServeHTTP(w, r)
			return
		}
		forgetLegacyCookie(w, r)
		switch {
		case a.MetricsToken == "" && a.Token == "" && a.ALB == nil:
			http.Error(w, "opsd serves /metrics beyond loopback only with http.metrics_token (or http.token or http.alb_oidc_signer) set", http.StatusForbidden)
		case !a.pageOK(w, r):
			unauthorised(w, "not authorised: give the metrics token (Authorization: Bearer …)")
		default:
			a.serve(h, w, r)
		}
	})
}

// serve serves h to a visitor let in, first taking a ?token= out of the
// address bar and the history.
func (a Access) serve(h http.Handler, w http.ResponseWriter, r *http.Request) {
	if a.Token == "" || !r.URL.Query().Has("token") {
		h.ServeHTTP(w, r)
		return
	}
	q := r.URL.Query()
	q.Del("token")
	// Cleaned, so that a path like //host cannot redirect elsewhere.
	u := url.URL{Path: path.Clean("/" + r.URL.Path), RawQuery: q.Encode()}
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// pageOK reports whether r proves the page's access: the token or a
// session, or a verified ALB identity.
func (a Access) pageOK(w http.ResponseWriter, r *http.Request) bool {
	if a.Token != "" && a.tokenOK(w, r) {
		return true
	}
	if a.ALB == nil {
		return false
	}
	oidc := r.Header.Get("X-Amzn-Oidc-Data")
	return oidc != "" && a.ALB.Verify(r.Context(), oidc) == nil
}

// tokenOK reports whether r carries the token as a bearer token, a valid
// session cookie, or ?token=; the last starts a session.
func (a Access) tokenOK(w http.ResponseWriter, r *http.Request) bool {
	if bearer(r, a.Token) {
		return true
	}
	key := sessionKey(a.Token)
	now := a.now()
	if c, err := r.Cookie(sessionCookie); err == nil && sessionValid(key, c.Value, now) {
		return true
	}
	if v := r.URL.Query().Get("token"); v != "" && same(v, a.Token) {
		http.SetCookie(w, &http.Cookie{
			Name: sessionCookie, Value: newSession(key, now.Add(SessionTTL)), Path: "/",
			MaxAge: int(SessionTTL / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: overHTTPS(r),
		})
		return true
	}
	return false
}

func (a Access) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// overHTTPS reports whether the visitor's request came over https: to
// opsd itself, or to the load balancer in front (X-Forwarded-Proto).
func overHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// bearer reports whether r's Authorization header is "Bearer <want>".
func bearer(r *http.Request, want string) bool {
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && same(strings.TrimSpace(cred), want)
}

// same compares in constant time, of the length too.
func same(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// forgetLegacyCookie removes the cookie earlier versions kept the raw
// token in.
func forgetLegacyCookie(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(legacyCookie); err == nil {
		http.SetCookie(w, &http.Cookie{Name: legacyCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: overHTTPS(r)})
	}
}

func unauthorised(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="opsd"`)
	http.Error(w, msg, http.StatusUnauthorized)
}
