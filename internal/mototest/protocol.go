package mototest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// protocol is the AWS wire protocol a request speaks.
type protocol int

const (
	protoREST  protocol = iota // restJson1 / restXml: method + path name the operation
	protoJSON                  // awsJson1_0 / awsJson1_1: X-Amz-Target names it
	protoCBOR                  // Smithy RPC v2 CBOR: /service/{svc}/operation/{op}
	protoQuery                 // awsQuery: form value Action names it
	protoEC2                   // ec2Query: like awsQuery, with EC2's error shape
)

// request is what the proxy learnt about one request; handlers reach it
// through the request's context.
type request struct {
	proto protocol
	// op names the operation: "AmazonSSM.DescribeInstanceInformation",
	// "EnableAlarmActions", or for REST "PUT /backup/plans/p1/selections/"
	// (the registered pattern once a handler matched).
	op string
	// action is the short operation name, used in query response elements.
	action string
	// body is the whole request body, kept so it can be read again.
	body []byte
}

type requestKey struct{}

// describe identifies r's protocol and operation. body is r's body.
func describe(r *http.Request, body []byte) *request {
	in := &request{body: body}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		in.proto, in.op = protoJSON, target
		in.action = target[strings.LastIndex(target, ".")+1:]
		return in
	}
	if svc, op, ok := cborOperation(r); ok {
		in.proto, in.op, in.action = protoCBOR, svc+"."+op, op
		return in
	}
	if action := queryAction(r, body); action != "" {
		in.proto, in.op, in.action = protoQuery, action, action
		if signingService(r) == "ec2" {
			in.proto = protoEC2
		}
		return in
	}
	in.proto, in.op = protoREST, r.Method+" "+r.URL.Path
	return in
}

// requestOf returns what the proxy learnt about r, or, for a request that
// did not come through a proxy, what its headers say.
func requestOf(r *http.Request) *request {
	if in, ok := r.Context().Value(requestKey{}).(*request); ok {
		return in
	}
	return describe(r, nil)
}

func withRequest(ctx context.Context, in *request) context.Context {
	return context.WithValue(ctx, requestKey{}, in)
}

// cborOperation reads service and operation from a Smithy RPC v2 path,
// /service/{service}/operation/{operation}.
func cborOperation(r *http.Request) (service, op string, ok bool) {
	if r.Header.Get("Smithy-Protocol") != "rpc-v2-cbor" {
		return "", "", false
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	n := len(parts)
	if n < 4 || parts[n-4] != "service" || parts[n-2] != "operation" {
		return "", "", false
	}
	return parts[n-3], parts[n-1], true
}

// queryAction returns the Action of an awsQuery/ec2Query request, from the
// URL or a form-encoded body.
func queryAction(r *http.Request, body []byte) string {
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return ""
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return ""
	}
	return form.Get("Action")
}

// signingService returns the service of a SigV4 Authorization header's
// credential scope (Credential=AKID/date/region/service/aws4_request).
func signingService(r *http.Request) string {
	auth := r.Header.Get("Authorization")
	i := strings.Index(auth, "Credential=")
	if i < 0 {
		return ""
	}
	cred := auth[i+len("Credential="):]
	if j := strings.IndexAny(cred, ", "); j >= 0 {
		cred = cred[:j]
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}
