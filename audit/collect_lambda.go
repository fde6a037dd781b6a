package audit

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// collectLambda lists functions with their runtime, resource policy, VPC
// attachment, environment, dead-letter target, log group and tags.
func collectLambda(ctx context.Context, c Clients, inv *Inventory) error {
	var e errs
	p := lambda.NewListFunctionsPaginator(c.Lambda, &lambda.ListFunctionsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list lambda functions: %w", err)
		}
		for _, f := range page.Functions {
			fn, err := readFunction(ctx, c.Lambda, f)
			switch {
			case isCode(err, "ResourceNotFoundException"):
				// Deleted since it was listed.
			case err != nil:
				e.add(err)
			default:
				inv.Functions = append(inv.Functions, fn)
			}
		}
	}
	return e.err()
}

func readFunction(ctx context.Context, api LambdaAPI, f lambdatypes.FunctionConfiguration) (Function, error) {
	name, arn := aws.ToString(f.FunctionName), aws.ToString(f.FunctionArn)
	fn := Function{
		Resource:    Resource{Kind: KindLambda, ID: name, ARN: arn, Tags: map[string]string{}},
		LogGroup:    "/aws/lambda/" + name,
		Runtime:     string(f.Runtime),
		PackageType: string(f.PackageType),
	}
	if v := f.VpcConfig; v != nil {
		fn.VPC, fn.Subnets = aws.ToString(v.VpcId), v.SubnetIds
	}
	if env := f.Environment; env != nil {
		fn.Environment = env.Variables
	}
	if d := f.DeadLetterConfig; d != nil {
		fn.DeadLetterTarget = aws.ToString(d.TargetArn)
	}
	if l := f.LoggingConfig; l != nil && aws.ToString(l.LogGroup) != "" {
		fn.LogGroup = aws.ToString(l.LogGroup)
	}
	pol, err := api.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(arn)})
	switch {
	case isCode(err, "ResourceNotFoundException"):
		// No resource-based policy (or the function is gone; ListTags tells).
	case err != nil:
		return Function{}, fmt.Errorf("get policy of lambda function %s: %w", name, err)
	default:
		fn.Policy = aws.ToString(pol.Policy)
	}
	tags, err := api.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String(arn)})
	if err != nil {
		return Function{}, fmt.Errorf("list tags of lambda function %s: %w", name, err)
	}
	for k, v := range tags.Tags {
		fn.Tags[k] = v
	}
	return fn, nil
}
