package faults

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strings"

	"github.com/opsd-dev/opsd/awsenv"
)

// Stats counts what the proxy saw and did.
type Stats struct {
	// Calls is every call received, faulted or not.
	Calls int
	// Forwarded is every call that reached upstream and was answered
	// (whether or not the client then got the answer).
	Forwarded int
	// ByOperation counts calls received by operation.
	ByOperation map[string]int
	// Injected counts faults by kind.
	Injected map[Fault]int
}

func newStats() Stats {
	return Stats{ByOperation: map[string]int{}, Injected: map[Fault]int{}}
}

// InjectedTotal is the number of faulted calls.
func (s Stats) InjectedTotal() int {
	n := 0
	for _, v := range s.Injected {
		n += v
	}
	return n
}

// String is a one-line summary: "calls=… forwarded=… throttle=… …".
func (s Stats) String() string {
	parts := []string{fmt.Sprintf("calls=%d forwarded=%d faults=%d", s.Calls, s.Forwarded, s.InjectedTotal())}
	for _, f := range Faults() {
		if n := s.Injected[f]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", f, n))
		}
	}
	return strings.Join(parts, " ")
}

// Record is one call that reached upstream and was answered.
type Record struct {
	Call Call
	// Status is upstream's HTTP status.
	Status int
	// Delivered is false when the client never got the answer: the
	// connection was reset after forwarding.
	Delivered bool
	// Request and Response are the bodies of a mutating call (empty
	// for read-only calls, whose bodies are not kept).
	Request, Response []byte
}

// record keeps a forwarded call and learns the keys an AssumeRole
// returned.
func (p *Proxy) record(c Call, req []byte, status int, resp []byte, delivered bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Forwarded++
	rec := Record{Call: c, Status: status, Delivered: delivered}
	if !awsenv.IsReadOnly(c.Operation) {
		rec.Request, rec.Response = req, resp
	}
	if c.Operation == "AssumeRole" && status == 200 {
		if key := assumedKey(resp); key != "" && c.Account != "" {
			p.keys[key] = c.Account
		}
	}
	p.records = append(p.records, rec)
}

// assumedKey is the AccessKeyId in an AssumeRole answer.
func assumedKey(body []byte) string {
	var out struct {
		Key string `xml:"AssumeRoleResult>Credentials>AccessKeyId"`
	}
	if xml.Unmarshal(body, &out) != nil {
		return ""
	}
	return out.Key
}

// Stats returns a copy of the counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := newStats()
	s.Calls, s.Forwarded = p.stats.Calls, p.stats.Forwarded
	for k, v := range p.stats.ByOperation {
		s.ByOperation[k] = v
	}
	for k, v := range p.stats.Injected {
		s.Injected[k] = v
	}
	return s
}

// Records returns the forwarded calls so far, in the order upstream
// answered them.
func (p *Proxy) Records() []Record {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Record(nil), p.records...)
}

// StateChange is one instance in a StopInstances or StartInstances call
// upstream answered with success.
type StateChange struct {
	Operation, Account, Region, InstanceID string
	// Previous and Current are the states upstream reported: a change
	// from running (or to running) applied the action; the same state
	// before and after means the call was a repeat that changed nothing.
	Previous, Current string
	// Delivered is false when the client never saw this answer.
	Delivered bool
}

// Applied reports whether this call changed the instance's state: a stop
// of a running (or pending) instance, a start of a stopped one.
func (s StateChange) Applied() bool {
	if s.Operation == "StopInstances" {
		return s.Previous == "running" || s.Previous == "pending"
	}
	return s.Previous == "stopped" || s.Previous == "stopping"
}

// StateChanges returns, from every successful forwarded StopInstances and
// StartInstances, each instance's reported state change, in order.
func (p *Proxy) StateChanges() []StateChange {
	var out []StateChange
	for _, rec := range p.Records() {
		op := rec.Call.Operation
		if rec.Status != 200 || (op != "StopInstances" && op != "StartInstances") {
			continue
		}
		var resp struct {
			Items []struct {
				ID       string `xml:"instanceId"`
				Current  string `xml:"currentState>name"`
				Previous string `xml:"previousState>name"`
			} `xml:"instancesSet>item"`
		}
		if xml.Unmarshal(rec.Response, &resp) != nil {
			continue
		}
		for _, it := range resp.Items {
			out = append(out, StateChange{Operation: op, Account: rec.Call.Account, Region: rec.Call.Region,
				InstanceID: it.ID, Previous: it.Previous, Current: it.Current, Delivered: rec.Delivered})
		}
	}
	return out
}

// Tally counts state changes by instance: how many applied the action and
// how many were repeats that changed nothing.
type Tally struct {
	Applied, Repeats map[string]int
}

// TallyChanges counts the state changes of op ("StopInstances" or
// "StartInstances") by instance id.
func TallyChanges(changes []StateChange, op string) Tally {
	t := Tally{Applied: map[string]int{}, Repeats: map[string]int{}}
	for _, c := range changes {
		if c.Operation != op {
			continue
		}
		if c.Applied() {
			t.Applied[c.InstanceID]++
		} else {
			t.Repeats[c.InstanceID]++
		}
	}
	return t
}

// Total is the sum of counts in m.
func Total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// Keys are m's keys, sorted.
func Keys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
