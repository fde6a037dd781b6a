package faults

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Fault is what the proxy does to a call instead of, or besides,
// forwarding it.
type Fault int

const (
	// Throttle answers the service's own throttling error: EC2's 503
	// RequestLimitExceeded, 400 Throttling for other query services, 400
	// ThrottlingException for JSON services, S3's 503 SlowDown.
	Throttle Fault = iota + 1
	// InternalError answers 500 (InternalError for EC2 and S3,
	// InternalFailure elsewhere).
	InternalError
	// Unavailable answers 503 (Unavailable for EC2, ServiceUnavailable
	// elsewhere).
	Unavailable
	// Slow waits Rule.Delay, then forwards.
	Slow
	// ResetBefore resets the connection without forwarding: the call
	// never reached the emulator.
	ResetBefore
	// ResetAfter forwards the call and then resets the connection
	// instead of answering: the call took effect, the client saw a
	// failure and may retry it.
	ResetAfter
	// Deny answers an access-denied error (AccessDenied for STS and
	// query services, UnauthorizedOperation for EC2).
	Deny
	// Hang holds the call, unanswered, until the client gives up.
	Hang
	// Down is a call refused or reset during an outage (see
	// [Proxy.Down]); rules never inject it.
	Down
)

var faultNames = map[Fault]string{
	Throttle: "throttle", InternalError: "internal-error", Unavailable: "unavailable", Slow: "slow",
	ResetBefore: "reset-before", ResetAfter: "reset-after", Deny: "deny", Hang: "hang", Down: "down",
}

// String names the fault as figures and logs show it.
func (f Fault) String() string {
	if s, ok := faultNames[f]; ok {
		return s
	}
	return "fault(?)"
}

// Faults lists every fault kind, in a fixed order.
func Faults() []Fault {
	return []Fault{Throttle, InternalError, Unavailable, Slow, ResetBefore, ResetAfter, Deny, Hang, Down}
}

// Rule says which calls get a fault. Empty match fields match every call.
type Rule struct {
	Fault Fault
	// Operations the rule applies to ("StopInstances", "AssumeRole",
	// "PUT /bucket/key"); an entry ending in "*" matches every operation
	// it begins ("PUT /bucket/*"); empty for every operation.
	Operations []string
	// Service is the signing name ("ec2", "sts").
	Service string
	// Account and Region the call acts in.
	Account string
	Region  string
	// Skip lets the first Skip matching calls through untouched.
	Skip int
	// Times is how many calls the rule faults at most; 0 is no limit.
	Times int
	// Rate is the chance that a matching call starts the fault; 0
	// means every matching call.
	Rate float64
	// Burst makes a fault started by chance continue for this many
	// matching calls in all (a throttling burst); 0 or 1 is one call.
	Burst int
	// Delay is how long Slow waits before forwarding.
	Delay time.Duration
}

// matches reports whether c is a call the rule applies to.
func (r *Rule) matches(c Call) bool {
	switch {
	case len(r.Operations) > 0 && !slices.ContainsFunc(r.Operations, func(o string) bool { return operationMatches(o, c.Operation) }):
		return false
	case r.Service != "" && r.Service != c.Service:
		return false
	case r.Account != "" && r.Account != c.Account:
		return false
	case r.Region != "" && r.Region != c.Region:
		return false
	}
	return true
}

// ruleState is a rule and how far it has got.
type ruleState struct {
	Rule
	seen      int // matching calls so far
	fired     int // calls faulted so far
	burstLeft int // calls still to fault in the current burst
}

// fire decides whether the rule faults c, and advances its state.
func (s *ruleState) fire(c Call, rnd *rand.Rand) bool {
	if !s.matches(c) {
		return false
	}
	s.seen++
	if s.seen <= s.Skip || (s.Times > 0 && s.fired >= s.Times) {
		return false
	}
	if s.burstLeft > 0 {
		s.burstLeft--
		s.fired++
		return true
	}
	if s.Rate > 0 && rnd.Float64() >= s.Rate {
		return false
	}
	s.fired++
	if s.Burst > 1 {
		s.burstLeft = s.Burst - 1
	}
	return true
}

// operationMatches reports whether pattern names op: equal, or a prefix of
// it when pattern ends in "*".
func operationMatches(pattern, op string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(op, prefix)
	}
	return pattern == op
}
