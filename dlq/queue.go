package dlq

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/opsd-dev/opsd/notify"
)

// Queue is one dead-letter queue found in an account and region.
type Queue struct {
	// Account and Region are where the queue is.
	Account, Region string
	// Name, URL and ARN name the queue.
	Name, URL, ARN string
	// FIFO is true for a FIFO queue.
	FIFO bool
	// Sources are the names of the queues whose redrive policy names this
	// queue as their dead-letter queue, sorted.
	Sources []string
	// Why says what made it a dead-letter queue: "redrive policy",
	// "config", "tag" (joined with ", " when several did).
	Why string
	// ReviewedAt is the time people last reviewed its messages, from the
	// review tag; zero when the tag is absent or unreadable.
	ReviewedAt time.Time
	// Environment, Application and TeamEmail are the queue's owner tags
	// (Config.OwnerTags); empty when absent.
	Environment, Application, TeamEmail string
}

// labels say whose and where the queue is, for routing its messages.
func (q Queue) labels() notify.Labels {
	return notify.Labels{Account: q.Account, Region: q.Region, Environment: q.Environment, Application: q.Application, TeamEmail: q.TeamEmail}
}

// key identifies the queue across runs.
func (q Queue) key() string { return q.Account + "/" + q.Region + "/" + q.Name }

// String names the queue for messages and errors: "orders-dlq
// (123456789012/eu-west-2)".
func (q Queue) String() string { return q.Name + " (" + q.Account + "/" + q.Region + ")" }

// queueARN is a parsed SQS queue ARN.
type queueARN struct {
	Partition, Region, Account, Name string
}

var (
	queueNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	accountPattern   = regexp.MustCompile(`^[0-9]{12}$`)
)

// validQueueName reports whether s is an SQS queue name: up to 80
// letters, digits, hyphens and underscores, the last five ".fifo" for a
// FIFO queue.
func validQueueName(s string) bool {
	if len(s) > 80 {
		return false
	}
	return queueNamePattern.MatchString(strings.TrimSuffix(s, ".fifo")) && s != ".fifo"
}

// parseQueueARN parses "arn:aws:sqs:eu-west-2:123456789012:orders-dlq".
func parseQueueARN(s string) (queueARN, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "sqs" {
		return queueARN{}, fmt.Errorf("%q is not an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)", s)
	}
	a := queueARN{Partition: parts[1], Region: parts[3], Account: parts[4], Name: parts[5]}
	if !regionName.MatchString(a.Region) || !accountPattern.MatchString(a.Account) || !validQueueName(a.Name) {
		return queueARN{}, fmt.Errorf("%q is not an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)", s)
	}
	return a, nil
}

// queueNameFromURL returns the last path segment of a queue URL
// ("https://sqs.eu-west-2.amazonaws.com/123456789012/orders-dlq").
func queueNameFromURL(u string) string {
	if p, err := url.Parse(u); err == nil && p.Path != "" {
		u = p.Path
	}
	u = strings.TrimSuffix(u, "/")
	return u[strings.LastIndex(u, "/")+1:]
}

// redriveTarget returns the deadLetterTargetArn of a RedrivePolicy
// attribute, or "" when there is none. maxReceiveCount comes as a number
// or a string and is not needed.
func redriveTarget(policy string) (string, error) {
	if strings.TrimSpace(policy) == "" {
		return "", nil
	}
	var p struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	}
	if err := json.Unmarshal([]byte(policy), &p); err != nil {
		return "", fmt.Errorf("parse redrive policy: %w", err)
	}
	return p.DeadLetterTargetArn, nil
}

// queueRefs is a set of queue references from the configuration: names,
// which match in every account and region, and ARNs, which match one.
type queueRefs struct {
	names map[string]bool
	arns  map[string]bool
}

func newQueueRefs(refs []string) queueRefs {
	r := queueRefs{names: map[string]bool{}, arns: map[string]bool{}}
	for _, s := range refs {
		if strings.HasPrefix(s, "arn:") {
			r.arns[s] = true
		} else {
			r.names[s] = true
		}
	}
	return r
}

// match reports whether the queue called name with ARN arn is in the set.
func (r queueRefs) match(name, arn string) bool { return r.names[name] || r.arns[arn] }
