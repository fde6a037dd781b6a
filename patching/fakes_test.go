package patching

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"
)

// Hand-written fakes of the narrow interfaces: in-memory state, one page
// of pageSize items per call (so the SDK paginators page), every call
// recorded, failures injected.

const pageSize = 2

// calls records the operations a fake was asked for, in order.
type calls struct {
	mu  sync.Mutex
	ops []string
}

func (c *calls) add(op string, detail ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(detail) > 0 {
		op += " " + strings.Join(detail, " ")
	}
	c.ops = append(c.ops, op)
}

func (c *calls) all() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.ops)
}

// count returns how many calls start with prefix.
func (c *calls) count(prefix string) int {
	n := 0
	for _, op := range c.all() {
		if strings.HasPrefix(op, prefix) {
			n++
		}
	}
	return n
}

// mutating returns the calls that are not Describe or List calls.
func (c *calls) mutating() []string {
	var out []string
	for _, op := range c.all() {
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") {
			out = append(out, op)
		}
	}
	return out
}

func apiError(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient}
}

// page returns the items of one page and the next token.
func page[T any](items []T, token *string) ([]T, *string) {
	from := 0
	if token != nil {
		from, _ = strconv.Atoi(*token)
	}
	to := min(from+pageSize, len(items))
	var next *string
	if to < len(items) {
		next = aws.String(strconv.Itoa(to))
	}
	return items[from:to], next
}

// fakeEC2 holds instances.
type fakeEC2 struct {
	calls
	mu        sync.Mutex
	instances []*fakeInstance
	// describeErr fails DescribeInstances.
	describeErr error
	// startErr fails StartInstances.
	startErr error
}

type fakeInstance struct {
	id, state, platform string
	tags                map[string]string
}

func (f *fakeEC2) addInstance(id, state string, tags ...string) *fakeInstance {
	i := inst(id, state, tags...)
	fi := &fakeInstance{id: id, state: state, tags: i.Tags}
	f.mu.Lock()
	f.instances = append(f.instances, fi)
	f.mu.Unlock()
	return fi
}

func (f *fakeEC2) get(id string) *fakeInstance {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, i := range f.instances {
		if i.id == id {
			return i
		}
	}
	return nil
}

// tag returns an instance's tag value.
func (f *fakeEC2) tag(id, key string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, i := range f.instances {
		if i.id == id {
			v, ok := i.tags[key]
			return v, ok
		}
	}
	return "", false
}

func (f *fakeEC2) setState(id, state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, i := range f.instances {
		if i.id == id {
			i.state = state
		}
	}
}

func (f *fakeEC2) DescribeInstances(_ context.Context, in *ec2.DescribeInstancesInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstancesOutput, error) {
	f.calls.add("DescribeInstances")
	if f.describeErr != nil {
		return nil, f.describeErr
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var match []ec2types.Reservation
	for _, i := range f.instances {
		if !matches(i, in.Filters) {
			continue
		}
		out := ec2types.Instance{
			InstanceId:      aws.String(i.id),
			State:           &ec2types.InstanceState{Name: ec2types.InstanceStateName(i.state)},
			PlatformDetails: aws.String(cmpOr(i.platform, "Linux/UNIX")),
		}
		for _, k := range sortedKeys(i.tags) {
			out.Tags = append(out.Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(i.tags[k])})
		}
		match = append(match, ec2types.Reservation{Instances: []ec2types.Instance{out}})
	}
	items, next := page(match, in.NextToken)
	return &ec2.DescribeInstancesOutput{Reservations: items, NextToken: next}, nil
}

func matches(i *fakeInstance, filters []ec2types.Filter) bool {
	for _, flt := range filters {
		switch aws.ToString(flt.Name) {
		case "tag-key":
			if !slices.ContainsFunc(flt.Values, func(k string) bool { _, ok := i.tags[k]; return ok }) {
				return false
			}
		case "instance-state-name":
			if !slices.Contains(flt.Values, i.state) {
				return false
			}
		}
	}
	return true
}

func (f *fakeEC2) StartInstances(_ context.Context, in *ec2.StartInstancesInput, _ ...func(*ec2.Options)) (*ec2.StartInstancesOutput, error) {
	f.calls.add("StartInstances", in.InstanceIds...)
	if f.startErr != nil {
		return nil, f.startErr
	}
	for _, id := range in.InstanceIds {
		f.setState(id, stateRunning)
	}
	return &ec2.StartInstancesOutput{}, nil
}

func (f *fakeEC2) StopInstances(_ context.Context, in *ec2.StopInstancesInput, _ ...func(*ec2.Options)) (*ec2.StopInstancesOutput, error) {
	f.calls.add("StopInstances", in.InstanceIds...)
	for _, id := range in.InstanceIds {
		f.setState(id, stateStopped)
	}
	return &ec2.StopInstancesOutput{}, nil
}

