package faults

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"

	"github.com/aws/smithy-go/encoding/cbor"
)

// awsError is one error answer: HTTP status, error code and message.
type awsError struct {
	status  int
	code    string
	message string
}

// errorFor returns the error a service answers for f, as that service
// spells it.
func errorFor(f Fault, c Call) awsError {
	ec2, s3 := c.Protocol == EC2, c.Service == "s3"
	switch f {
	case Throttle:
		switch {
		case ec2:
			return awsError{http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded."}
		case s3:
			return awsError{http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate."}
		case c.Protocol == Query:
			return awsError{http.StatusBadRequest, "Throttling", "Rate exceeded"}
		}
		return awsError{http.StatusBadRequest, "ThrottlingException", "Rate exceeded"}
	case InternalError:
		if ec2 || s3 {
			return awsError{http.StatusInternalServerError, "InternalError", "An internal error has occurred."}
		}
		return awsError{http.StatusInternalServerError, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."}
	case Unavailable:
		if ec2 {
			return awsError{http.StatusServiceUnavailable, "Unavailable", "The server is overloaded and can't handle the request."}
		}
		return awsError{http.StatusServiceUnavailable, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."}
	case Deny:
		msg := fmt.Sprintf("User: arn:aws:iam::%s:user/opsd is not authorized to perform: %s:%s", c.Account, c.Service, c.Operation)
		if role := c.Form.Get("RoleArn"); role != "" {
			msg += " on resource: " + role
		}
		switch {
		case ec2:
			return awsError{http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation."}
		case c.Protocol == JSON || c.Protocol == CBOR:
			return awsError{http.StatusBadRequest, "AccessDeniedException", msg}
		}
		return awsError{http.StatusForbidden, "AccessDenied", msg}
	}
	return awsError{http.StatusInternalServerError, "InternalFailure", "faults: no error for " + f.String()}
}

// writeError answers c with e in c's protocol, so the SDK turns it into
// the modelled error or a smithy.APIError with e's code.
func writeError(w http.ResponseWriter, c Call, e awsError, requestID string) {
	h := w.Header()
	h.Set("X-Amzn-RequestId", requestID)
	var body []byte
	switch {
	case c.Protocol == EC2:
		type item struct{ Code, Message string }
		body, _ = xml.Marshal(struct {
			XMLName   xml.Name `xml:"Response"`
			Errors    []item   `xml:"Errors>Error"`
			RequestID string   `xml:"RequestID"`
		}{Errors: []item{{e.code, e.message}}, RequestID: requestID})
		h.Set("Content-Type", "text/xml;charset=UTF-8")
	case c.Protocol == Query:
		fault := "Sender"
		if e.status >= 500 {
			fault = "Receiver"
		}
		type item struct{ Type, Code, Message string }
		body, _ = xml.Marshal(struct {
			XMLName   xml.Name `xml:"ErrorResponse"`
			Error     item
			RequestID string `xml:"RequestId"`
		}{Error: item{fault, e.code, e.message}, RequestID: requestID})
		h.Set("Content-Type", "text/xml")
		h.Set("X-Amzn-Query-Error", e.code+";"+fault)
	case c.Protocol == JSON:
		body, _ = json.Marshal(map[string]string{"__type": e.code, "message": e.message})
		h.Set("Content-Type", "application/x-amz-json-1.1")
	case c.Protocol == CBOR:
		body = cbor.Encode(cbor.Map{"__type": cbor.String(e.code), "message": cbor.String(e.message)})
		h.Set("Smithy-Protocol", "rpc-v2-cbor")
		h.Set("Content-Type", "application/cbor")
	case c.Service == "s3":
		body, _ = xml.Marshal(struct {
			XMLName   xml.Name `xml:"Error"`
			Code      string
			Message   string
			RequestID string `xml:"RequestId"`
		}{Code: e.code, Message: e.message, RequestID: requestID})
		h.Set("Content-Type", "application/xml")
	default:
		body, _ = json.Marshal(map[string]string{"message": e.message})
		h.Set("X-Amzn-ErrorType", e.code)
		h.Set("Content-Type", "application/json")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}
