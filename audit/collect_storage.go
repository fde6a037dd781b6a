package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// collectQueues lists SQS queues with their redrive target, default
// receive wait time and tags.
func collectQueues(ctx context.Context, c Clients, inv *Inventory) error {
	var e errs
	p := sqs.NewListQueuesPaginator(c.SQS, &sqs.ListQueuesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list sqs queues: %w", err)
		}
		for _, url := range page.QueueUrls {
			q, err := readQueue(ctx, c.SQS, url)
			switch {
			case isCode(err, "AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"):
			case err != nil:
				e.add(err)
			default:
				inv.Queues = append(inv.Queues, q)
			}
		}
	}
	return e.err()
}

func readQueue(ctx context.Context, api SQSAPI, url string) (Queue, error) {
	name := url[strings.LastIndex(url, "/")+1:]
	attrs, err := api.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn, sqstypes.QueueAttributeNameRedrivePolicy, sqstypes.QueueAttributeNameReceiveMessageWaitTimeSeconds},
	})
	if err != nil {
		return Queue{}, fmt.Errorf("get attributes of sqs queue %s: %w", name, err)
	}
	q := Queue{Resource: Resource{Kind: KindSQSQueue, ID: name, ARN: attrs.Attributes[string(sqstypes.QueueAttributeNameQueueArn)], Tags: map[string]string{}}}
	if w, ok := attrs.Attributes[string(sqstypes.QueueAttributeNameReceiveMessageWaitTimeSeconds)]; ok {
		n, err := strconv.Atoi(w)
		if err != nil {
			return Queue{}, fmt.Errorf("parse receive wait time of sqs queue %s: %w", name, err)
		}
		q.WaitSeconds, q.WaitKnown = n, true
	}
	if rp := attrs.Attributes[string(sqstypes.QueueAttributeNameRedrivePolicy)]; rp != "" {
		var policy struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		}
		if err := json.Unmarshal([]byte(rp), &policy); err != nil {
			return Queue{}, fmt.Errorf("parse redrive policy of sqs queue %s: %w", name, err)
		}
		q.DeadLetterTarget = policy.DeadLetterTargetArn
	}
	tags, err := api.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(url)})
	if err != nil {
		return Queue{}, fmt.Errorf("list tags of sqs queue %s: %w", name, err)
	}
	for k, v := range tags.Tags {
		q.Tags[k] = v
	}
	return q, nil
}

// collectFileSystems lists EFS file systems.
func collectFileSystems(ctx context.Context, c Clients, inv *Inventory) error {
	p := efs.NewDescribeFileSystemsPaginator(c.EFS, &efs.DescribeFileSystemsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("describe efs file systems: %w", err)
		}
		for _, f := range page.FileSystems {
			tags := map[string]string{}
			for _, t := range f.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			inv.FileSystems = append(inv.FileSystems, FileSystem{
				Resource:  Resource{Kind: KindEFS, ID: aws.ToString(f.FileSystemId), Name: aws.ToString(f.Name), ARN: aws.ToString(f.FileSystemArn), Tags: tags},
				Encrypted: aws.ToBool(f.Encrypted),
				OneZone:   aws.ToString(f.AvailabilityZoneName),
			})
		}
	}
	return nil
}
