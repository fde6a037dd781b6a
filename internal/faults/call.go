package faults

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Protocol is the AWS wire protocol of a call, which decides how an
// injected error is spelled.
type Protocol int

const (
	// REST is restJson1 or restXml: method and path name the operation.
	REST Protocol = iota
	// JSON is awsJson1_0/1_1: X-Amz-Target names the operation.
	JSON
	// CBOR is Smithy RPC v2 CBOR: /service/{svc}/operation/{op}.
	CBOR
	// Query is awsQuery: the form value Action names the operation.
	Query
	// EC2 is ec2Query: like Query, with EC2's own error shape.
	EC2
)

// Call is what the proxy learnt about one request.
type Call struct {
	// Service is the SigV4 signing name: "ec2", "sts", "s3", "sqs".
	Service string
	// Operation is "StopInstances", "AssumeRole", "DeleteMessageBatch",
	// or for REST calls the method and path, "PUT /bucket/key".
	Operation string
	Protocol  Protocol
	// Region is the region of the SigV4 credential scope.
	Region string
	// AccessKey is the access key id the call was signed with.
	AccessKey string
	// Account is the account the call acts in (see the package comment);
	// for AssumeRole it is the account of the role asked for.
	Account string
	// Form is the decoded form of a query-protocol call, nil otherwise.
	Form url.Values
}

// describe reads a call from r and its body; account is filled in by the
// proxy.
func describe(r *http.Request, body []byte) Call {
	c := Call{}
	c.AccessKey, c.Region, c.Service = credentialScope(r)
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		c.Protocol, c.Operation = JSON, target[strings.LastIndex(target, ".")+1:]
		return c
	}
	if op, ok := cborOperation(r); ok {
		c.Protocol, c.Operation = CBOR, op
		return c
	}
	if form := queryForm(r, body); form.Get("Action") != "" {
		c.Protocol, c.Operation, c.Form = Query, form.Get("Action"), form
		if c.Service == "ec2" {
			c.Protocol = EC2
		}
		return c
	}
	c.Protocol, c.Operation = REST, r.Method+" "+r.URL.Path
	return c
}

// credentialScope reads Credential=AKID/date/region/service/aws4_request
// from a SigV4 Authorization header.
func credentialScope(r *http.Request) (accessKey, region, service string) {
	auth := r.Header.Get("Authorization")
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		return "", "", ""
	}
	cred := auth[i+len("Credential="):]
	if j := strings.IndexAny(cred, ", "); j >= 0 {
		cred = cred[:j]
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return "", "", ""
	}
	return parts[0], parts[2], parts[3]
}

// cborOperation reads the operation from a Smithy RPC v2 path.
func cborOperation(r *http.Request) (string, bool) {
	if r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" {
		return "", false
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	n := len(parts)
	if n < 4 || parts[n-4] != "service" || parts[n-2] != "operation" {
		return "", false
	}
	return parts[n-1], true
}

// queryForm returns the query-protocol parameters of r: the URL's, and a
// form-encoded body's.
func queryForm(r *http.Request, body []byte) url.Values {
	form := r.URL.Query()
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return form
	}
	if b, err := url.ParseQuery(string(body)); err == nil {
		for k, v := range b {
			form[k] = append(form[k], v...)
		}
	}
	return form
}

// roleAccount returns the account of an AssumeRole call's RoleArn.
func roleAccount(form url.Values) string {
	parsed, err := arn.Parse(form.Get("RoleArn"))
	if err != nil {
		return ""
	}
	return parsed.AccountID
}
