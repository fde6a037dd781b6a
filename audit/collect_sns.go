package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// failureFeedbackAttributes are the topic attributes that turn on
// delivery status logging of failures, by protocol.
func failureFeedbackAttributes() []struct{ protocol, attribute string } {
	return []struct{ protocol, attribute string }{
		{"application", "ApplicationFailureFeedbackRoleArn"},
		{"firehose", "FirehoseFailureFeedbackRoleArn"},
		{"http", "HTTPFailureFeedbackRoleArn"},
		{"lambda", "LambdaFailureFeedbackRoleArn"},
		{"sqs", "SQSFailureFeedbackRoleArn"},
	}
}

// collectSNS lists the topics with their encryption key, delivery status
// logging and tags.
func collectSNS(ctx context.Context, c Clients, inv *Inventory) error {
	var e errs
	p := sns.NewListTopicsPaginator(c.SNS, &sns.ListTopicsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list sns topics: %w", err)
		}
		for _, t := range page.Topics {
			topic, err := readTopic(ctx, c.SNS, aws.ToString(t.TopicArn))
			switch {
			case isCode(err, "NotFound"):
			case err != nil:
				e.add(err)
			default:
				inv.Topics = append(inv.Topics, topic)
			}
		}
	}
	return e.err()
}

func readTopic(ctx context.Context, api SNSAPI, arn string) (Topic, error) {
	name := arn[strings.LastIndex(arn, ":")+1:]
	attrs, err := api.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if err != nil {
		return Topic{}, fmt.Errorf("get attributes of sns topic %s: %w", name, err)
	}
	tags, err := api.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return Topic{}, fmt.Errorf("list tags of sns topic %s: %w", name, err)
	}
	t := Topic{
		Resource: Resource{Kind: KindSNSTopic, ID: name, ARN: arn, Tags: map[string]string{}},
		KMSKey:   attrs.Attributes["KmsMasterKeyId"],
	}
	for _, tag := range tags.Tags {
		t.Tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	for _, f := range failureFeedbackAttributes() {
		if attrs.Attributes[f.attribute] != "" {
			t.FailureLogging = append(t.FailureLogging, f.protocol)
		}
	}
	return t, nil
}
