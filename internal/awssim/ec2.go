package awssim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

const ec2NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

// maxEC2IDs is the most resource ids one StopInstances, StartInstances,
// CreateTags or DeleteTags call takes. CreateTags and DeleteTags document
// "up to 1000 resource IDs"; EC2 refuses more for instance-id lists too.
const maxEC2IDs = 1000

// maxTagsPerResource is EC2's limit on tags per resource.
const maxTagsPerResource = 50

func (s *ec2Store) serve(w http.ResponseWriter, q *request) {
	switch q.action {
	case "DescribeInstances":
		s.describe(w, q)
	case "StopInstances":
		s.changeState(w, q, stateStopped)
	case "StartInstances":
		s.changeState(w, q, stateRunning)
	case "CreateTags":
		s.tag(w, q, true)
	case "DeleteTags":
		s.tag(w, q, false)
	case "DescribeInstanceTypes":
		describeInstanceTypes(w, q)
	default:
		writeError(w, q, http.StatusBadRequest, "InvalidAction", "awssim does not simulate ec2 "+q.action)
	}
}

// ec2Error is an EC2 error answer.
type ec2Error struct {
	status        int
	code, message string
}

func (e *ec2Error) write(w http.ResponseWriter, q *request) {
	writeError(w, q, e.status, e.code, e.message)
}

func invalidParam(format string, args ...any) *ec2Error {
	return &ec2Error{http.StatusBadRequest, "InvalidParameterValue", fmt.Sprintf(format, args...)}
}

// resolve returns the instance indexes of ids in the caller's account and
// region: all of them, or the error EC2 gives for the first it does not
// know.
func (s *ec2Store) resolve(q *request, ids []string) (*ec2Target, []int, *ec2Error) {
	if len(ids) > maxEC2IDs {
		return nil, nil, invalidParam("%d exceeds the maximum number of resource IDs that can be specified (%d)", len(ids), maxEC2IDs)
	}
	t := s.lookup(q.account, q.region)
	idx := make([]int, 0, len(ids))
	for _, id := range ids {
		ti, ii, ok := parseInstanceID(id)
		if !ok {
			return nil, nil, &ec2Error{http.StatusBadRequest, "InvalidInstanceID.Malformed", fmt.Sprintf("Invalid id: %q", id)}
		}
		if t == nil || ti != t.idx || ii >= len(t.insts) {
			return nil, nil, &ec2Error{http.StatusBadRequest, "InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id)}
		}
		idx = append(idx, ii)
	}
	return t, idx, nil
}

// changeState stops or starts instances. Transitions are immediate: the
// answer says stopping (pending) as EC2 does, and the instance is stopped
// (running) from then on.
func (s *ec2Store) changeState(w http.ResponseWriter, q *request, to uint8) {
	ids := indexed(q.form, "InstanceId")
	if len(ids) == 0 {
		invalidParam("InstanceId is required").write(w, q)
		return
	}
	t, idx, e := s.resolve(q, ids)
	if e != nil {
		e.write(w, q)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	b := make([]byte, 0, 256+200*len(ids))
	b = fmt.Appendf(b, `<%sResponse xmlns="%s"><requestId>%s</requestId><instancesSet>`, q.action, ec2NS, requestID(q))
	for n, i := range idx {
		prev := t.insts[i].state
		shown := to
		switch {
		case to == stateStopped && prev != stateStopped:
			shown = stateStopping
		case to == stateRunning && prev != stateRunning:
			shown = statePending
		}
		t.insts[i].state = to
		b = fmt.Appendf(b, "<item><instanceId>%s</instanceId><currentState><code>%d</code><name>%s</name></currentState><previousState><code>%d</code><name>%s</name></previousState></item>",
			ids[n], shown, stateName(shown), prev, stateName(prev))
	}
	b = fmt.Appendf(b, "</instancesSet></%sResponse>", q.action)
	writeXML(w, b)
}

// tag adds (CreateTags) or removes (DeleteTags) tags. Instances that had
// the same tags share the new set.
func (s *ec2Store) tag(w http.ResponseWriter, q *request, add bool) {
	ids := indexed(q.form, "ResourceId")
	if len(ids) == 0 {
		invalidParam("ResourceId is required").write(w, q)
		return
	}
	type kv struct {
		key, value string
		hasValue   bool
	}
	var tags []kv
	for i := 1; ; i++ {
		k, ok := q.form[fmt.Sprintf("Tag.%d.Key", i)]
		if !ok {
			break
		}
		v, hasValue := q.form[fmt.Sprintf("Tag.%d.Value", i)]
		t := kv{key: k[0], hasValue: hasValue}
		if hasValue {
			t.value = v[0]
		}
		tags = append(tags, t)
	}
	if add && len(tags) == 0 {
		invalidParam("Tag is required").write(w, q)
		return
	}
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(t.key), "aws:") {
			invalidParam("Tag keys starting with 'aws:' are reserved for internal use").write(w, q)
			return
		}
	}
	t, idx, e := s.resolve(q, ids)
	if e != nil {
		e.write(w, q)
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	changed := map[*tagSet]*tagSet{}
	for _, i := range idx {
		old := t.insts[i].tags
		if _, ok := changed[old]; ok {
			continue
		}
		m := make(map[string]string, len(old.m)+len(tags))
		for k, v := range old.m {
			m[k] = v
		}
		for _, tg := range tags {
			switch {
			case add:
				m[tg.key] = tg.value
			case !tg.hasValue || m[tg.key] == tg.value:
				delete(m, tg.key)
			}
		}
		if len(m) > maxTagsPerResource {
			(&ec2Error{http.StatusBadRequest, "TagLimitExceeded", fmt.Sprintf("The maximum number of Tags for a resource has been reached (%d)", maxTagsPerResource)}).write(w, q)
			return
		}
		changed[old] = newTagSet(m)
	}
	for _, i := range idx {
		t.insts[i].tags = changed[t.insts[i].tags]
	}
	writeXML(w, fmt.Appendf(nil, `<%sResponse xmlns="%s"><requestId>%s</requestId><return>true</return></%sResponse>`, q.action, ec2NS, requestID(q), q.action))
}

// parseMaxResults reads MaxResults: 0 when absent.
func parseMaxResults(q *request) (int, *ec2Error) {
	v := q.form.Get("MaxResults")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 5 || n > 1000 {
		return 0, invalidParam("Value ( %s ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", v)
	}
	return n, nil
}

// describeInstanceTypes answers for each instance type asked for that it
// has no instance store volumes (every simulated instance is a t3.micro).
func describeInstanceTypes(w http.ResponseWriter, q *request) {
	b := fmt.Appendf(nil, `<DescribeInstanceTypesResponse xmlns="%s"><requestId>%s</requestId><instanceTypeSet>`, ec2NS, requestID(q))
	for _, t := range indexed(q.form, "InstanceType") {
		b = fmt.Appendf(b, "<item><instanceType>%s</instanceType><instanceStorageSupported>false</instanceStorageSupported></item>", t)
	}
	writeXML(w, append(b, "</instanceTypeSet></DescribeInstanceTypesResponse>"...))
}
