package monitor

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/opsd-dev/opsd/internal/mototest"
)

// ssmWire answers, over the real awsJson1.1 protocol, the SSM operations
// moto 5.2.1 lacks or gets wrong for the agent's commands:
//   - DescribeInstanceInformation: SSM's view of instances is the fake's
//     (managed).
//   - SendCommand with InstanceIds adds every instance in the region to
//     the command, so it is passed on to moto with the ids as an
//     instance-id target, which moto resolves to exactly those.
//   - ListCommandInvocations: each invocation's status is the fake's
//     (status, Success by default), with one step whose output says so.
type ssmWire struct {
	mu      sync.Mutex
	managed map[string]string            // instance id → PingStatus
	status  func(doc, id string) string  // invocation status; nil: Success
	sent    []map[string]json.RawMessage // SendCommand bodies
	moto    *ssm.Client
}

func newSSMWire(p *mototest.Proxy, moto *ssm.Client) *ssmWire {
	f := &ssmWire{managed: map[string]string{}, moto: moto}
	p.Handle("AmazonSSM.SendCommand", f.sendCommand)
	p.Handle("AmazonSSM.DescribeInstanceInformation", f.describeInstanceInformation)
	p.Handle("AmazonSSM.ListCommandInvocations", f.listCommandInvocations)
	return f
}

func (f *ssmWire) setManaged(ping string, ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		f.managed[id] = ping
	}
}

func (f *ssmWire) sends() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sent)
}

func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "SerializationException", err.Error())
		return false
	}
	return true
}

func (f *ssmWire) sendCommand(w http.ResponseWriter, r *http.Request) {
	var in struct {
		DocumentName, Comment, MaxConcurrency, MaxErrors string
		InstanceIds                                      []string
		Parameters                                       map[string][]string
		TimeoutSeconds                                   int32
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	if len(in.InstanceIds) > 50 {
		mototest.WriteError(w, r, http.StatusBadRequest, "ValidationException", "at most 50 instance ids")
		return
	}
	out, err := f.moto.SendCommand(r.Context(), &ssm.SendCommandInput{
		DocumentName: aws.String(in.DocumentName), Comment: aws.String(in.Comment), Parameters: in.Parameters,
		MaxConcurrency: aws.String(in.MaxConcurrency), MaxErrors: aws.String(in.MaxErrors), TimeoutSeconds: aws.Int32(in.TimeoutSeconds),
		Targets: []ssmtypes.Target{{Key: aws.String("instance-id"), Values: in.InstanceIds}},
	})
	if err != nil {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidParameters", err.Error())
		return
	}
	b, _ := json.Marshal(in)
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(b, &raw)
	f.mu.Lock()
	f.sent = append(f.sent, raw)
	f.mu.Unlock()
	mototest.WriteJSON(w, r, map[string]any{"Command": map[string]any{
		"CommandId": aws.ToString(out.Command.CommandId), "Comment": in.Comment, "DocumentName": in.DocumentName,
		"InstanceIds": in.InstanceIds, "Parameters": in.Parameters, "Status": "Pending",
		"MaxConcurrency": in.MaxConcurrency, "MaxErrors": in.MaxErrors, "TimeoutSeconds": in.TimeoutSeconds,
		"RequestedDateTime": mototest.Epoch(aws.ToTime(out.Command.RequestedDateTime)),
	}})
}

func (f *ssmWire) describeInstanceInformation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Filters []struct {
			Key    string
			Values []string
		}
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	var want []string
	for _, flt := range in.Filters {
		if flt.Key == "InstanceIds" {
			want = flt.Values
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	list := []map[string]any{}
	for id, ping := range f.managed {
		if want != nil && !slices.Contains(want, id) {
			continue
		}
		list = append(list, map[string]any{"InstanceId": id, "PingStatus": ping, "PlatformType": "Linux", "ResourceType": "EC2Instance"})
	}
	mototest.WriteJSON(w, r, map[string]any{"InstanceInformationList": list})
}

func (f *ssmWire) listCommandInvocations(w http.ResponseWriter, r *http.Request) {
	var in struct {
		CommandId string
		Details   bool
	}
	if !decodeJSON(w, r, &in) {
		return
	}
	out, err := f.moto.ListCommands(r.Context(), &ssm.ListCommandsInput{CommandId: aws.String(in.CommandId)})
	if err != nil || len(out.Commands) != 1 {
		mototest.WriteError(w, r, http.StatusBadRequest, "InvalidCommandId", "no such command")
		return
	}
	c := out.Commands[0]
	f.mu.Lock()
	defer f.mu.Unlock()
	list := []map[string]any{}
	for _, id := range c.InstanceIds {
		status := "Success"
		if f.status != nil {
			status = f.status(aws.ToString(c.DocumentName), id)
		}
		inv := map[string]any{"CommandId": in.CommandId, "InstanceId": id, "Status": status, "StatusDetails": status,
			"Comment": aws.ToString(c.Comment), "DocumentName": aws.ToString(c.DocumentName)}
		if in.Details {
			inv["CommandPlugins"] = []map[string]any{{"Name": "configure", "Status": status, "Output": aws.ToString(c.DocumentName) + " " + status + " on " + id}}
		}
		list = append(list, inv)
	}
	mototest.WriteJSON(w, r, map[string]any{"CommandInvocations": list})
}
