package awssim

import (
	"maps"
	"sync"
)

// Calls is a snapshot of the calls a Server answered.
type Calls struct {
	// ByOp counts every call by "service.Op", throttled ones included.
	ByOp map[string]int64
	// Throttled counts the calls answered with a throttling error.
	Throttled map[string]int64
	// ByAccount counts calls by account, then by "service.Op".
	ByAccount map[string]map[string]int64
}

// Total is the number of calls answered.
func (c Calls) Total() int64 {
	var n int64
	for _, v := range c.ByOp {
		n += v
	}
	return n
}

// Service is the number of calls to one signing service ("sqs", "s3").
func (c Calls) Service(service string) int64 {
	var n int64
	for op, v := range c.ByOp {
		if len(op) > len(service) && op[:len(service)] == service && op[len(service)] == '.' {
			n += v
		}
	}
	return n
}

// counter counts calls.
type counter struct {
	mu        sync.Mutex
	byOp      map[string]int64
	throttled map[string]int64
	byAccount map[string]map[string]int64
}

func newCounter() *counter {
	c := &counter{}
	c.reset()
	return c
}

func (c *counter) reset() {
	c.byOp = map[string]int64{}
	c.throttled = map[string]int64{}
	c.byAccount = map[string]map[string]int64{}
}

func (c *counter) add(op, account string, throttled bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byOp[op]++
	if throttled {
		c.throttled[op]++
	}
	m := c.byAccount[account]
	if m == nil {
		m = map[string]int64{}
		c.byAccount[account] = m
	}
	m[op]++
}

// Calls returns the calls answered since the server started or
// ResetCalls.
func (s *Server) Calls() Calls {
	c := s.calls
	c.mu.Lock()
	defer c.mu.Unlock()
	out := Calls{ByOp: maps.Clone(c.byOp), Throttled: maps.Clone(c.throttled), ByAccount: make(map[string]map[string]int64, len(c.byAccount))}
	for a, m := range c.byAccount {
		out.ByAccount[a] = maps.Clone(m)
	}
	return out
}

// ResetCalls zeroes the counters.
func (s *Server) ResetCalls() {
	s.calls.mu.Lock()
	defer s.calls.mu.Unlock()
	s.calls.reset()
}
