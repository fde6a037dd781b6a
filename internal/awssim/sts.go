package awssim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

const stsNS = "https://sts.amazonaws.com/doc/2011-06-15/"

// stsService hands out credentials that name their account.
type stsService struct {
	keys keySeq
}

func newSTS() *stsService { return &stsService{} }

func (s *stsService) serve(w http.ResponseWriter, q *request) {
	switch q.action {
	case "AssumeRole":
		s.assumeRole(w, q)
	case "GetCallerIdentity":
		arn := fmt.Sprintf("arn:aws:iam::%s:user/awssim", q.account)
		if strings.HasPrefix(q.akid, "ASIA") {
			arn = fmt.Sprintf("arn:aws:sts::%s:assumed-role/awssim/awssim", q.account)
		}
		writeQueryResult(w, q, stsNS, fmt.Sprintf("<Arn>%s</Arn><UserId>AIDAAWSSIM%s</UserId><Account>%s</Account>", arn, q.account, q.account))
	default:
		writeError(w, q, http.StatusBadRequest, "InvalidAction", "awssim does not simulate sts "+q.action)
	}
}

// assumeRole returns credentials whose access key id encodes the role's
// account, valid for an hour.
func (s *stsService) assumeRole(w http.ResponseWriter, q *request) {
	roleARN := q.form.Get("RoleArn")
	session := q.form.Get("RoleSessionName")
	account, role, ok := parseRoleARN(roleARN)
	if !ok {
		writeError(w, q, http.StatusBadRequest, "ValidationError", fmt.Sprintf("%q is not a valid role ARN", roleARN))
		return
	}
	if session == "" {
		writeError(w, q, http.StatusBadRequest, "ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
		return
	}
	akid := sessionKeyID(account, s.keys.next())
	exp := time.Now().UTC().Add(time.Hour).Format(time.RFC3339)
	writeQueryResult(w, q, stsNS, fmt.Sprintf(
		"<Credentials><AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey><SessionToken>awssim-session-%s</SessionToken><Expiration>%s</Expiration></Credentials>"+
			"<AssumedRoleUser><AssumedRoleId>AROAAWSSIM%s:%s</AssumedRoleId><Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn></AssumedRoleUser>",
		akid, SecretAccessKey, akid, exp, account, escape(session), account, escape(role), escape(session)))
}

// parseRoleARN reads arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
func parseRoleARN(arn string) (account, role string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return "", "", false
	}
	account = parts[4]
	if len(account) != 12 || strings.Trim(account, "0123456789") != "" {
		return "", "", false
	}
	role = parts[5][strings.LastIndex(parts[5], "/")+1:]
	return account, role, role != ""
}
