package dlq

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// RecordFormat names the layout of an archive object; it is the object's
// "format" field.
const RecordFormat = "opsd.dlq.message/1"

// Body encodings of an archive object.
const (
	encodingUTF8   = "utf-8"
	encodingBase64 = "base64"
)

// Record is one archived message: everything SQS returned for it, where it
// came from and when it was archived.
type Record struct {
	// MessageID is the message's SQS message id.
	MessageID string
	// Body is the message body, byte for byte.
	Body string
	// MD5OfBody and MD5OfMessageAttributes are the digests SQS returned.
	MD5OfBody, MD5OfMessageAttributes string
	// Attributes are the system attributes (SentTimestamp, SenderId,
	// ApproximateReceiveCount, MessageGroupId, ...), as SQS returned them.
	Attributes map[string]string
	// MessageAttributes are the message attributes by name.
	MessageAttributes map[string]Attribute
	// QueueARN is the queue the message was archived from.
	QueueARN string
	// ArchivedAt is when it was archived.
	ArchivedAt time.Time
}

// Attribute is one message attribute: its data type ("String", "Number",
// "Binary", or one of those with a custom suffix such as "Number.int" or
// "Binary.gz") and its value, a string for String and Number types and
// bytes for Binary types.
type Attribute struct {
	DataType    string
	StringValue *string
	BinaryValue []byte
}

// recordJSON is the archive object's JSON layout.
type recordJSON struct {
	Format                 string                   `json:"format"`
	MessageID              string                   `json:"message_id"`
	QueueARN               string                   `json:"queue_arn"`
	ArchivedAt             string                   `json:"archived_at"`
	Body                   string                   `json:"body"`
	BodyEncoding           string                   `json:"body_encoding"`
	MD5OfBody              string                   `json:"md5_of_body,omitempty"`
	MD5OfMessageAttributes string                   `json:"md5_of_message_attributes,omitempty"`
	Attributes             map[string]string        `json:"attributes"`
	AttributesBase64       map[string]string        `json:"attributes_base64,omitempty"`
	MessageAttributes      map[string]attributeJSON `json:"message_attributes"`
}

type attributeJSON struct {
	DataType string `json:"data_type"`
	// StringValue is the value of a String or Number attribute; base64
	// when StringEncoding says so (a value that is not valid UTF-8).
	StringValue    *string `json:"string_value,omitempty"`
	StringEncoding string  `json:"string_encoding,omitempty"`
	// BinaryValue is the base64 of a Binary attribute's bytes.
	BinaryValue *string `json:"binary_value,omitempty"`
}

// EncodeRecord returns the archive object for r: JSON, the body as a
// string when it is valid UTF-8 and base64 otherwise, binary attribute
// values in base64. DecodeRecord turns it back into r exactly. Names,
// data types, the message id and the queue ARN must be valid UTF-8 (SQS
// allows nothing else there).
func EncodeRecord(r Record) ([]byte, error) {
	for what, s := range map[string]string{"message id": r.MessageID, "queue arn": r.QueueARN, "md5 of body": r.MD5OfBody, "md5 of message attributes": r.MD5OfMessageAttributes} {
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("encode message %q: %s is not valid UTF-8", r.MessageID, what)
		}
	}
	out := recordJSON{
		Format:                 RecordFormat,
		MessageID:              r.MessageID,
		QueueARN:               r.QueueARN,
		ArchivedAt:             r.ArchivedAt.UTC().Format(time.RFC3339Nano),
		MD5OfBody:              r.MD5OfBody,
		MD5OfMessageAttributes: r.MD5OfMessageAttributes,
		Attributes:             map[string]string{},
		MessageAttributes:      map[string]attributeJSON{},
	}
	out.Body, out.BodyEncoding = encodeText(r.Body)
	for k, v := range r.Attributes {
		if !utf8.ValidString(k) {
			return nil, fmt.Errorf("encode message %q: system attribute name %q is not valid UTF-8", r.MessageID, k)
		}
		if utf8.ValidString(v) {
			out.Attributes[k] = v
			continue
		}
		if out.AttributesBase64 == nil {
			out.AttributesBase64 = map[string]string{}
		}
		out.AttributesBase64[k] = base64.StdEncoding.EncodeToString([]byte(v))
	}
	for k, a := range r.MessageAttributes {
		if !utf8.ValidString(k) || !utf8.ValidString(a.DataType) {
			return nil, fmt.Errorf("encode message %q: message attribute %q: name or data type is not valid UTF-8", r.MessageID, k)
		}
		j := attributeJSON{DataType: a.DataType}
		if a.StringValue != nil {
			s, enc := encodeText(*a.StringValue)
			j.StringValue = &s
			if enc != encodingUTF8 {
				j.StringEncoding = enc
			}
		}
		if a.BinaryValue != nil {
			s := base64.StdEncoding.EncodeToString(a.BinaryValue)
			j.BinaryValue = &s
		}
		out.MessageAttributes[k] = j
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("encode message %q: %w", r.MessageID, err)
	}
	return buf.Bytes(), nil
}

