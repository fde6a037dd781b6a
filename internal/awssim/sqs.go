package awssim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SQS limits.
const (
	maxSQSBatch     = 10
	maxWaitSeconds  = 20
	maxMessageBytes = 256 << 10
	maxListQueues   = 1000
)

func (s *sqsStore) serve(w http.ResponseWriter, q *request) {
	switch q.action {
	case "ListQueues":
		s.listQueues(w, q)
	case "GetQueueUrl":
		s.getQueueURL(w, q)
	case "GetQueueAttributes":
		s.getAttributes(w, q)
	case "ListQueueTags":
		s.withQueue(w, q, func(qu *queue) { writeJSON(w, map[string]any{"Tags": qu.tags}) })
	case "SendMessage":
		s.sendMessage(w, q)
	case "SendMessageBatch":
		s.sendMessageBatch(w, q)
	case "ReceiveMessage":
		s.receive(w, q)
	case "DeleteMessageBatch":
		s.deleteBatch(w, q)
	case "ChangeMessageVisibilityBatch":
		s.changeVisibilityBatch(w, q)
	default:
		writeError(w, q, http.StatusBadRequest, "InvalidAction", "awssim does not simulate sqs "+q.action)
	}
}

func decode(w http.ResponseWriter, q *request, v any) bool {
	if err := json.Unmarshal(q.body, v); err != nil {
		writeError(w, q, http.StatusBadRequest, "SerializationException", "cannot read request: "+err.Error())
		return false
	}
	return true
}

// byURL returns the queue a QueueUrl names: .../ACCOUNT/NAME in the
// caller's region.
func (s *sqsStore) byURL(url, region string) *queue {
	url = strings.TrimSuffix(url, "/")
	i := strings.LastIndex(url, "/")
	if i < 0 {
		return nil
	}
	j := strings.LastIndex(url[:i], "/")
	if j < 0 {
		return nil
	}
	return s.queue(url[j+1:i], region, url[i+1:])
}

func noQueue(w http.ResponseWriter, q *request) {
	writeError(w, q, http.StatusBadRequest, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
}

// withQueue reads the request's QueueUrl and calls fn with the queue
// locked.
func (s *sqsStore) withQueue(w http.ResponseWriter, q *request, fn func(*queue)) {
	var in struct{ QueueUrl string }
	if !decode(w, q, &in) {
		return
	}
	qu := s.byURL(in.QueueUrl, q.region)
	if qu == nil {
		noQueue(w, q)
		return
	}
	qu.mu.Lock()
	defer qu.mu.Unlock()
	fn(qu)
}

func (s *sqsStore) listQueues(w http.ResponseWriter, q *request) {
	var in struct {
		QueueNamePrefix string
		MaxResults      *int
		NextToken       string
	}
	if !decode(w, q, &in) {
		return
	}
	if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > maxListQueues) {
		writeError(w, q, http.StatusBadRequest, "InvalidParameterValue", "Value for parameter MaxResults is invalid. Reason: must be between 1 and 1000.")
		return
	}
	var names []string
	s.mu.RLock()
	for k := range s.queues {
		if k.account == q.account && k.region == q.region && strings.HasPrefix(k.name, in.QueueNamePrefix) {
			names = append(names, k.name)
		}
	}
	s.mu.RUnlock()
	slices.Sort(names)
	start := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(in.NextToken, "awssim-"))
		if err != nil || n < 0 || n > len(names) {
			writeError(w, q, http.StatusBadRequest, "InvalidParameterValue", "Invalid NextToken value.")
			return
		}
		start = n
	}
	end := min(len(names), start+maxListQueues)
	if in.MaxResults != nil {
		end = min(len(names), start+*in.MaxResults)
	}
	out := map[string]any{}
	urls := make([]string, 0, end-start)
	for _, n := range names[start:end] {
		urls = append(urls, s.srv.URL()+"/"+q.account+"/"+n)
	}
	if len(urls) > 0 {
		out["QueueUrls"] = urls
	}
	if in.MaxResults != nil && end < len(names) {
		out["NextToken"] = "awssim-" + strconv.Itoa(end)
	}
	writeJSON(w, out)
}

func (s *sqsStore) getQueueURL(w http.ResponseWriter, q *request) {
	var in struct {
		QueueName              string
		QueueOwnerAWSAccountId string
	}
	if !decode(w, q, &in) {
		return
	}
	account := q.account
	if in.QueueOwnerAWSAccountId != "" {
		account = in.QueueOwnerAWSAccountId
	}
	qu := s.queue(account, q.region, in.QueueName)
	if qu == nil {
		noQueue(w, q)
		return
	}
	writeJSON(w, map[string]string{"QueueUrl": s.url(qu)})
}

