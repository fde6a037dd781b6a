package awssim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
)

// idSource numbers responses: request ids need only be distinct.
type idSource struct{ n atomic.Uint64 }

func (s *idSource) next() string {
	return fmt.Sprintf("awssim-%012x", s.n.Add(1))
}

// requestID is the id of the response to q.
func requestID(q *request) string {
	if q.ids == nil {
		return "awssim-request"
	}
	return q.ids.next()
}

// writeXML answers with status 200 and an XML body.
func writeXML(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// writeQueryResult answers a query-protocol request with result, the
// inner XML of <ActionResult>.
func writeQueryResult(w http.ResponseWriter, q *request, xmlns, result string) {
	var b strings.Builder
	fmt.Fprintf(&b, `<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`,
		q.action, xmlns, q.action, result, q.action, requestID(q), q.action)
	writeXML(w, []byte(b.String()))
}

// writeJSON answers an AWS JSON request with v.
func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "awssim: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// writeError answers with an AWS error as the request's protocol spells
// it, so the SDK returns the modelled error type or a generic API error
// with that code.
func writeError(w http.ResponseWriter, q *request, status int, code, message string) {
	fault := "Sender"
	if status >= 500 {
		fault = "Receiver"
	}
	var body string
	switch q.proto {
	case protoJSON:
		typ := code
		if q.service == "sqs" {
			typ = "com.amazonaws.sqs#" + sqsErrorShape(code)
		}
		b, _ := json.Marshal(map[string]string{"__type": typ, "message": message})
		body = string(b)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Header().Set("X-Amzn-Query-Error", code+";"+fault)
	case protoEC2:
		body = fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
			escape(code), escape(message), requestID(q))
		w.Header().Set("Content-Type", "text/xml")
	case protoREST:
		body = fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>`,
			escape(code), escape(message), requestID(q))
		w.Header().Set("Content-Type", "application/xml")
	default:
		body = fmt.Sprintf(`<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			fault, escape(code), escape(message), requestID(q))
		w.Header().Set("Content-Type", "text/xml")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// sqsErrorShape is the modelled error shape SQS's JSON protocol names for
// a query error code.
func sqsErrorShape(code string) string {
	switch code {
	case "AWS.SimpleQueueService.NonExistentQueue":
		return "QueueDoesNotExist"
	case "AWS.SimpleQueueService.TooManyEntriesInBatchRequest":
		return "TooManyEntriesInBatchRequest"
	case "AWS.SimpleQueueService.EmptyBatchRequest":
		return "EmptyBatchRequest"
	case "AWS.SimpleQueueService.BatchEntryIdsNotDistinct":
		return "BatchEntryIdsNotDistinct"
	}
	return code
}

// throttle answers with the service's real throttling error.
func throttle(w http.ResponseWriter, q *request) {
	switch q.service {
	case "ec2":
		writeError(w, q, http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
	case "s3":
		writeError(w, q, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
	case "sqs":
		writeError(w, q, http.StatusBadRequest, "RequestThrottled", "Rate exceeded")
	default:
		writeError(w, q, http.StatusBadRequest, "Throttling", "Rate exceeded")
	}
}

// escape escapes s for XML text and attribute values.
func escape(s string) string {
	if !strings.ContainsAny(s, `<>&"'`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
