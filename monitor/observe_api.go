package monitor

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"
)

// elbTagBatch is the most load balancers DescribeTags takes at once.
const elbTagBatch = 20

// restAPIs lists every API Gateway REST API.
func (ob observer) restAPIs(ctx context.Context) ([]*Resource, error) {
	var out []*Resource
	p := apigateway.NewGetRestApisPaginator(ob.c.APIGateway, &apigateway.GetRestApisInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("get rest apis: %w", err)
		}
		for _, api := range page.Items {
			id := aws.ToString(api.Id)
			tags := api.Tags
			if tags == nil {
				tags = map[string]string{}
			}
			out = append(out, &Resource{
				Kind: KindAPI,
				ID:   id,
				Ref:  "arn:" + partition(ob.target.Region) + ":apigateway:" + ob.target.Region + "::/restapis/" + id,
				Name: aws.ToString(api.Name),
				Tags: tags,
			})
		}
	}
	return out, nil
}

// loadBalancers lists every Application Load Balancer with its tags.
func (ob observer) loadBalancers(ctx context.Context) ([]*Resource, error) {
	var out []*Resource
	p := elb.NewDescribeLoadBalancersPaginator(ob.c.ELB, &elb.DescribeLoadBalancersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe load balancers: %w", err)
		}
		for _, lb := range page.LoadBalancers {
			if lb.Type != elbtypes.LoadBalancerTypeEnumApplication {
				continue
			}
			arn := aws.ToString(lb.LoadBalancerArn)
			_, dim, _ := strings.Cut(arn, ":loadbalancer/")
			out = append(out, &Resource{
				Kind:      KindALB,
				ID:        aws.ToString(lb.LoadBalancerName),
				Ref:       arn,
				Dimension: dim,
				Tags:      map[string]string{},
			})
		}
	}
	byARN := make(map[string]*Resource, len(out))
	arns := make([]string, 0, len(out))
	for _, r := range out {
		byARN[r.Ref] = r
		arns = append(arns, r.Ref)
	}
	for from := 0; from < len(arns); from += elbTagBatch {
		batch := arns[from:min(from+elbTagBatch, len(arns))]
		res, err := ob.c.ELB.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: batch})
		if err != nil {
			return out, fmt.Errorf("describe tags of load balancers %s: %w", strings.Join(batch, ", "), err)
		}
		for _, d := range res.TagDescriptions {
			r := byARN[aws.ToString(d.ResourceArn)]
			if r == nil {
				continue
			}
			for _, t := range d.Tags {
				r.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
		}
	}
	return out, nil
}

// canaries lists every CloudWatch Synthetics canary.
func (ob observer) canaries(ctx context.Context) ([]*Resource, error) {
	var out []*Resource
	p := synthetics.NewDescribeCanariesPaginator(ob.c.Synthetics, &synthetics.DescribeCanariesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("describe canaries: %w", err)
		}
		for _, c := range page.Canaries {
			name := aws.ToString(c.Name)
			tags := c.Tags
			if tags == nil {
				tags = map[string]string{}
			}
			out = append(out, &Resource{Kind: KindCanary, ID: name, Ref: ob.arnFor("synthetics", "canary:"+name), Tags: tags})
		}
	}
	return out, nil
}