func (f *fakeEC2) CreateTags(_ context.Context, in *ec2.CreateTagsInput, _ ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	var kv []string
	for _, t := range in.Tags {
		kv = append(kv, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
	}
	f.calls.add("CreateTags", strings.Join(in.Resources, ","), strings.Join(kv, ","))
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, i := range f.instances {
		if slices.Contains(in.Resources, i.id) {
			for _, t := range in.Tags {
				i.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
		}
	}
	return &ec2.CreateTagsOutput{}, nil
}

func (f *fakeEC2) DeleteTags(_ context.Context, in *ec2.DeleteTagsInput, _ ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error) {
	var ks []string
	for _, t := range in.Tags {
		ks = append(ks, aws.ToString(t.Key))
	}
	f.calls.add("DeleteTags", strings.Join(in.Resources, ","), strings.Join(ks, ","))
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, i := range f.instances {
		if slices.Contains(in.Resources, i.id) {
			for _, k := range ks {
				delete(i.tags, k)
			}
		}
	}
	return &ec2.DeleteTagsOutput{}, nil
}

// fakeSSM holds SSM's view of instances, commands and patch states.
type fakeSSM struct {
	calls
	mu       sync.Mutex
	managed  map[string]Managed
	commands []*fakeCommand
	states   map[string]PatchState
	// script gives an invocation's status on its nth look (from 0) through
	// ListCommandInvocations; nil means Success at once.
	script func(c *fakeCommand, id string, look int) string
	looks  map[string]int
	// sendErr fails SendCommand.
	sendErr error
}

type fakeCommand struct {
	id string
	in *ssm.SendCommandInput
}

func newFakeSSM() *fakeSSM {
	return &fakeSSM{managed: map[string]Managed{}, states: map[string]PatchState{}, looks: map[string]int{}}
}

func (f *fakeSSM) setManaged(m Managed, ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		f.managed[id] = m
	}
}

// sent returns the commands sent so far.
func (f *fakeSSM) sent() []*fakeCommand {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.commands)
}

// status is an invocation's status at its current look (locked).
func (f *fakeSSM) status(c *fakeCommand, id string) string {
	if f.script == nil {
		return "Success"
	}
	return f.script(c, id, f.looks[c.id+" "+id])
}

func (f *fakeSSM) DescribeInstanceInformation(_ context.Context, in *ssm.DescribeInstanceInformationInput, _ ...func(*ssm.Options)) (*ssm.DescribeInstanceInformationOutput, error) {
	f.add("DescribeInstanceInformation")
	f.mu.Lock()
	defer f.mu.Unlock()
	var want []string
	for _, flt := range in.Filters {
		if aws.ToString(flt.Key) == "InstanceIds" {
			want = flt.Values
		}
	}
	if len(want) > 50 {
		return nil, apiError("ValidationException", "too many instance ids")
	}
	var list []ssmtypes.InstanceInformation
	for _, id := range sortedKeys(f.managed) {
		if want != nil && !slices.Contains(want, id) {
			continue
		}
		m := f.managed[id]
		list = append(list, ssmtypes.InstanceInformation{
			InstanceId: aws.String(id), PingStatus: ssmtypes.PingStatus(m.PingStatus), PlatformType: ssmtypes.PlatformType(m.PlatformType),
			PlatformName: aws.String(m.PlatformName), PlatformVersion: aws.String(m.PlatformVersion),
		})
	}
	items, next := page(list, in.NextToken)
	return &ssm.DescribeInstanceInformationOutput{InstanceInformationList: items, NextToken: next}, nil
}

