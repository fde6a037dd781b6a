package webpage

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// SessionTTL is how long the session the ?token= login starts lasts.
const SessionTTL = 12 * time.Hour

// sessionCookie holds the session; legacyCookie is the name under which
// earlier versions kept the raw token, removed at the next login.
const (
	sessionCookie = "opsd_session"
	legacyCookie  = "opsd_token"
)

// sessionKey derives the key sessions are signed with from the page's
// token, so that every replica behind one load balancer accepts the
// others' sessions and a new token ends every session.
func sessionKey(token string) []byte {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("opsd session v1"))
	return m.Sum(nil)
}

// newSession returns a session value that expires at exp: the expiry in
// Unix seconds and its HMAC-SHA256, "<exp>.<mac>". It holds nothing of the
// token but what the MAC proves.
func newSession(key []byte, exp time.Time) string {
	e := strconv.FormatInt(exp.Unix(), 10)
	return e + "." + sessionMAC(key, e)
}

// sessionValid reports whether v is a session signed with key that has
// not expired at now.
func sessionValid(key []byte, v string, now time.Time) bool {
	e, mac, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(sessionMAC(key, e))) {
		return false
	}
	exp, err := strconv.ParseInt(e, 10, 64)
	if err != nil {
		return false
	}
	return now.Unix() < exp
}

func sessionMAC(key []byte, exp string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("opsd session v1|" + exp))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
