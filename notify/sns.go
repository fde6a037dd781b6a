package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// SNS publishes messages and page events as JSON to one SNS topic, for
// anything else to consume. Each publish carries the message attributes
// type (message or page), kind and severity, so subscribers can filter.
type SNS struct {
	api   SNSPublishAPI
	topic string
}

var (
	_ Notifier = (*SNS)(nil)
	_ Pager    = (*SNS)(nil)
)

// NewSNS returns a publisher to topicARN through api; it makes no call.
func NewSNS(api SNSPublishAPI, topicARN string) (*SNS, error) {
	if api == nil || strings.TrimSpace(topicARN) == "" {
		return nil, errors.New("create sns publisher: no client or topic")
	}
	return &SNS{api: api, topic: strings.TrimSpace(topicARN)}, nil
}

// SNSMessage is the JSON document published for a message.
type SNSMessage struct {
	Type     string   `json:"type"`
	Kind     Kind     `json:"kind"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
	Text     string   `json:"text,omitempty"`
	Fields   []Field  `json:"fields,omitempty"`
	Table    *Table   `json:"table,omitempty"`
	Labels   Labels   `json:"labels"`
	// Truncated says the message was cut to fit SNS: its text, or the
	// rows of its table that OmittedRows counts.
	Truncated bool `json:"truncated,omitempty"`
	// OmittedRows is how many of the table's last rows were left out.
	OmittedRows int `json:"omitted_rows,omitempty"`
}

// maxSNSMessage is the most SNS publishes in one message (256 KiB).
const maxSNSMessage = 256 * 1024

// snsSize is the length of doc's JSON.
func snsSize(doc SNSMessage) int {
	data, err := json.Marshal(doc)
	if err != nil {
		return 0 // the publish fails with this error
	}
	return len(data)
}

// fitSNS cuts a document too large for SNS, a summary of a large fleet:
// its text to half of what SNS takes when it is longer, then its table to
// the most rows that fit, saying how many were left out.
func fitSNS(doc SNSMessage) SNSMessage {
	doc.Truncated = true
	if len(doc.Text) > maxSNSMessage/2 {
		doc.Text = strings.ToValidUTF8(doc.Text[:maxSNSMessage/2], "")
	}
	if doc.Table == nil || snsSize(doc) <= maxSNSMessage {
		return doc
	}
	rows := doc.Table.Rows
	table := *doc.Table
	doc.Table = &table
	// The most rows that fit: fits(lo) holds, fits(hi) does not.
	lo, hi := 0, len(rows)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		table.Rows, doc.OmittedRows = rows[:mid], len(rows)-mid
		if snsSize(doc) <= maxSNSMessage {
			lo = mid
		} else {
			hi = mid
		}
	}
	table.Rows, doc.OmittedRows = rows[:lo], len(rows)-lo
	if lo == 0 {
		doc.Table = nil
	}
	return doc
}

// SNSPage is the JSON document published for a page event.
type SNSPage struct {
	Type string `json:"type"`
	PageEvent
}

// Notify publishes msg.
func (s *SNS) Notify(ctx context.Context, msg Message) error {
	doc := SNSMessage{Type: "message", Kind: msg.Kind, Severity: msg.Severity, Title: msg.Title, Text: msg.Text,
		Fields: msg.Fields, Table: msg.Table, Labels: msg.Labels}
	if snsSize(doc) > maxSNSMessage {
		doc = fitSNS(doc)
	}
	if err := s.publish(ctx, doc, "message", string(msg.Kind), string(msg.Severity)); err != nil {
		return fmt.Errorf("publish %s message %q to sns topic %s: %w", msg.Kind, msg.Title, s.topic, err)
	}
	return nil
}

// Page publishes ev; its kind attribute is the service's name (the event's
// source component class is in the document).
func (s *SNS) Page(ctx context.Context, ev PageEvent) error {
	severity := string(ev.Severity)
	if ev.Action == Resolve {
		severity = string(PageInfo)
	}
	if err := s.publish(ctx, SNSPage{Type: "page", PageEvent: ev}, "page", ev.Details["service"], severity); err != nil {
		return fmt.Errorf("publish %s page %s to sns topic %s: %w", ev.Action, ev.DedupKey, s.topic, err)
	}
	return nil
}

func (s *SNS) publish(ctx context.Context, doc any, typ, kind, severity string) error {
	data, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	attrs := map[string]snstypes.MessageAttributeValue{
		"type": {DataType: aws.String("String"), StringValue: aws.String(typ)},
	}
	// SNS refuses an attribute with an empty value.
	if kind != "" {
		attrs["kind"] = snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(kind)}
	}
	if severity != "" {
		attrs["severity"] = snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(severity)}
	}
	_, err = s.api.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(s.topic), Message: aws.String(string(data)), MessageAttributes: attrs})
	return err
}