func (f *fakeSSM) SendCommand(_ context.Context, in *ssm.SendCommandInput, _ ...func(*ssm.Options)) (*ssm.SendCommandOutput, error) {
	f.add("SendCommand", aws.ToString(in.Comment), strings.Join(in.InstanceIds, ","))
	if f.sendErr != nil {
		return nil, f.sendErr
	}
	if len(in.InstanceIds) > 50 || len(aws.ToString(in.Comment)) > 100 {
		return nil, apiError("ValidationException", "too many instances or too long a comment")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c := &fakeCommand{id: fmt.Sprintf("cmd-%d", len(f.commands)+1), in: in}
	f.commands = append(f.commands, c)
	return &ssm.SendCommandOutput{Command: &ssmtypes.Command{CommandId: aws.String(c.id), Status: ssmtypes.CommandStatusPending}}, nil
}

func (f *fakeSSM) ListCommands(_ context.Context, in *ssm.ListCommandsInput, _ ...func(*ssm.Options)) (*ssm.ListCommandsOutput, error) {
	f.add("ListCommands")
	f.mu.Lock()
	defer f.mu.Unlock()
	var list []ssmtypes.Command
	for _, c := range f.commands {
		status := ssmtypes.CommandStatusSuccess
		for _, id := range c.in.InstanceIds {
			switch s := f.status(c, id); {
			case !terminalStatus(s):
				status = ssmtypes.CommandStatusInProgress
			case s != "Success" && status == ssmtypes.CommandStatusSuccess:
				status = ssmtypes.CommandStatusFailed
			}
		}
		list = append(list, ssmtypes.Command{
			CommandId: aws.String(c.id), Comment: c.in.Comment, DocumentName: c.in.DocumentName,
			InstanceIds: c.in.InstanceIds, Status: status,
		})
	}
	items, next := page(list, in.NextToken)
	return &ssm.ListCommandsOutput{Commands: items, NextToken: next}, nil
}

func (f *fakeSSM) ListCommandInvocations(_ context.Context, in *ssm.ListCommandInvocationsInput, _ ...func(*ssm.Options)) (*ssm.ListCommandInvocationsOutput, error) {
	f.add("ListCommandInvocations", aws.ToString(in.CommandId))
	f.mu.Lock()
	defer f.mu.Unlock()
	var cmd *fakeCommand
	for _, c := range f.commands {
		if c.id == aws.ToString(in.CommandId) {
			cmd = c
		}
	}
	if cmd == nil {
		return nil, apiError("InvalidCommandId", "no such command")
	}
	var list []ssmtypes.CommandInvocation
	for _, id := range cmd.in.InstanceIds {
		s := f.status(cmd, id)
		if in.NextToken == nil {
			f.looks[cmd.id+" "+id]++
		}
		plugin := ssmtypes.CommandPlugin{Name: aws.String("PatchLinux"), Status: ssmtypes.CommandPluginStatus(s), Output: aws.String("patched " + id)}
		if s == "Failed" {
			plugin.Output = aws.String("Traceback: apt-get failed on " + id)
		}
		list = append(list, ssmtypes.CommandInvocation{
			CommandId: aws.String(cmd.id), InstanceId: aws.String(id), Status: ssmtypes.CommandInvocationStatus(s),
			CommandPlugins: []ssmtypes.CommandPlugin{plugin},
		})
	}
	items, next := page(list, in.NextToken)
	return &ssm.ListCommandInvocationsOutput{CommandInvocations: items, NextToken: next}, nil
}

func (f *fakeSSM) DescribeInstancePatchStates(_ context.Context, in *ssm.DescribeInstancePatchStatesInput, _ ...func(*ssm.Options)) (*ssm.DescribeInstancePatchStatesOutput, error) {
	f.add("DescribeInstancePatchStates", in.InstanceIds...)
	if len(in.InstanceIds) > 50 {
		return nil, apiError("ValidationException", "too many instance ids")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var list []ssmtypes.InstancePatchState
	for _, id := range in.InstanceIds {
		s, ok := f.states[id]
		if !ok {
			continue
		}
		list = append(list, ssmtypes.InstancePatchState{
			InstanceId: aws.String(id), Operation: ssmtypes.PatchOperationType(cmpOr(s.Operation, "Scan")),
			OperationEndTime:          aws.Time(s.OperationEnd),
			CriticalNonCompliantCount: aws.Int32(int32(s.CriticalNonCompliant)),
			SecurityNonCompliantCount: aws.Int32(int32(s.SecurityNonCompliant)),
			MissingCount:              int32(s.Missing), FailedCount: int32(s.Failed),
			InstalledPendingRebootCount: aws.Int32(int32(s.InstalledPendingReboot)),
		})
	}
	items, next := page(list, in.NextToken)
	return &ssm.DescribeInstancePatchStatesOutput{InstancePatchStates: items, NextToken: next}, nil
}

// fakeSNS records what was published.
type fakeSNS struct {
	calls
	mu        sync.Mutex
	published []*sns.PublishInput
}

func (f *fakeSNS) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	f.add("Publish", aws.ToString(in.TopicArn))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.published = append(f.published, in)
	return &sns.PublishOutput{MessageId: aws.String("m-1")}, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// DescribeInstanceStatus answers every instance as passing its checks.
func (f *fakeEC2) DescribeInstanceStatus(_ context.Context, in *ec2.DescribeInstanceStatusInput, _ ...func(*ec2.Options)) (*ec2.DescribeInstanceStatusOutput, error) {
	f.add("DescribeInstanceStatus", in.InstanceIds...)
	return &ec2.DescribeInstanceStatusOutput{}, nil
}

// DescribeInstancePatches answers no patches.
func (f *fakeSSM) DescribeInstancePatches(_ context.Context, in *ssm.DescribeInstancePatchesInput, _ ...func(*ssm.Options)) (*ssm.DescribeInstancePatchesOutput, error) {
	f.add("DescribeInstancePatches", aws.ToString(in.InstanceId))
	return &ssm.DescribeInstancePatchesOutput{}, nil
}
