package monitor

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// maxInstancesPerCall is the most instance ids SendCommand and the
// DescribeInstanceInformation filter take.
const maxInstancesPerCall = 50

// commandHistory is how far back opsd's agent commands are read: SSM keeps
// command history for 30 days.
const commandHistory = 30 * 24 * time.Hour

// observeAgent reads, for monitor.agent.install, the agent configuration
// parameters, SSM's view of the instances and opsd's agent commands with
// their invocations. known are commands this reconcile sent, added when
// ListCommands does not show them yet.
func (ob observer) observeAgent(ctx context.Context, obs *Observation, now time.Time, known []AgentCommand) error {
	if !ob.cfg.Agent.Install.Enabled {
		return nil
	}
	var errs []error
	ps, err := ob.parameters(ctx)
	obs.Parameters, obs.ParametersListed = ps, err == nil
	errs = append(errs, err)
	var ids []string
	for _, r := range obs.Resources {
		if r.Kind == KindEC2 && r.State == "running" {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		obs.Managed, obs.ManagedListed, obs.CommandsListed = map[string]string{}, true, true
		return errors.Join(errs...)
	}
	m, err := ob.managed(ctx, ids)
	obs.Managed, obs.ManagedListed = m, err == nil
	errs = append(errs, err)
	cs, err := ob.agentCommands(ctx, now, known)
	obs.AgentCommands, obs.CommandsListed = cs, err == nil
	errs = append(errs, err)
	return errors.Join(errs...)
}

// parameters reads the agent configuration parameters of the platforms
// installed on, with their tags.
func (ob observer) parameters(ctx context.Context) (map[string]Parameter, error) {
	names := make([]string, 0, len(ob.cfg.Agent.Install.Platforms))
	for _, p := range ob.cfg.Agent.Install.Platforms {
		names = append(names, AgentParameterName(p))
	}
	out := map[string]Parameter{}
	if len(names) == 0 {
		return out, nil
	}
	res, err := ob.c.SSM.GetParameters(ctx, &ssm.GetParametersInput{Names: names})
	if err != nil {
		return nil, fmt.Errorf("get ssm parameters %v: %w", names, err)
	}
	for _, p := range res.Parameters {
		name := aws.ToString(p.Name)
		tags, err := ob.c.SSM.ListTagsForResource(ctx, &ssm.ListTagsForResourceInput{
			ResourceType: ssmtypes.ResourceTypeForTaggingParameter, ResourceId: aws.String(name),
		})
		if err != nil {
			return nil, fmt.Errorf("list tags of ssm parameter %s: %w", name, err)
		}
		pr := Parameter{Name: name, Value: aws.ToString(p.Value), Tags: map[string]string{}}
		for _, t := range tags.TagList {
			pr.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		out[name] = pr
	}
	return out, nil
}

// managed reads SSM's PingStatus of ids, 50 a call.
func (ob observer) managed(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for from := 0; from < len(ids); from += maxInstancesPerCall {
		part := ids[from:min(from+maxInstancesPerCall, len(ids))]
		p := ssm.NewDescribeInstanceInformationPaginator(ob.c.SSM, &ssm.DescribeInstanceInformationInput{
			Filters:    []ssmtypes.InstanceInformationStringFilter{{Key: aws.String("InstanceIds"), Values: part}},
			MaxResults: aws.Int32(50),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("describe ssm instance information: %w", err)
			}
			for _, info := range page.InstanceInformationList {
				out[aws.ToString(info.InstanceId)] = string(info.PingStatus)
			}
		}
	}
	return out, nil
}

// agentCommands lists opsd's install and configure commands of the last
// 30 days (those whose comment names an agent run), and reads the
// invocations of those for the configuration opsd generates now.
func (ob observer) agentCommands(ctx context.Context, now time.Time, known []AgentCommand) ([]AgentCommand, error) {
	current := map[string]bool{}
	for _, p := range ob.cfg.Agent.Install.Platforms {
		if v, err := AgentConfig(ob.cfg.Agent, p); err == nil {
			current[p+" "+configHash(v)] = true
		}
	}
	var out []AgentCommand
	seen := map[string]bool{}
	for _, doc := range []string{InstallDocument, ConfigureDocument} {
		p := ssm.NewListCommandsPaginator(ob.c.SSM, &ssm.ListCommandsInput{
			Filters: []ssmtypes.CommandFilter{
				{Key: ssmtypes.CommandFilterKeyDocumentName, Value: aws.String(doc)},
				{Key: ssmtypes.CommandFilterKeyInvokedAfter, Value: aws.String(now.Add(-commandHistory).UTC().Format(time.RFC3339))},
			},
			MaxResults: aws.Int32(50),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("list %s commands: %w", doc, err)
			}
			for _, c := range page.Commands {
				id := aws.ToString(c.CommandId)
				if _, _, _, ok := parseAgentComment(aws.ToString(c.Comment)); !ok || aws.ToString(c.DocumentName) != doc || seen[id] {
					continue
				}
				seen[id] = true
				out = append(out, AgentCommand{
					ID: id, Document: doc, Comment: aws.ToString(c.Comment),
					InstanceIDs: c.InstanceIds, Requested: aws.ToTime(c.RequestedDateTime),
				})
			}
		}
	}
	for _, c := range known {
		if !seen[c.ID] {
			seen[c.ID] = true
			out = append(out, c)
		}
	}
	for i := range out {
		_, platform, hash, _ := parseAgentComment(out[i].Comment)
		if !current[platform+" "+hash] {
			continue
		}
		invs, err := ob.invocations(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Invocations = invs
	}
	slices.SortFunc(out, func(a, b AgentCommand) int { return a.Requested.Compare(b.Requested) })
	return out, nil
}

// invocations reads a command's invocations with their step outputs.
func (ob observer) invocations(ctx context.Context, commandID string) (map[string]Invocation, error) {
	out := map[string]Invocation{}
	p := ssm.NewListCommandInvocationsPaginator(ob.c.SSM, &ssm.ListCommandInvocationsInput{
		CommandId: aws.String(commandID), Details: true, MaxResults: aws.Int32(50),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list invocations of command %s: %w", commandID, err)
		}
		for _, ci := range page.CommandInvocations {
			out[aws.ToString(ci.InstanceId)] = Invocation{Status: string(ci.Status), Output: stepOutput(ci.CommandPlugins)}
		}
	}
	return out, nil
}

// stepOutput returns the output of the first step that did not succeed,
// or of the last step.
func stepOutput(plugins []ssmtypes.CommandPlugin) string {
	for _, pl := range plugins {
		switch pl.Status {
		case ssmtypes.CommandPluginStatusFailed, ssmtypes.CommandPluginStatusTimedOut, ssmtypes.CommandPluginStatusCancelled:
			return aws.ToString(pl.Name) + ": " + aws.ToString(pl.Output)
		}
	}
	if n := len(plugins); n > 0 {
		return aws.ToString(plugins[n-1].Name) + ": " + aws.ToString(plugins[n-1].Output)
	}
	return ""
}
