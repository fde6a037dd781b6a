package awssim

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// protocol is the AWS wire protocol a request speaks.
type protocol int

const (
	protoQuery protocol = iota // awsQuery: STS, Auto Scaling, RDS
	protoEC2                   // ec2Query
	protoJSON                  // awsJson1_0: SQS, CloudWatch (as opsd sends it)
	protoREST                  // restXml: S3
)

// maxBody bounds a request body; S3 objects opsd writes are far smaller.
const maxBody = 16 << 20

// request is one parsed AWS request.
type request struct {
	r    *http.Request
	body []byte
	// service is the SigV4 signing name: ec2, sts, sqs, s3, monitoring...
	service string
	region  string
	account string
	akid    string
	proto   protocol
	// action is the operation's name: DescribeInstances, PutObject...
	action string
	// form holds a query-protocol request's parameters.
	form url.Values
	// ids numbers the responses.
	ids *idSource
}

// op names the operation for counters: "ec2.DescribeInstances".
func (q *request) op() string { return q.service + "." + q.action }

// parseRequest reads who signed r, for which region and service, and which
// operation it calls.
func parseRequest(r *http.Request) (*request, error) {
	q := &request{r: r}
	akid, region, service, err := credentialScope(r.Header.Get("Authorization"))
	if err != nil {
		return nil, err
	}
	q.akid, q.region, q.service, q.account = akid, region, service, accountOf(akid)
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	q.body = body
	switch {
	case service == "s3":
		q.proto, q.action = protoREST, s3Operation(r)
	case r.Header.Get("X-Amz-Target") != "":
		t := r.Header.Get("X-Amz-Target")
		q.proto, q.action = protoJSON, t[strings.LastIndex(t, ".")+1:]
	default:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("parse query request: %w", err)
		}
		q.form = form
		q.action = form.Get("Action")
		q.proto = protoQuery
		if service == "ec2" {
			q.proto = protoEC2
		}
		if q.action == "" {
			return nil, errors.New("query request without Action")
		}
	}
	return q, nil
}

// credentialScope reads a SigV4 Authorization header's credential:
// Credential=AKID/date/region/service/aws4_request.
func credentialScope(auth string) (akid, region, service string, err error) {
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		return "", "", "", errors.New("request is not signed with SigV4")
	}
	cred := auth[i+len("Credential="):]
	if j := strings.IndexAny(cred, ", "); j >= 0 {
		cred = cred[:j]
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return "", "", "", fmt.Errorf("malformed SigV4 credential %q", cred)
	}
	return parts[0], parts[2], parts[3], nil
}

// indexed returns the values of a query list parameter: prefix.1,
// prefix.2, ... in order, stopping at the first gap.
func indexed(form url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[fmt.Sprintf("%s.%d", prefix, i)]
		if !ok {
			return out
		}
		out = append(out, v[0])
	}
}
