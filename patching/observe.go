package patching

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// observer reads one account and region. It makes read-only calls only.
type observer struct {
	c       Clients
	p       *Planner
	account string
	region  string
}

// observe reads the instances that carry one of the service's tags, SSM's
// view of them, opsd's commands since [Planner.Since] and the invocations
// the planner needs. known are commands this reconcile sent, added when
// ListCommands does not show them yet.
func (ob observer) observe(ctx context.Context, now time.Time, known []Command) (*Observation, error) {
	o := &Observation{
		Account: ob.account, Region: ob.region,
		Managed:     map[string]Managed{},
		Invocations: map[string]map[string]Invocation{},
		PatchStates: map[string]PatchState{},
	}
	var err error
	if o.Instances, err = ob.instances(ctx); err != nil {
		return nil, err
	}
	if err := ob.managed(ctx, o); err != nil {
		return nil, err
	}
	if err := ob.commands(ctx, o, now, known); err != nil {
		return nil, err
	}
	for _, c := range ob.p.needInvocations(o, now) {
		invs, err := ob.invocations(ctx, c)
		if err != nil {
			return nil, err
		}
		o.Invocations[c] = invs
	}
	return o, nil
}

// instances lists the instances tagged with the scan, patch or woken key.
func (ob observer) instances(ctx context.Context) ([]Instance, error) {
	k := ob.p.keys
	in := &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("tag-key"), Values: []string{k.Scan, k.Patch, k.Woken}},
		{Name: aws.String("instance-state-name"), Values: []string{statePending, stateRunning, stateStopping, stateStopped}},
	}}
	var out []Instance
	p := ec2.NewDescribeInstancesPaginator(ob.c.EC2, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("describe instances tagged %s or %s: %w", k.Scan, k.Patch, err)
		}
		for _, r := range page.Reservations {
			for _, inst := range r.Instances {
				i := Instance{
					Account: ob.account, Region: ob.region,
					ID:              aws.ToString(inst.InstanceId),
					Tags:            map[string]string{},
					PlatformDetails: aws.ToString(inst.PlatformDetails),
				}
				if inst.State != nil {
					i.State = string(inst.State.Name)
				}
				for _, t := range inst.Tags {
					i.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
				}
				out = append(out, i)
			}
		}
	}
	return out, nil
}

// managed reads SSM's view of the instances, 50 ids a call.
func (ob observer) managed(ctx context.Context, o *Observation) error {
	ids := make([]string, 0, len(o.Instances))
	for _, i := range o.Instances {
		ids = append(ids, i.ID)
	}
	for _, part := range chunk(ids, maxInstancesPerCommand) {
		in := &ssm.DescribeInstanceInformationInput{
			Filters:    []ssmtypes.InstanceInformationStringFilter{{Key: aws.String("InstanceIds"), Values: part}},
			MaxResults: aws.Int32(50),
		}
		p := ssm.NewDescribeInstanceInformationPaginator(ob.c.SSM, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("describe ssm instance information: %w", err)
			}
			for _, info := range page.InstanceInformationList {
				o.Managed[aws.ToString(info.InstanceId)] = Managed{
					PingStatus:      string(info.PingStatus),
					PlatformType:    string(info.PlatformType),
					PlatformName:    aws.ToString(info.PlatformName),
					PlatformVersion: aws.ToString(info.PlatformVersion),
				}
			}
		}
	}
	return nil
}

// commands lists opsd's AWS-RunPatchBaseline commands sent since
// [Planner.Since]: those whose Comment names a run.
func (ob observer) commands(ctx context.Context, o *Observation, now time.Time, known []Command) error {
	if err := ob.listCommands(ctx, o, ob.p.Since(now)); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, c := range o.Commands {
		seen[c.ID] = true
	}
	for _, c := range known {
		if !seen[c.ID] {
			seen[c.ID] = true
			o.Commands = append(o.Commands, c)
		}
	}
	return nil
}

