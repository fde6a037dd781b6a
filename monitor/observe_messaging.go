package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// listQueuesPage is the page size asked of ListQueues, which pages only
// when a page size is given.
const listQueuesPage = 1000

// topics lists every SNS topic with its delivery logging attributes, how
// many SQS queues it delivers to, and its tags.
func (ob observer) topics(ctx context.Context) ([]*Resource, error) {
	var arns []string
	p := sns.NewListTopicsPaginator(ob.c.SNS, &sns.ListTopicsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list sns topics: %w", err)
		}
		for _, t := range page.Topics {
			arns = append(arns, aws.ToString(t.TopicArn))
		}
	}
	out := make([]*Resource, 0, len(arns))
	for _, arn := range arns {
		r, err := ob.topic(ctx, arn)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

func (ob observer) topic(ctx context.Context, arn string) (*Resource, error) {
	r := &Resource{Kind: KindSNS, ID: arn[strings.LastIndex(arn, ":")+1:], Ref: arn, Tags: map[string]string{}}
	attrs, err := ob.c.SNS.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("get attributes of sns topic %s: %w", arn, err)
	}
	r.FailureFeedbackRole = attrs.Attributes[attrSQSFailureRole]
	r.SuccessFeedbackRole = attrs.Attributes[attrSQSSuccessRole]
	subs := sns.NewListSubscriptionsByTopicPaginator(ob.c.SNS, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	for subs.HasMorePages() {
		page, err := subs.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list subscriptions of sns topic %s: %w", arn, err)
		}
		for _, s := range page.Subscriptions {
			if aws.ToString(s.Protocol) == "sqs" {
				r.SQSSubscriptions++
			}
		}
	}
	tags, err := ob.c.SNS.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("list tags of sns topic %s: %w", arn, err)
	}
	for _, t := range tags.Tags {
		r.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return r, nil
}

// queueInfo is what opsd reads of a queue to find the dead-letter queues.
type queueInfo struct {
	url, arn, deadLetterTarget string
}

// deadLetterQueues lists the queues another queue's redrive policy names
// as its dead-letter queue, with their tags.
func (ob observer) deadLetterQueues(ctx context.Context) ([]*Resource, error) {
	var urls []string
	p := sqs.NewListQueuesPaginator(ob.c.SQS, &sqs.ListQueuesInput{MaxResults: aws.Int32(listQueuesPage)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list sqs queues: %w", err)
		}
		urls = append(urls, page.QueueUrls...)
	}
	queues := make([]queueInfo, 0, len(urls))
	for _, u := range urls {
		out, err := ob.c.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
			QueueUrl:       aws.String(u),
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn, sqstypes.QueueAttributeNameRedrivePolicy},
		})
		if err != nil {
			return nil, fmt.Errorf("get attributes of sqs queue %s: %w", u, err)
		}
		queues = append(queues, queueInfo{
			url:              u,
			arn:              out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)],
			deadLetterTarget: deadLetterTarget(out.Attributes[string(sqstypes.QueueAttributeNameRedrivePolicy)]),
		})
	}
	var targets []string
	for _, q := range queues {
		if q.deadLetterTarget != "" {
			targets = append(targets, q.deadLetterTarget)
		}
	}
	var out []*Resource
	for _, q := range queues {
		if q.arn == "" || !slices.Contains(targets, q.arn) {
			continue
		}
		tags, err := ob.c.SQS.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(q.url)})
		if err != nil {
			return out, fmt.Errorf("list tags of sqs queue %s: %w", q.url, err)
		}
		t := tags.Tags
		if t == nil {
			t = map[string]string{}
		}
		out = append(out, &Resource{Kind: KindDLQ, ID: q.arn[strings.LastIndex(q.arn, ":")+1:], Ref: q.arn, Tags: t})
	}
	return out, nil
}

// deadLetterTarget returns the dead-letter queue ARN a redrive policy
// names, or "".
func deadLetterTarget(policy string) string {
	if policy == "" {
		return ""
	}
	var p struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	}
	if err := json.Unmarshal([]byte(policy), &p); err != nil {
		return ""
	}
	return p.DeadLetterTargetArn
}
