package audit

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
)

// collectAPIGateway lists REST APIs with every method's authorization
// type and every stage's tracing setting.
func collectAPIGateway(ctx context.Context, c Clients, inv *Inventory) error {
	var e errs
	p := apigateway.NewGetRestApisPaginator(c.APIGateway, &apigateway.GetRestApisInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("get rest apis: %w", err)
		}
		for _, a := range page.Items {
			api, err := readRestAPI(ctx, c.APIGateway, aws.ToString(a.Id), aws.ToString(a.Name), a.Tags)
			switch {
			case isCode(err, "NotFoundException"):
			case err != nil:
				e.add(err)
			default:
				inv.APIs = append(inv.APIs, api)
			}
		}
	}
	return e.err()
}

func readRestAPI(ctx context.Context, api APIGatewayAPI, id, name string, tags map[string]string) (RestAPI, error) {
	out := RestAPI{Resource: Resource{Kind: KindRestAPI, ID: id, Name: name, Tags: copyTags(tags)}}
	rp := apigateway.NewGetResourcesPaginator(api, &apigateway.GetResourcesInput{RestApiId: aws.String(id), Embed: []string{"methods"}})
	for rp.HasMorePages() {
		page, err := rp.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("get resources of rest api %s (%s): %w", name, id, err)
		}
		for _, res := range page.Items {
			for verb, m := range res.ResourceMethods {
				if v := aws.ToString(m.HttpMethod); v != "" {
					verb = v
				}
				out.Methods = append(out.Methods, APIMethod{Path: aws.ToString(res.Path), HTTPMethod: verb, AuthorizationType: aws.ToString(m.AuthorizationType)})
			}
		}
	}
	sort.Slice(out.Methods, func(i, j int) bool {
		if out.Methods[i].Path != out.Methods[j].Path {
			return out.Methods[i].Path < out.Methods[j].Path
		}
		return out.Methods[i].HTTPMethod < out.Methods[j].HTTPMethod
	})
	stages, err := api.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String(id)})
	if err != nil {
		return out, fmt.Errorf("get stages of rest api %s (%s): %w", name, id, err)
	}
	for _, s := range stages.Item {
		out.Stages = append(out.Stages, APIStage{Name: aws.ToString(s.StageName), Tracing: s.TracingEnabled})
	}
	sort.Slice(out.Stages, func(i, j int) bool { return out.Stages[i].Name < out.Stages[j].Name })
	return out, nil
}
