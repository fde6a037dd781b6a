package dlq

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// bigBody is n bytes of valid UTF-8 using every kind of character SQS
// allows: ASCII, control characters it accepts, 2-, 3- and 4-byte runes.
func bigBody(n int) string {
	var b strings.Builder
	parts := []string{"a", "\t", "\n", "\r", "é", "€", "\U0001F600", "<&>", "\u2028", `"\`}
	for i := 0; b.Len() < n; i++ {
		p := parts[i%len(parts)]
		if b.Len()+len(p) > n {
			p = strings.Repeat("x", n-b.Len())
		}
		b.WriteString(p)
	}
	return b.String()
}

func sampleRecord() Record {
	return Record{
		MessageID:              "0b1f7f2e-2f7a-4c4e-9a57-2f0b3c4d5e6f",
		Body:                   `{"order":42,"note":"caf\u00e9 <b>&</b>"}`,
		MD5OfBody:              "8f4e2c...",
		MD5OfMessageAttributes: "a1b2c3...",
		Attributes: map[string]string{
			"SentTimestamp":            "1764000000000",
			"ApproximateReceiveCount":  "4",
			"SenderId":                 "AIDAEXAMPLE",
			"MessageGroupId":           "g-1",
			"MessageDeduplicationId":   "d-1",
			"SequenceNumber":           "18849496460467696128",
			"AWSTraceHeader":           "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
			"DeadLetterQueueSourceArn": "arn:aws:sqs:eu-west-2:111111111111:orders",
		},
		MessageAttributes: map[string]Attribute{
			"kind":  {DataType: "String", StringValue: aws.String("order.created")},
			"count": {DataType: "Number.int", StringValue: aws.String("-12.50e3")},
			"blob":  {DataType: "Binary.gz", BinaryValue: allBytes()},
			"empty": {DataType: "String.note", StringValue: aws.String("")},
		},
		QueueARN:   "arn:aws:sqs:eu-west-2:111111111111:orders-dlq",
		ArchivedAt: time.Date(2026, 11, 24, 19, 5, 0, 123456789, time.UTC),
	}
}

// sameRecord compares records, an absent map equal to an empty one.
func sameRecord(t *testing.T, got, want Record) {
	t.Helper()
	if got.MessageID != want.MessageID || got.Body != want.Body || got.MD5OfBody != want.MD5OfBody ||
		got.MD5OfMessageAttributes != want.MD5OfMessageAttributes || got.QueueARN != want.QueueARN || !got.ArchivedAt.Equal(want.ArchivedAt) {
		t.Fatalf("record differs:\n got  id=%q body(%d)=%.60q arn=%q at=%s\n want id=%q body(%d)=%.60q arn=%q at=%s",
			got.MessageID, len(got.Body), got.Body, got.QueueARN, got.ArchivedAt, want.MessageID, len(want.Body), want.Body, want.QueueARN, want.ArchivedAt)
	}
	if len(got.Attributes)+len(want.Attributes) > 0 && !maps.Equal(got.Attributes, want.Attributes) {
		t.Fatalf("attributes %q, want %q", got.Attributes, want.Attributes)
	}
	if len(got.MessageAttributes) != len(want.MessageAttributes) {
		t.Fatalf("message attributes %v, want %v", got.MessageAttributes, want.MessageAttributes)
	}
	for k, w := range want.MessageAttributes {
		g, ok := got.MessageAttributes[k]
		if !ok || g.DataType != w.DataType || (g.StringValue == nil) != (w.StringValue == nil) ||
			(g.StringValue != nil && *g.StringValue != *w.StringValue) || (g.BinaryValue == nil) != (w.BinaryValue == nil) || !bytes.Equal(g.BinaryValue, w.BinaryValue) {
			t.Fatalf("message attribute %q = %+v, want %+v", k, g, w)
		}
	}
}

func TestRecordRoundTripsByteExact(t *testing.T) {
	invalid := string([]byte{0xff, 0xfe, 'a', 0xc3, 0x28, 0xed, 0xa0, 0x80, 0})
	cases := map[string]func(*Record){
		"sample":         func(*Record) {},
		"256 KiB body":   func(r *Record) { r.Body = bigBody(256 << 10) },
		"1 MiB body":     func(r *Record) { r.Body = bigBody(1 << 20) },
		"body not UTF-8": func(r *Record) { r.Body = invalid },
		"body all bytes": func(r *Record) { r.Body = string(allBytes()) },
		"string value not UTF-8": func(r *Record) {
			r.MessageAttributes["kind"] = Attribute{DataType: "String", StringValue: aws.String(invalid)}
		},
		"system value not UTF-8": func(r *Record) { r.Attributes["AWSTraceHeader"] = invalid },
		"no attributes": func(r *Record) {
			r.Attributes, r.MessageAttributes = nil, nil
		},
		"empty binary": func(r *Record) { r.MessageAttributes["blob"] = Attribute{DataType: "Binary", BinaryValue: []byte{}} },
		"both values": func(r *Record) {
			r.MessageAttributes["x"] = Attribute{DataType: "Binary", BinaryValue: []byte{1}, StringValue: aws.String("s")}
		},
		"json-looking body": func(r *Record) {
			r.Body = `{"format":"opsd.dlq.message/1","body_encoding":"base64"}` + "\n"
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			want := sampleRecord()
			want.Attributes = maps.Clone(want.Attributes)
			want.MessageAttributes = maps.Clone(want.MessageAttributes)
			mutate(&want)
			b, err := EncodeRecord(want)
			if err != nil {
				t.Fatalf("EncodeRecord: %v", err)
			}
			if !json.Valid(b) || !utf8.Valid(b) {
				t.Fatalf("the archive object is not valid UTF-8 JSON")
			}
			got, err := DecodeRecord(b)
			if err != nil {
				t.Fatalf("DecodeRecord: %v", err)
			}
			sameRecord(t, got, want)
		})
	}
}

func TestRecordLayout(t *testing.T) {
	r := sampleRecord()
	r.Body = "\xff\x00binary"
	b, err := EncodeRecord(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"format":        RecordFormat,
		"message_id":    r.MessageID,
		"queue_arn":     r.QueueARN,
		"archived_at":   "2026-11-24T19:05:00.123456789Z",
		"body":          "/wBiaW5hcnk=",
		"body_encoding": "base64",
		"md5_of_body":   r.MD5OfBody,
	} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	attrs := m["attributes"].(map[string]any)
	if attrs["SentTimestamp"] != "1764000000000" || attrs["DeadLetterQueueSourceArn"] == nil {
		t.Errorf("attributes = %v", attrs)
	}
	blob := m["message_attributes"].(map[string]any)["blob"].(map[string]any)
	if blob["data_type"] != "Binary.gz" || blob["binary_value"] == nil || blob["string_value"] != nil {
		t.Errorf("binary attribute = %v", blob)
	}
	count := m["message_attributes"].(map[string]any)["count"].(map[string]any)
	if count["data_type"] != "Number.int" || count["string_value"] != "-12.50e3" {
		t.Errorf("number attribute = %v", count)
	}
	if strings.Contains(string(b), "receipt") {
		t.Error("the record holds a receipt handle; those are per receipt")
	}
}

func TestEncodeRefusesNamesThatAreNotUTF8(t *testing.T) {
	r := sampleRecord()
	r.MessageAttributes = map[string]Attribute{"\xff": {DataType: "String", StringValue: aws.String("x")}}
	if _, err := EncodeRecord(r); err == nil {
		t.Error("an attribute name that is not UTF-8 was encoded")
	}
	r = sampleRecord()
	r.MessageID = "\xfe"
	if _, err := EncodeRecord(r); err == nil {
		t.Error("a message id that is not UTF-8 was encoded")
	}
}

func TestDecodeRefusesMalformedObjects(t *testing.T) {
	good, err := EncodeRecord(sampleRecord())
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	cases := map[string]string{
		"empty":                 "",
		"not json":              "hello",
		"truncated":             string(good[:len(good)/2]),
		"two records":           string(good) + string(good),
		"array":                 "[]",
		"other format":          edit(func(m map[string]any) { m["format"] = "opsd.dlq.message/2" }),
		"no format":             edit(func(m map[string]any) { delete(m, "format") }),
		"no message id":         edit(func(m map[string]any) { delete(m, "message_id") }),
		"unknown body encoding": edit(func(m map[string]any) { m["body_encoding"] = "gzip" }),
		"bad base64 body":       edit(func(m map[string]any) { m["body_encoding"] = "base64"; m["body"] = "!!!" }),
		"bad archived_at":       edit(func(m map[string]any) { m["archived_at"] = "yesterday" }),
		"unknown field":         edit(func(m map[string]any) { m["receipt_handle"] = "x" }),
		"attribute without type": edit(func(m map[string]any) {
			m["message_attributes"].(map[string]any)["kind"].(map[string]any)["data_type"] = ""
		}),
		"bad binary": edit(func(m map[string]any) {
			m["message_attributes"].(map[string]any)["blob"].(map[string]any)["binary_value"] = "%%%"
		}),
		"attribute twice": edit(func(m map[string]any) {
			m["attributes_base64"] = map[string]any{"SentTimestamp": "MQ=="}
		}),
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeRecord([]byte(doc))
			if !errors.Is(err, errMalformed) {
				t.Errorf("DecodeRecord = %v, want a malformed-object error", err)
			}
		})
	}
}

func TestRecordFromMessageKeepsEverything(t *testing.T) {
	m := sqstypes.Message{
		MessageId: aws.String("m-1"), ReceiptHandle: aws.String("rh"), Body: aws.String("hello"),
		MD5OfBody: aws.String("md5"), MD5OfMessageAttributes: aws.String("md5a"),
		Attributes: map[string]string{"SentTimestamp": "1", "MessageGroupId": "g"},
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"b": {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2}},
			"s": {DataType: aws.String("String"), StringValue: aws.String("v")},
		},
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	r := recordFromMessage(m, "arn:q", at)
	if r.MessageID != "m-1" || r.Body != "hello" || r.MD5OfBody != "md5" || r.MD5OfMessageAttributes != "md5a" ||
		r.QueueARN != "arn:q" || r.ArchivedAt.Location() != time.UTC || !r.ArchivedAt.Equal(at) ||
		r.Attributes["MessageGroupId"] != "g" || !bytes.Equal(r.MessageAttributes["b"].BinaryValue, []byte{0, 1, 2}) ||
		*r.MessageAttributes["s"].StringValue != "v" {
		t.Errorf("record = %+v", r)
	}
}

// FuzzRecordRoundTrip: whatever the bytes, an encoded record decodes to
// itself, or encoding refuses it because a name is not UTF-8.
func FuzzRecordRoundTrip(f *testing.F) {
	f.Add("m-1", "hello", "String", "v", []byte{0, 1}, "SentTimestamp", "1")
	f.Add("m-2", string([]byte{0xff, 0xc3}), "Binary.gz", "", allBytes(), "AWSTraceHeader", "\xfe")
	f.Add("m-3", bigBody(4096), "Number.int", "12", []byte(nil), "SequenceNumber", "")
	f.Fuzz(func(t *testing.T, id, body, dataType, str string, bin []byte, sysName, sysValue string) {
		if id == "" {
			id = "x"
		}
		r := Record{
			MessageID: id, Body: body, QueueARN: "arn:aws:sqs:eu-west-2:111111111111:q",
			Attributes: map[string]string{sysName: sysValue},
			MessageAttributes: map[string]Attribute{
				"s": {DataType: dataType, StringValue: &str},
				"b": {DataType: "Binary", BinaryValue: bin},
			},
			ArchivedAt: time.Unix(1764000000, 5).UTC(),
		}
		if dataType == "" {
			r.MessageAttributes["s"] = Attribute{DataType: "String", StringValue: &str}
		}
		b, err := EncodeRecord(r)
		if err != nil {
			if utf8.ValidString(id) && utf8.ValidString(dataType) && utf8.ValidString(sysName) {
				t.Fatalf("EncodeRecord refused valid names: %v", err)
			}
			return
		}
		got, err := DecodeRecord(b)
		if err != nil {
			t.Fatalf("DecodeRecord: %v", err)
		}
		if bin == nil {
			r.MessageAttributes["b"] = Attribute{DataType: "Binary"}
		}
		sameRecord(t, got, r)
	})
}