// encodeText returns s and "utf-8" when s is valid UTF-8, else its base64
// and "base64".
func encodeText(s string) (string, string) {
	if utf8.ValidString(s) {
		return s, encodingUTF8
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), encodingBase64
}

// decodeText reverses encodeText.
func decodeText(s, encoding string) (string, error) {
	switch encoding {
	case encodingUTF8, "":
		return s, nil
	case encodingBase64:
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return "", fmt.Errorf("bad base64: %w", err)
		}
		return string(b), nil
	}
	return "", fmt.Errorf("unknown encoding %q", encoding)
}

// errMalformed marks an archive object that is not a record.
var errMalformed = errors.New("malformed archive object")

// DecodeRecord parses an archive object written by EncodeRecord. It
// refuses anything that is not a complete record of a known format.
func DecodeRecord(b []byte) (Record, error) {
	var in recordJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return Record{}, fmt.Errorf("%w: %w", errMalformed, err)
	}
	if dec.More() {
		return Record{}, fmt.Errorf("%w: data after the record", errMalformed)
	}
	if in.Format != RecordFormat {
		return Record{}, fmt.Errorf("%w: format %q, want %q", errMalformed, in.Format, RecordFormat)
	}
	if in.MessageID == "" {
		return Record{}, fmt.Errorf("%w: no message_id", errMalformed)
	}
	if in.BodyEncoding != encodingUTF8 && in.BodyEncoding != encodingBase64 {
		return Record{}, fmt.Errorf("%w: body_encoding %q", errMalformed, in.BodyEncoding)
	}
	r := Record{
		MessageID:              in.MessageID,
		QueueARN:               in.QueueARN,
		MD5OfBody:              in.MD5OfBody,
		MD5OfMessageAttributes: in.MD5OfMessageAttributes,
		Attributes:             map[string]string{},
		MessageAttributes:      map[string]Attribute{},
	}
	var err error
	if r.ArchivedAt, err = time.Parse(time.RFC3339Nano, in.ArchivedAt); err != nil {
		return Record{}, fmt.Errorf("%w: archived_at: %w", errMalformed, err)
	}
	if r.Body, err = decodeText(in.Body, in.BodyEncoding); err != nil {
		return Record{}, fmt.Errorf("%w: body: %w", errMalformed, err)
	}
	maps.Copy(r.Attributes, in.Attributes)
	for k, v := range in.AttributesBase64 {
		if _, dup := r.Attributes[k]; dup {
			return Record{}, fmt.Errorf("%w: attribute %q is given twice", errMalformed, k)
		}
		if r.Attributes[k], err = decodeText(v, encodingBase64); err != nil {
			return Record{}, fmt.Errorf("%w: attribute %q: %w", errMalformed, k, err)
		}
	}
	for k, j := range in.MessageAttributes {
		if j.DataType == "" {
			return Record{}, fmt.Errorf("%w: message attribute %q has no data_type", errMalformed, k)
		}
		a := Attribute{DataType: j.DataType}
		if j.StringValue != nil {
			s, err := decodeText(*j.StringValue, j.StringEncoding)
			if err != nil {
				return Record{}, fmt.Errorf("%w: message attribute %q: %w", errMalformed, k, err)
			}
			a.StringValue = &s
		} else if j.StringEncoding != "" {
			return Record{}, fmt.Errorf("%w: message attribute %q has a string_encoding but no string_value", errMalformed, k)
		}
		if j.BinaryValue != nil {
			if a.BinaryValue, err = base64.StdEncoding.DecodeString(*j.BinaryValue); err != nil {
				return Record{}, fmt.Errorf("%w: message attribute %q: bad base64: %w", errMalformed, k, err)
			}
		}
		r.MessageAttributes[k] = a
	}
	return r, nil
}

// recordFromMessage is the record of a message received from the queue
// with ARN queueARN, archived at.
func recordFromMessage(m sqstypes.Message, queueARN string, at time.Time) Record {
	r := Record{
		MessageID:              aws.ToString(m.MessageId),
		Body:                   aws.ToString(m.Body),
		MD5OfBody:              aws.ToString(m.MD5OfBody),
		MD5OfMessageAttributes: aws.ToString(m.MD5OfMessageAttributes),
		Attributes:             map[string]string{},
		MessageAttributes:      map[string]Attribute{},
		QueueARN:               queueARN,
		ArchivedAt:             at.UTC(),
	}
	maps.Copy(r.Attributes, m.Attributes)
	for k, v := range m.MessageAttributes {
		a := Attribute{DataType: aws.ToString(v.DataType), BinaryValue: v.BinaryValue}
		if v.StringValue != nil {
			s := *v.StringValue
			a.StringValue = &s
		}
		r.MessageAttributes[k] = a
	}
	return r
}
