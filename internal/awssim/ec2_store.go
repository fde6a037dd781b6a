package awssim

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// EC2 instance states as EC2 codes them.
const (
	statePending  uint8 = 0
	stateRunning  uint8 = 16
	stateStopping uint8 = 64
	stateStopped  uint8 = 80
)

func stateName(code uint8) string {
	switch code {
	case statePending:
		return "pending"
	case stateRunning:
		return "running"
	case stateStopping:
		return "stopping"
	case stateStopped:
		return "stopped"
	}
	return "terminated"
}

// ec2Store holds the instances of every account and region.
type ec2Store struct {
	mu      sync.RWMutex
	targets map[targetKey]*ec2Target
	list    []*ec2Target
}

type targetKey struct{ account, region string }

// ec2Target is the instances of one account and region. An instance is
// its index in insts; its id encodes the target's index and its own.
type ec2Target struct {
	mu      sync.Mutex
	idx     int
	account string
	region  string
	insts   []instance
}

// instance is one EC2 instance: its state and its tags, shared with every
// instance tagged alike.
type instance struct {
	tags  *tagSet
	state uint8
}

// tagSet is an immutable set of tags, sorted by key, with its EC2 XML.
type tagSet struct {
	keys, values []string
	m            map[string]string
	xml          []byte
}

func newTagSet(m map[string]string) *tagSet {
	ts := &tagSet{m: make(map[string]string, len(m))}
	for k := range m {
		ts.keys = append(ts.keys, k)
	}
	slices.Sort(ts.keys)
	for _, k := range ts.keys {
		ts.values = append(ts.values, m[k])
		ts.m[k] = m[k]
	}
	ts.xml = append(ts.xml, "<tagSet>"...)
	for i, k := range ts.keys {
		ts.xml = append(ts.xml, "<item><key>"...)
		ts.xml = append(ts.xml, escape(k)...)
		ts.xml = append(ts.xml, "</key><value>"...)
		ts.xml = append(ts.xml, escape(ts.values[i])...)
		ts.xml = append(ts.xml, "</value></item>"...)
	}
	ts.xml = append(ts.xml, "</tagSet>"...)
	return ts
}

func newEC2Store() *ec2Store { return &ec2Store{targets: map[targetKey]*ec2Target{}} }

// target returns the account and region's instances, creating them.
func (s *ec2Store) target(account, region string) *ec2Target {
	k := targetKey{account, region}
	s.mu.RLock()
	t := s.targets[k]
	s.mu.RUnlock()
	if t != nil {
		return t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t = s.targets[k]; t == nil {
		t = &ec2Target{idx: len(s.list), account: account, region: region}
		s.targets[k] = t
		s.list = append(s.list, t)
	}
	return t
}

// lookup returns the target of an existing account and region, or nil.
func (s *ec2Store) lookup(account, region string) *ec2Target {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.targets[targetKey{account, region}]
}

// instanceID is the id of instance i of target t: i- and 17 hex digits.
func instanceID(t, i int) string { return fmt.Sprintf("i-%08x%09x", t, i) }

// parseInstanceID returns the target and instance index an id encodes.
func parseInstanceID(id string) (t, i int, ok bool) {
	if len(id) != 19 || id[:2] != "i-" {
		return 0, 0, false
	}
	tv, err1 := strconv.ParseUint(id[2:10], 16, 32)
	iv, err2 := strconv.ParseUint(id[10:], 16, 40)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return int(tv), int(iv), true
}

// Instance is one simulated EC2 instance as seen by a test.
type Instance struct {
	ID    string
	State string
	// Tags are shared with other instances: read only.
	Tags map[string]string
}

// AddInstances adds n running instances with tags in account's region and
// returns their ids. Instances seeded together share one tag set, so a
// large estate costs a few bytes an instance.
func (s *Server) AddInstances(account, region string, n int, tags map[string]string) []string {
	t := s.ec2.target(account, region)
	ts := newTagSet(tags)
	t.mu.Lock()
	defer t.mu.Unlock()
	ids := make([]string, 0, n)
	t.insts = slices.Grow(t.insts, n)
	for range n {
		ids = append(ids, instanceID(t.idx, len(t.insts)))
		t.insts = append(t.insts, instance{tags: ts, state: stateRunning})
	}
	return ids
}

// EachInstance calls fn for every instance of account's region, in id
// order, until fn returns false.
func (s *Server) EachInstance(account, region string, fn func(Instance) bool) {
	t := s.ec2.lookup(account, region)
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, in := range t.insts {
		if !fn(Instance{ID: instanceID(t.idx, i), State: stateName(in.state), Tags: in.tags.m}) {
			return
		}
	}
}
