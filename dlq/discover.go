package dlq

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/opsd-dev/opsd/awsenv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// discoverWorkers bounds the queues looked at concurrently in one account
// and region.
const discoverWorkers = 8

// discoverer finds the dead-letter queues of one account and region.
type discoverer struct {
	sqs             SQSAPI
	account, region string
	tagKey          string
	reviewTag       string
	owner           OwnerTags
	include         queueRefs
	exclude         queueRefs
}

// queueInfo is what discovery learnt about one queue.
type queueInfo struct {
	name, url, arn string
	fifo           bool
	redriveTo      string
	tags           map[string]string
	gone           bool
}

// discovery is what one discovery found.
type discovery struct {
	// Queues are the dead-letter queues, sorted by name.
	Queues []Queue
	// Missing are queue ARNs of this account and region in the
	// configuration that name no queue.
	Missing []string
}

// discover lists every queue, reads each one's redrive policy and tags,
// and returns the dead-letter queues. Its error is what could not be
// read; the queues it could read are still returned.
func (d discoverer) discover(ctx context.Context) (discovery, error) {
	var urls []string
	p := sqs.NewListQueuesPaginator(d.sqs, &sqs.ListQueuesInput{MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return discovery{}, fmt.Errorf("list queues: %w", err)
		}
		urls = append(urls, page.QueueUrls...)
	}
	infos := make([]queueInfo, len(urls))
	errs := make([]error, len(urls))
	forEach(ctx, discoverWorkers, len(urls), func(i int) {
		infos[i], errs[i] = d.inspect(ctx, urls[i])
	})
	if err := ctx.Err(); err != nil {
		errs = append(errs, fmt.Errorf("inspect queues: %w", err))
	}
	return discovery{Queues: d.classify(infos), Missing: d.missingRefs(infos)}, errors.Join(errs...)
}

// inspect reads one queue's ARN, redrive policy and, when a tag key is
// configured, its tags. A queue deleted meanwhile is marked gone.
func (d discoverer) inspect(ctx context.Context, url string) (queueInfo, error) {
	info := queueInfo{name: queueNameFromURL(url), url: url}
	out, err := d.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{
			sqstypes.QueueAttributeNameQueueArn,
			sqstypes.QueueAttributeNameRedrivePolicy,
			sqstypes.QueueAttributeNameFifoQueue,
		},
	})
	if err != nil {
		if queueGone(err) {
			info.gone = true
			return info, nil
		}
		return info, fmt.Errorf("get attributes of queue %s: %w", info.name, err)
	}
	info.arn = out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)]
	info.fifo = strings.EqualFold(out.Attributes[string(sqstypes.QueueAttributeNameFifoQueue)], "true") || strings.HasSuffix(info.name, ".fifo")
	target, err := redriveTarget(out.Attributes[string(sqstypes.QueueAttributeNameRedrivePolicy)])
	if err != nil {
		return info, fmt.Errorf("read redrive policy of queue %s: %w", info.name, err)
	}
	info.redriveTo = target
	if d.tagKey == "" && d.reviewTag == "" && !d.owner.any() {
		return info, nil
	}
	tags, err := d.sqs.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(url)})
	if err != nil {
		if queueGone(err) {
			info.gone = true
			return info, nil
		}
		return info, fmt.Errorf("list tags of queue %s: %w", info.name, err)
	}
	info.tags = tags.Tags
	return info, nil
}

// classify picks the dead-letter queues out of every queue's information.
func (d discoverer) classify(infos []queueInfo) []Queue {
	sources := map[string][]string{}
	for _, in := range infos {
		if in.redriveTo != "" && !in.gone {
			sources[in.redriveTo] = append(sources[in.redriveTo], in.name)
		}
	}
	var out []Queue
	for _, in := range infos {
		if in.gone || in.arn == "" {
			continue
		}
		tag, tagged := "", false
		if d.tagKey != "" {
			tag, tagged = in.tags[d.tagKey]
			tag = strings.TrimSpace(tag)
		}
		if d.exclude.match(in.name, in.arn) || (tagged && strings.EqualFold(tag, "false")) {
			continue
		}
		var why []string
		if len(sources[in.arn]) > 0 {
			why = append(why, "redrive policy")
		}
		if d.include.match(in.name, in.arn) {
			why = append(why, "config")
		}
		if tagged && strings.EqualFold(tag, "true") {
			why = append(why, "tag")
		}
		if len(why) == 0 {
			continue
		}
		srcs := slices.Clone(sources[in.arn])
		slices.Sort(srcs)
		q := Queue{
			Account: d.account, Region: d.region,
			Name: in.name, URL: in.url, ARN: in.arn, FIFO: in.fifo,
			Sources: srcs, Why: strings.Join(why, ", "),
		}
		q.Environment = ownerTag(in.tags, d.owner.Environment)
		q.Application = ownerTag(in.tags, d.owner.Application)
		q.TeamEmail = ownerTag(in.tags, d.owner.TeamEmail)
		if d.reviewTag != "" {
			if t, err := time.Parse(time.RFC3339, strings.TrimSpace(in.tags[d.reviewTag])); err == nil {
				q.ReviewedAt = t
			}
		}
		out = append(out, q)
	}
	slices.SortFunc(out, func(a, b Queue) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// missingRefs returns the configured queue ARNs of this account and
// region that discovery did not find.
func (d discoverer) missingRefs(found []queueInfo) []string {
	have := map[string]bool{}
	for _, in := range found {
		have[in.arn] = true
	}
	var out []string
	for a := range d.include.arns {
		p, err := parseQueueARN(a)
		if err == nil && p.Account == d.account && p.Region == d.region && !have[a] {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}

// queueGone reports whether err says the queue does not exist (any more).
func queueGone(err error) bool {
	var dne *sqstypes.QueueDoesNotExist
	return errors.As(err, &dne) || awsenv.ErrorCode(err) == "AWS.SimpleQueueService.NonExistentQueue"
}

// forEach calls fn(0..n-1) from at most workers goroutines and waits for
// them; it stops starting new calls when ctx is done.
func forEach(ctx context.Context, workers, n int, fn func(i int)) {
	sem := make(chan struct{}, max(workers, 1))
	var wg sync.WaitGroup
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(i)
		}()
	}
	wg.Wait()
}

// ownerTag is the trimmed value of tag key, "" when key is empty or absent.
func ownerTag(tags map[string]string, key string) string {
	if key == "" {
		return ""
	}
	return strings.TrimSpace(tags[key])
}