// listCommands lists opsd's commands sent since, into o.Commands: those
// of AWS-RunPatchBaseline and of the windows' hook documents.
func (ob observer) listCommands(ctx context.Context, o *Observation, since time.Time) error {
	seen := map[string]bool{}
	docs := ob.p.documents
	if len(docs) == 0 {
		docs = []string{Document}
	}
	for _, doc := range docs {
		if err := ob.listDocumentCommands(ctx, o, doc, since, seen); err != nil {
			return err
		}
	}
	return nil
}

// listDocumentCommands lists opsd's commands of one document sent since.
func (ob observer) listDocumentCommands(ctx context.Context, o *Observation, doc string, since time.Time, seen map[string]bool) error {
	in := &ssm.ListCommandsInput{
		Filters: []ssmtypes.CommandFilter{
			{Key: ssmtypes.CommandFilterKeyDocumentName, Value: aws.String(doc)},
			{Key: ssmtypes.CommandFilterKeyInvokedAfter, Value: aws.String(since.UTC().Format(time.RFC3339))},
		},
		MaxResults: aws.Int32(50),
	}
	p := ssm.NewListCommandsPaginator(ob.c.SSM, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list %s commands: %w", doc, err)
		}
		for _, c := range page.Commands {
			run, first, ok := parseComment(aws.ToString(c.Comment))
			if !ok || aws.ToString(c.DocumentName) != doc || isHook(run.Op) != (doc != Document) || seen[aws.ToString(c.CommandId)] {
				continue
			}
			seen[aws.ToString(c.CommandId)] = true
			o.Commands = append(o.Commands, Command{
				ID:          aws.ToString(c.CommandId),
				Run:         run,
				First:       first,
				InstanceIDs: c.InstanceIds,
				Status:      string(c.Status),
				Requested:   aws.ToTime(c.RequestedDateTime),
			})
		}
	}
	return nil
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
			inv := Invocation{
				InstanceID: aws.ToString(ci.InstanceId),
				Status:     string(ci.Status),
				Details:    aws.ToString(ci.StatusDetails),
			}
			inv.Step, inv.Output = failingStep(ci.CommandPlugins)
			out[inv.InstanceID] = inv
		}
	}
	return out, nil
}

// failingStep returns the first plugin that did not succeed, or the last
// one, with its output.
func failingStep(plugins []ssmtypes.CommandPlugin) (name, output string) {
	for _, pl := range plugins {
		switch pl.Status {
		case ssmtypes.CommandPluginStatusFailed, ssmtypes.CommandPluginStatusTimedOut, ssmtypes.CommandPluginStatusCancelled:
			return aws.ToString(pl.Name), aws.ToString(pl.Output)
		}
	}
	if n := len(plugins); n > 0 {
		return aws.ToString(plugins[n-1].Name), aws.ToString(plugins[n-1].Output)
	}
	return "", ""
}

// readStates reads the patch states of ids, 50 a call.
func (ob observer) readStates(ctx context.Context, o *Observation, ids []string) error {
	for _, part := range chunk(ids, maxInstancesPerCommand) {
		p := ssm.NewDescribeInstancePatchStatesPaginator(ob.c.SSM, &ssm.DescribeInstancePatchStatesInput{
			InstanceIds: part, MaxResults: aws.Int32(50),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("describe instance patch states: %w", err)
			}
			for _, s := range page.InstancePatchStates {
				o.PatchStates[aws.ToString(s.InstanceId)] = PatchState{
					Operation:              string(s.Operation),
					OperationEnd:           aws.ToTime(s.OperationEndTime),
					CriticalNonCompliant:   int(aws.ToInt32(s.CriticalNonCompliantCount)),
					SecurityNonCompliant:   int(aws.ToInt32(s.SecurityNonCompliantCount)),
					OtherNonCompliant:      int(aws.ToInt32(s.OtherNonCompliantCount)),
					Missing:                int(s.MissingCount),
					Failed:                 int(s.FailedCount),
					InstalledPendingReboot: int(aws.ToInt32(s.InstalledPendingRebootCount)),
				}
			}
		}
	}
	return nil
}
