package monitor

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// wire holds the wire-protocol handlers the integration tests put in front
// of moto 5.2.1, for what it lacks or gets wrong:
//   - Synthetics CreateCanary and DescribeCanaries answer timestamps as
//     ISO strings where the SDK expects epoch seconds: the answers are
//     forwarded and their timestamps rewritten.
//   - SNS GetTopicAttributes never returns the delivery status logging
//     attributes SetTopicAttributes stored: the fake remembers what was set
//     and adds it to moto's answer.
//   - RDS ModifyEventSubscription, AddSourceIdentifierToSubscription and
//     RemoveSourceIdentifierFromSubscription are missing: the fake
//     carries them out on moto's subscription by deleting and recreating
//     it, and answers as RDS does.
//   - SSM's agent commands: see proxy_ssm_test.go.
type wire struct {
	proxy *mototest.Proxy
	moto  string
	ssm   *ssmWire

	mu     sync.Mutex
	topics map[string]map[string]string // topic ARN → attributes set
}

func newWire(t *testing.T, srv *mototest.Server) *wire {
	f := &wire{proxy: mototest.NewProxy(t, srv.URL()), moto: srv.URL(), topics: map[string]map[string]string{}}
	f.proxy.Handle("POST /canary", f.fixCanaryTimes)
	f.proxy.Handle("POST /canaries", f.fixCanaryTimes)
	f.proxy.Handle("SetTopicAttributes", f.setTopicAttributes)
	f.proxy.Handle("GetTopicAttributes", f.getTopicAttributes)
	f.proxy.Handle("ModifyEventSubscription", f.modifySubscription)
	f.proxy.Handle("AddSourceIdentifierToSubscription", f.modifySubscription)
	f.proxy.Handle("RemoveSourceIdentifierFromSubscription", f.modifySubscription)
	f.ssm = newSSMWire(f.proxy, ssm.NewFromConfig(srv.Config(testRegion)))
	return f
}

// forward sends r to moto and returns its answer.
func (f *wire) forward(r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	f.proxy.Forward(rec, r)
	return rec
}

// relay writes moto's answer with body as its body.
func relay(w http.ResponseWriter, rec *httptest.ResponseRecorder, body []byte) {
	for k, vs := range rec.Header() {
		if k == "Content-Length" {
			continue
		}
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

func (f *wire) fixCanaryTimes(w http.ResponseWriter, r *http.Request) {
	rec := f.forward(r)
	var v any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		relay(w, rec, rec.Body.Bytes())
		return
	}
	epochs(v)
	b, _ := json.Marshal(v)
	relay(w, rec, b)
}

// epochs turns every ISO timestamp string in v into epoch seconds.
func epochs(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok {
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					x[k] = mototest.Epoch(t)
					continue
				}
			}
			epochs(e)
		}
	case []any:
		for _, e := range x {
			epochs(e)
		}
	}
}

func (f *wire) setTopicAttributes(w http.ResponseWriter, r *http.Request) {
	form := formOf(r)
	if name := form.Get("AttributeName"); strings.HasPrefix(name, "SQS") {
		f.mu.Lock()
		arn := form.Get("TopicArn")
		if f.topics[arn] == nil {
			f.topics[arn] = map[string]string{}
		}
		f.topics[arn][name] = form.Get("AttributeValue")
		f.mu.Unlock()
	}
	f.proxy.Forward(w, r)
}

func (f *wire) getTopicAttributes(w http.ResponseWriter, r *http.Request) {
	arn := formOf(r).Get("TopicArn")
	rec := f.forward(r)
	f.mu.Lock()
	set := f.topics[arn]
	f.mu.Unlock()
	body := rec.Body.String()
	var extra strings.Builder
	for k, v := range set {
		fmt.Fprintf(&extra, "<entry><key>%s</key><value>%s</value></entry>", xmlEscape(k), xmlEscape(v))
	}
	if i := strings.Index(body, "</Attributes>"); i >= 0 {
		body = body[:i] + extra.String() + body[i:]
	}
	relay(w, rec, []byte(body))
}

// topicAttribute returns an attribute the fake saw set on a topic.
func (f *wire) topicAttribute(arn, name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.topics[arn][name]
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// modifySubscription carries out ModifyEventSubscription and the source
// identifier calls on moto's subscription: it reads it, deletes it and
// creates it again changed.
func (f *wire) modifySubscription(w http.ResponseWriter, r *http.Request) {
	form := formOf(r)
	ctx := context.Background()
	client := rds.NewFromConfig(mototest.Config(f.moto, testRegion))
	name := form.Get("SubscriptionName")
	out, err := client.DescribeEventSubscriptions(ctx, &rds.DescribeEventSubscriptionsInput{SubscriptionName: aws.String(name)})
	if err != nil || len(out.EventSubscriptionsList) != 1 {
		mototest.WriteError(w, r, http.StatusNotFound, "SubscriptionNotFound", "subscription "+name+" not found")
		return
	}
	s := out.EventSubscriptionsList[0]
	in := &rds.CreateEventSubscriptionInput{
		SubscriptionName: s.CustSubscriptionId, SnsTopicArn: s.SnsTopicArn, SourceType: s.SourceType,
		EventCategories: s.EventCategoriesList, SourceIds: s.SourceIdsList, Enabled: s.Enabled,
	}
	switch formOf(r).Get("Action") {
	case "ModifyEventSubscription":
		if v := form.Get("SnsTopicArn"); v != "" {
			in.SnsTopicArn = aws.String(v)
		}
		if v := form.Get("SourceType"); v != "" {
			in.SourceType = aws.String(v)
		}
		if v := form.Get("Enabled"); v != "" {
			in.Enabled = aws.Bool(v == "true")
		}
		if cats := listOf(form, "EventCategories.EventCategory"); len(cats) > 0 {
			in.EventCategories = cats
		}
	case "AddSourceIdentifierToSubscription":
		in.SourceIds = append(in.SourceIds, form.Get("SourceIdentifier"))
	case "RemoveSourceIdentifierFromSubscription":
		var keep []string
		for _, id := range in.SourceIds {
			if id != form.Get("SourceIdentifier") {
				keep = append(keep, id)
			}
		}
		in.SourceIds = keep
	}
	if _, err := client.DeleteEventSubscription(ctx, &rds.DeleteEventSubscriptionInput{SubscriptionName: aws.String(name)}); err != nil {
		mototest.WriteError(w, r, http.StatusInternalServerError, "InternalFailure", err.Error())
		return
	}
	if _, err := client.CreateEventSubscription(ctx, in); err != nil {
		mototest.WriteError(w, r, http.StatusInternalServerError, "InternalFailure", err.Error())
		return
	}
	action := form.Get("Action")
	mototest.WriteXML(w, fmt.Sprintf(`<%[1]sResponse><%[1]sResult><EventSubscription><CustSubscriptionId>%[2]s</CustSubscriptionId></EventSubscription></%[1]sResult></%[1]sResponse>`, action, xmlEscape(name)))
}

func formOf(r *http.Request) url.Values {
	_ = r.ParseForm()
	return r.Form
}

// listOf reads a query-protocol list: prefix.1, prefix.2, …
func listOf(form url.Values, prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[fmt.Sprintf("%s.%d", prefix, i)]
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}
