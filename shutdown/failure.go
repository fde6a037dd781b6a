package shutdown

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/opsd-dev/opsd/awsenv"
)

// kmsHint is what a start that an encrypted volume's KMS key refused is
// told as: the Instance Scheduler's most repeated complaint is that this
// failure is silent.
const kmsHint = "the KMS key of an encrypted EBS volume denies this role (grant kms:CreateGrant to the opsd role)"

// dbKMSHint is the same for a database.
const dbKMSHint = "the database's KMS key is disabled, deleted or denies this role"

// failure is an action that failed: a short plain message for people, tags
// and notifications, and the error behind it.
type failure struct {
	// msg is the message, e.g. "stop failed: IncorrectInstanceState: ...".
	msg string
	// err is the cause.
	err error
}

func (f *failure) Error() string { return f.msg }

func (f *failure) Unwrap() error { return f.err }

// failed describes err, the failure of verb (stop, start, ...) on a
// resource of kind k, at step (e.g. "save capacity"; "" for the action
// itself). A start refused because of a KMS key says so plainly.
func failed(verb Verb, k Kind, step string, err error) *failure {
	detail := apiErrorText(err)
	if step != "" {
		detail = step + ": " + detail
	}
	if verb == ActionStart && mentionsKMS(detail) {
		hint := kmsHint
		if isRDS(k) {
			hint = dbKMSHint
		}
		detail = hint + ": " + detail
	}
	return &failure{msg: string(verb) + " failed: " + detail, err: err}
}

// apiErrorText is "Code: message" for an AWS API error, else the error's
// text.
func apiErrorText(err error) string {
	var f *failure
	if errors.As(err, &f) {
		return f.msg
	}
	return awsenv.ErrorText(err)
}

// mentionsKMS reports whether an error or state reason names a KMS key or
// an encrypted volume.
func mentionsKMS(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "kms") || strings.Contains(l, "encrypt")
}

// startRefusedAtLaunch reports whether an EC2 state reason says the
// instance went back to stopped while starting: a KMS key that refused the
// grant for an encrypted volume ("Client.InvalidKMSKey.InvalidState"), or
// EC2's unspecific "Client.InternalError: Client error on launch", which
// is almost always the same cause.
func startRefusedAtLaunch(reason string) bool {
	return mentionsKMS(reason) || strings.HasPrefix(reason, "Client.InternalError")
}

// maxTagValue is the longest tag value EC2, Auto Scaling and RDS accept.
const maxTagValue = 256

// tagValue makes s a tag value every service accepts: letters, digits,
// spaces and _ . : / = + - @ only, at most 256 characters.
func tagValue(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		ok := unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_.:/=+-@", r)
		if !ok {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if utf8.RuneCountInString(out) > maxTagValue {
		runes := []rune(out)
		out = strings.TrimSpace(string(runes[:maxTagValue]))
	}
	return out
}
