package monitor

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
)

// nameTag is the tag AWS consoles show as a resource's name.
const nameTag = "Name"

// groupTag is the tag EC2 Auto Scaling puts on its group's instances.
const groupTag = "aws:autoscaling:groupName"

// instances lists the EC2 instances that are not terminated (or shutting
// down): a stopped instance keeps its alarms.
func (ob observer) instances(ctx context.Context) ([]*Resource, error) {
	in := &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("instance-state-name"), Values: []string{"pending", "running", "stopping", "stopped"}},
	}}
	var out []*Resource
	p := ec2.NewDescribeInstancesPaginator(ob.c.EC2, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe ec2 instances: %w", err)
		}
		for _, res := range page.Reservations {
			for _, inst := range res.Instances {
				out = append(out, instance(inst))
			}
		}
	}
	return out, nil
}

func instance(inst ec2types.Instance) *Resource {
	tags := make(map[string]string, len(inst.Tags))
	for _, t := range inst.Tags {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	id := aws.ToString(inst.InstanceId)
	r := &Resource{
		Kind:    KindEC2,
		ID:      id,
		Ref:     id,
		Name:    tags[nameTag],
		Tags:    tags,
		Windows: isWindows(inst),
		Group:   tags[groupTag],
	}
	if inst.State != nil {
		r.State = string(inst.State.Name)
	}
	return r
}

// isWindows reports whether an instance runs Windows. DescribeInstances
// says "windows" in Platform (lower case, unlike the SDK's enum constant)
// and "Windows…" in PlatformDetails.
func isWindows(inst ec2types.Instance) bool {
	return strings.EqualFold(string(inst.Platform), string(ec2types.PlatformValuesWindows)) ||
		strings.Contains(strings.ToLower(aws.ToString(inst.PlatformDetails)), "windows")
}

// databases lists every DB instance (RDS cannot filter by tag).
func (ob observer) databases(ctx context.Context) ([]*Resource, error) {
	var out []*Resource
	p := rds.NewDescribeDBInstancesPaginator(ob.c.RDS, &rds.DescribeDBInstancesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe db instances: %w", err)
		}
		for _, db := range page.DBInstances {
			tags := make(map[string]string, len(db.TagList))
			for _, t := range db.TagList {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			id := aws.ToString(db.DBInstanceIdentifier)
			ref := aws.ToString(db.DBInstanceArn)
			if ref == "" {
				ref = ob.arnFor("rds", "db:"+id)
			}
			out = append(out, &Resource{
				Kind:         KindRDS,
				ID:           id,
				Ref:          ref,
				Tags:         tags,
				Engine:       aws.ToString(db.Engine),
				AllocatedGiB: aws.ToInt32(db.AllocatedStorage),
			})
		}
	}
	return out, nil
}

// subscription returns the RDS event subscription named in the
// configuration, or nil.
func (ob observer) subscription(ctx context.Context) (*EventSubscription, error) {
	p := rds.NewDescribeEventSubscriptionsPaginator(ob.c.RDS, &rds.DescribeEventSubscriptionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe rds event subscriptions: %w", err)
		}
		for _, s := range page.EventSubscriptionsList {
			if aws.ToString(s.CustSubscriptionId) != ob.cfg.RDSEvents.Name {
				continue
			}
			return &EventSubscription{
				Name:       aws.ToString(s.CustSubscriptionId),
				TopicARN:   aws.ToString(s.SnsTopicArn),
				SourceType: aws.ToString(s.SourceType),
				Categories: s.EventCategoriesList,
				SourceIDs:  s.SourceIdsList,
				Enabled:    aws.ToBool(s.Enabled),
			}, nil
		}
	}
	return nil, nil
}
