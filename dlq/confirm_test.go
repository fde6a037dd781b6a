package dlq

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestConfirmWrite(t *testing.T) {
	body := []byte(`{"format":"opsd.dlq.message/1"}`)
	d := digestOf(body)
	other := digestOf([]byte("something else"))
	md5hex := `"` + hexMD5(d) + `"`
	cases := []struct {
		name   string
		out    *s3.PutObjectOutput
		sseKMS bool
		ok     bool
	}{
		{"checksum echoed", &s3.PutObjectOutput{ChecksumSHA256: aws.String(d.checksumSHA256())}, false, true},
		{"checksum of other content", &s3.PutObjectOutput{ChecksumSHA256: aws.String(other.checksumSHA256()), ETag: aws.String(md5hex)}, false, false},
		{"no checksum, ETag is the MD5", &s3.PutObjectOutput{ETag: aws.String(md5hex)}, false, true},
		{"no checksum, ETag unquoted upper case", &s3.PutObjectOutput{ETag: aws.String(upper(hexMD5(d)))}, false, true},
		{"no checksum, ETag of other content", &s3.PutObjectOutput{ETag: aws.String(`"` + hexMD5(other) + `"`)}, false, false},
		{"no checksum, no ETag", &s3.PutObjectOutput{}, false, false},
		{"SSE-KMS: the ETag is not an MD5", &s3.PutObjectOutput{ETag: aws.String(`"0123"`)}, true, true},
		{"SSE-KMS with a wrong checksum", &s3.PutObjectOutput{ChecksumSHA256: aws.String(other.checksumSHA256())}, true, false},
		{"no answer", nil, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := confirmWrite(c.out, d, c.sseKMS)
			if (err == nil) != c.ok {
				t.Fatalf("confirmWrite: %v, want confirmed=%v", err, c.ok)
			}
		})
	}
}

func TestSameContentComparesBodyAndMessageAttributes(t *testing.T) {
	s := func(v string) *string { return &v }
	base := Record{MessageID: "m1", Body: "€ body", MD5OfBody: "x", Attributes: map[string]string{"ApproximateReceiveCount": "1"},
		MessageAttributes: map[string]Attribute{"n": {DataType: "Number", StringValue: s("7")}, "b": {DataType: "Binary", BinaryValue: []byte{0, 1}}}}
	same := base
	same.Attributes = map[string]string{"ApproximateReceiveCount": "5"}
	if !sameContent(same, base) {
		t.Error("a receive count that changed made the records differ")
	}
	for name, mutate := range map[string]func(r *Record){
		"id":   func(r *Record) { r.MessageID = "m2" },
		"body": func(r *Record) { r.Body = "€ body." },
		"md5":  func(r *Record) { r.MD5OfBody = "y" },
		"number": func(r *Record) {
			r.MessageAttributes = map[string]Attribute{"n": {DataType: "Number", StringValue: s("8")}, "b": base.MessageAttributes["b"]}
		},
		"binary": func(r *Record) {
			r.MessageAttributes = map[string]Attribute{"n": base.MessageAttributes["n"], "b": {DataType: "Binary", BinaryValue: []byte{0, 2}}}
		},
		"type": func(r *Record) {
			r.MessageAttributes = map[string]Attribute{"n": {DataType: "String", StringValue: s("7")}, "b": base.MessageAttributes["b"]}
		},
		"attr gone": func(r *Record) { r.MessageAttributes = map[string]Attribute{"n": base.MessageAttributes["n"]} },
	} {
		got := base
		mutate(&got)
		if sameContent(got, base) {
			t.Errorf("%s: records that differ compared the same", name)
		}
	}
}

func hexMD5(d objectDigest) string { return hex.EncodeToString(d.md5[:]) }

func upper(s string) string { return strings.ToUpper(s) }
