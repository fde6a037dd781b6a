package webpage

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
)

// Access says who may see the page when opsd listens beyond loopback.
type Access struct {
	// Listen is the address the HTTP server listens on (http.listen).
	Listen string
	// Token, when set, is asked of every visitor: as a bearer token, or
	// once as ?token= (which sets a cookie for the rest of the visit).
	Token string
	// ALB, when set, lets in visitors an Application Load Balancer
	// authenticated with OIDC: the signed token it adds (X-Amzn-Oidc-Data)
	// is verified, so a forged header gets no one in.
	ALB *ALBVerifier
}

const tokenCookie = "opsd_token"

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
// listener; elsewhere, those with the token or, with ALB, those the load
// balancer authenticated (its signed token verified). Without either, the page is refused
// beyond loopback, saying how to open it.
func (a Access) Guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case Loopback(a.Listen):
		case a.Token != "" && a.tokenOK(w, r):
			if r.URL.Query().Has("token") {
				// The token leaves the address bar and the history.
				q := r.URL.Query()
				q.Del("token")
				u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
				http.Redirect(w, r, u.String(), http.StatusSeeOther)
				return
			}
		case a.ALB != nil && r.Header.Get("X-Amzn-Oidc-Data") != "" && a.ALB.Verify(r.Context(), r.Header.Get("X-Amzn-Oidc-Data")) == nil:
		case a.Token == "" && a.ALB == nil:
			http.Error(w, "opsd serves this page beyond loopback only with http.token or http.alb_oidc_signer set", http.StatusForbidden)
			return
		default:
			http.Error(w, "not authorised: give the token (Authorization: Bearer …, or ?token=…)", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (a Access) tokenOK(w http.ResponseWriter, r *http.Request) bool {
	same := func(s string) bool { return subtle.ConstantTimeCompare([]byte(s), []byte(a.Token)) == 1 }
	if v := r.Header.Get("Authorization"); len(v) > 7 && v[:7] == "Bearer " && same(v[7:]) {
		return true
	}
	if c, err := r.Cookie(tokenCookie); err == nil && same(c.Value) {
		return true
	}
	if v := r.URL.Query().Get("token"); v != "" && same(v) {
		http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: a.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		return true
	}
	return false
}
