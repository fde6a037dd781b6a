package awssim

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// ec2Filter is one DescribeInstances filter.
type ec2Filter struct {
	name   string
	values []string
}

// parseFilters reads Filter.N.Name and Filter.N.Value.M, refusing the
// filter names the simulator does not know as EC2 refuses unknown ones.
func parseFilters(q *request) ([]ec2Filter, *ec2Error) {
	var out []ec2Filter
	for i := 1; ; i++ {
		name, ok := q.form[fmt.Sprintf("Filter.%d.Name", i)]
		if !ok {
			return out, nil
		}
		f := ec2Filter{name: name[0], values: indexed(q.form, fmt.Sprintf("Filter.%d.Value", i))}
		switch {
		case f.name == "tag-key", f.name == "instance-state-name", f.name == "instance-id", strings.HasPrefix(f.name, "tag:"):
		default:
			return nil, invalidParam("The filter '%s' is invalid", f.name)
		}
		out = append(out, f)
	}
}

// matcher decides filters on instances, remembering the answer for each
// tag set.
type matcher struct {
	filters []ec2Filter
	ids     map[string]bool
	byTags  map[*tagSet]bool
}

func newMatcher(filters []ec2Filter, ids []string) *matcher {
	m := &matcher{filters: filters, byTags: map[*tagSet]bool{}}
	if len(ids) > 0 {
		m.ids = map[string]bool{}
		for _, id := range ids {
			m.ids[id] = true
		}
	}
	return m
}

func (m *matcher) match(id string, in instance) bool {
	if m.ids != nil && !m.ids[id] {
		return false
	}
	for _, f := range m.filters {
		switch f.name {
		case "instance-state-name":
			if !slices.Contains(f.values, stateName(in.state)) {
				return false
			}
		case "instance-id":
			if !slices.Contains(f.values, id) {
				return false
			}
		}
	}
	ok, seen := m.byTags[in.tags]
	if !seen {
		ok = m.tagsMatch(in.tags)
		m.byTags[in.tags] = ok
	}
	return ok
}

func (m *matcher) tagsMatch(ts *tagSet) bool {
	for _, f := range m.filters {
		switch {
		case f.name == "tag-key":
			if !slices.ContainsFunc(f.values, func(k string) bool { _, ok := ts.m[k]; return ok }) {
				return false
			}
		case strings.HasPrefix(f.name, "tag:"):
			v, ok := ts.m[f.name[len("tag:"):]]
			if !ok || !slices.Contains(f.values, v) {
				return false
			}
		}
	}
	return true
}

// describe answers DescribeInstances: every matching instance of the
// caller's account and region, one reservation each, paged by MaxResults
// (5 to 1000) and NextToken as EC2 pages; without MaxResults, all of them
// in one answer.
func (s *ec2Store) describe(w http.ResponseWriter, q *request) {
	filters, e := parseFilters(q)
	if e != nil {
		e.write(w, q)
		return
	}
	max, e := parseMaxResults(q)
	if e != nil {
		e.write(w, q)
		return
	}
	ids := indexed(q.form, "InstanceId")
	if max > 0 && len(ids) > 0 {
		(&ec2Error{http.StatusBadRequest, "InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults"}).write(w, q)
		return
	}
	start := 0
	if tok := q.form.Get("NextToken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "awssim-"))
		if err != nil || n < 0 || !strings.HasPrefix(tok, "awssim-") {
			(&ec2Error{http.StatusBadRequest, "InvalidParameterValue", "Unable to parse pagination token"}).write(w, q)
			return
		}
		start = n
	}
	b := fmt.Appendf(make([]byte, 0, 4096), `<DescribeInstancesResponse xmlns="%s"><requestId>%s</requestId><reservationSet>`, ec2NS, requestID(q))
	t := s.lookup(q.account, q.region)
	if t == nil {
		for _, id := range ids {
			(&ec2Error{http.StatusBadRequest, "InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id)}).write(w, q)
			return
		}
		writeXML(w, append(b, "</reservationSet></DescribeInstancesResponse>"...))
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range ids {
		if ti, ii, ok := parseInstanceID(id); !ok || ti != t.idx || ii >= len(t.insts) {
			(&ec2Error{http.StatusBadRequest, "InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id)}).write(w, q)
			return
		}
	}
	m := newMatcher(filters, ids)
	n, next := 0, -1
	for i := start; i < len(t.insts); i++ {
		id := instanceID(t.idx, i)
		if !m.match(id, t.insts[i]) {
			continue
		}
		if max > 0 && n == max {
			next = i
			break
		}
		b = appendInstance(b, t, i, id)
		n++
	}
	b = append(b, "</reservationSet>"...)
	if next >= 0 {
		b = fmt.Appendf(b, "<nextToken>awssim-%d</nextToken>", next)
	}
	writeXML(w, append(b, "</DescribeInstancesResponse>"...))
}

// appendInstance writes instance i as one reservation.
func appendInstance(b []byte, t *ec2Target, i int, id string) []byte {
	in := t.insts[i]
	b = fmt.Appendf(b, "<item><reservationId>r-%08x%09x</reservationId><ownerId>%s</ownerId><groupSet/><instancesSet><item>", t.idx, i, t.account)
	b = append(b, "<instanceId>"...)
	b = append(b, id...)
	b = append(b, "</instanceId><imageId>ami-0a1b2c3d4e5f67890</imageId><instanceState><code>"...)
	b = strconv.AppendInt(b, int64(in.state), 10)
	b = append(b, "</code><name>"...)
	b = append(b, stateName(in.state)...)
	b = append(b, "</name></instanceState><instanceType>t3.micro</instanceType><launchTime>2026-01-05T09:00:00.000Z</launchTime><placement><availabilityZone>"...)
	b = append(b, t.region...)
	b = append(b, "a</availabilityZone></placement><hibernationOptions><configured>false</configured></hibernationOptions>"...)
	b = append(b, in.tags.xml...)
	return append(b, "</item></instancesSet></item>"...)
}
