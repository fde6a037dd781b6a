package mototest

import (
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// Helpers for Proxy handlers: each writes a complete response in the shape
// the SDK expects for the request's protocol. They also work for requests
// that did not come through a Proxy, judging the protocol by the headers.

// WriteJSON answers an AWS JSON or REST-JSON request with v encoded as the
// JSON body, status 200. Timestamps in AWS JSON are epoch seconds: use
// [Epoch], not time.Time.
func WriteJSON(w http.ResponseWriter, r *http.Request, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		WriteError(w, r, http.StatusInternalServerError, "InternalFailure", "mototest: encode response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", jsonContentType(r))
	write(w, http.StatusOK, b)
}

// WriteXML answers a query-protocol or REST-XML request with status 200 and
// v as the XML body: a string or []byte is written as it is, anything else
// is encoded with encoding/xml. A query response looks like
// <OpResponse><OpResult>…</OpResult></OpResponse>.
func WriteXML(w http.ResponseWriter, v any) {
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		var err error
		if b, err = xml.Marshal(v); err != nil {
			http.Error(w, "mototest: encode response: "+err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "text/xml")
	write(w, http.StatusOK, b)
}

// WriteCBOR answers a Smithy RPC v2 CBOR request with v as the body,
// status 200.
func WriteCBOR(w http.ResponseWriter, v cbor.Value) {
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("Content-Type", "application/cbor")
	write(w, http.StatusOK, cbor.Encode(v))
}

// WriteEmpty answers r with a success that carries no output, as the
// request's protocol spells it.
func WriteEmpty(w http.ResponseWriter, r *http.Request) {
	in := requestOf(r)
	switch in.proto {
	case protoJSON:
		w.Header().Set("Content-Type", jsonContentType(r))
		write(w, http.StatusOK, []byte("{}"))
	case protoCBOR:
		WriteCBOR(w, cbor.Map{})
	case protoQuery:
		WriteXML(w, fmt.Sprintf("<%[1]sResponse><ResponseMetadata><RequestId>%[2]s</RequestId></ResponseMetadata></%[1]sResponse>", in.action, requestID()))
	case protoEC2:
		WriteXML(w, fmt.Sprintf("<%[1]sResponse><requestId>%[2]s</requestId><return>true</return></%[1]sResponse>", in.action, requestID()))
	default:
		write(w, http.StatusOK, nil)
	}
}

// WriteError answers r with an AWS error of the given HTTP status, error
// code (e.g. "InvalidInstanceId", "ResourceNotFoundException") and message,
// as the request's protocol spells it, so the SDK returns the error type
// modelled for code, or a generic smithy.APIError with that code.
func WriteError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	fault := "Sender"
	if status >= 500 {
		fault = "Receiver"
	}
	w.Header().Set("X-Amzn-Query-Error", code+";"+fault)
	switch in := requestOf(r); in.proto {
	case protoJSON:
		b, _ := json.Marshal(map[string]string{"__type": code, "message": message})
		w.Header().Set("Content-Type", jsonContentType(r))
		write(w, status, b)
	case protoCBOR:
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		write(w, status, cbor.Encode(cbor.Map{"__type": cbor.String(code), "message": cbor.String(message)}))
	case protoQuery:
		type queryError struct {
			Type    string
			Code    string
			Message string
		}
		b, _ := xml.Marshal(struct {
			XMLName   xml.Name `xml:"ErrorResponse"`
			Error     queryError
			RequestID string `xml:"RequestId"`
		}{Error: queryError{fault, code, message}, RequestID: requestID()})
		w.Header().Set("Content-Type", "text/xml")
		write(w, status, b)
	case protoEC2:
		type ec2Error struct {
			Code    string
			Message string
		}
		b, _ := xml.Marshal(struct {
			XMLName   xml.Name   `xml:"Response"`
			Errors    []ec2Error `xml:"Errors>Error"`
			RequestID string     `xml:"RequestID"`
		}{Errors: []ec2Error{{code, message}}, RequestID: requestID()})
		w.Header().Set("Content-Type", "text/xml")
		write(w, status, b)
	default:
		b, _ := json.Marshal(map[string]string{"message": message})
		w.Header().Set("X-Amzn-ErrorType", code)
		w.Header().Set("Content-Type", "application/json")
		write(w, status, b)
	}
}

// Epoch is t as AWS JSON timestamps carry it: seconds since the epoch.
func Epoch(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// jsonContentType is the Content-Type of a JSON answer to r.
func jsonContentType(r *http.Request) string {
	if requestOf(r).proto != protoJSON {
		return "application/json"
	}
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-amz-json-") {
		return ct
	}
	return "application/x-amz-json-1.1"
}

func write(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("X-Amzn-RequestId", requestID())
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func requestID() string { return "mototest-" + rand.Text()[:16] }