func (s *sqsStore) getAttributes(w http.ResponseWriter, q *request) {
	var in struct {
		QueueUrl       string
		AttributeNames []string
	}
	if !decode(w, q, &in) {
		return
	}
	qu := s.byURL(in.QueueUrl, q.region)
	if qu == nil {
		noQueue(w, q)
		return
	}
	qu.mu.Lock()
	defer qu.mu.Unlock()
	now := s.now()
	qu.expire(now)
	visible, inFlight, delayed := qu.counts(now)
	all := map[string]string{
		"QueueArn":                              qu.arn(),
		"ApproximateNumberOfMessages":           strconv.Itoa(visible),
		"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(inFlight),
		"ApproximateNumberOfMessagesDelayed":    strconv.Itoa(delayed),
		"MessageRetentionPeriod":                strconv.Itoa(int(qu.retention() / time.Second)),
		"VisibilityTimeout":                     strconv.Itoa(int(qu.visibility() / time.Second)),
		"CreatedTimestamp":                      strconv.FormatInt(qu.created.Unix(), 10),
		"LastModifiedTimestamp":                 strconv.FormatInt(qu.created.Unix(), 10),
		"DelaySeconds":                          "0",
		"MaximumMessageSize":                    strconv.Itoa(maxMessageBytes),
		"ReceiveMessageWaitTimeSeconds":         "0",
	}
	for k, v := range qu.attrs {
		if _, ok := all[k]; !ok {
			all[k] = v
		}
	}
	out := map[string]string{}
	for _, n := range in.AttributeNames {
		if n == "All" {
			out = all
			break
		}
		if v, ok := all[n]; ok {
			out[n] = v
		}
	}
	writeJSON(w, map[string]any{"Attributes": out})
}

type sendEntry struct {
	Id                string
	MessageBody       *string
	DelaySeconds      int
	MessageAttributes json.RawMessage
}

func (s *sqsStore) sendMessage(w http.ResponseWriter, q *request) {
	var in struct {
		QueueUrl string
		sendEntry
	}
	if !decode(w, q, &in) {
		return
	}
	if in.MessageBody == nil || len(*in.MessageBody) > maxMessageBytes {
		writeError(w, q, http.StatusBadRequest, "InvalidParameterValue", "The request must contain the parameter MessageBody, of at most 262144 bytes.")
		return
	}
	qu := s.byURL(in.QueueUrl, q.region)
	if qu == nil {
		noQueue(w, q)
		return
	}
	qu.mu.Lock()
	defer qu.mu.Unlock()
	m := s.add(qu, *in.MessageBody, in.MessageAttributes, time.Duration(in.DelaySeconds)*time.Second, s.now())
	qu.wake()
	writeJSON(w, map[string]string{"MessageId": m.id, "MD5OfMessageBody": m.md5})
}

// batchFailure is a Failed[] entry of a batch answer.
type batchFailure struct {
	Id          string
	SenderFault bool
	Code        string
	Message     string
}

// checkBatch refuses an empty batch, one over ten entries and repeated
// entry ids, as SQS does.
func checkBatch(w http.ResponseWriter, q *request, ids []string) bool {
	switch {
	case len(ids) == 0:
		writeError(w, q, http.StatusBadRequest, "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one entry in the request.")
		return false
	case len(ids) > maxSQSBatch:
		writeError(w, q, http.StatusBadRequest, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", fmt.Sprintf("Maximum number of entries per request are %d. You have sent %d.", maxSQSBatch, len(ids)))
		return false
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			writeError(w, q, http.StatusBadRequest, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id "+id+" repeated.")
			return false
		}
		seen[id] = true
	}
	return true
}

func (s *sqsStore) sendMessageBatch(w http.ResponseWriter, q *request) {
	var in struct {
		QueueUrl string
		Entries  []sendEntry
	}
	if !decode(w, q, &in) {
		return
	}
	ids := make([]string, len(in.Entries))
	for i, e := range in.Entries {
		ids[i] = e.Id
	}
	if !checkBatch(w, q, ids) {
		return
	}
	qu := s.byURL(in.QueueUrl, q.region)
	if qu == nil {
		noQueue(w, q)
		return
	}
	qu.mu.Lock()
	defer qu.mu.Unlock()
	now := s.now()
	ok := []map[string]string{}
	failed := []batchFailure{}
	for _, e := range in.Entries {
		if e.MessageBody == nil || len(*e.MessageBody) > maxMessageBytes {
			failed = append(failed, batchFailure{Id: e.Id, SenderFault: true, Code: "InvalidParameterValue", Message: "MessageBody is missing or too long."})
			continue
		}
		m := s.add(qu, *e.MessageBody, e.MessageAttributes, time.Duration(e.DelaySeconds)*time.Second, now)
		ok = append(ok, map[string]string{"Id": e.Id, "MessageId": m.id, "MD5OfMessageBody": m.md5})
	}
	qu.wake()
	writeJSON(w, map[string]any{"Successful": ok, "Failed": failed})
}
