package shutdown

import (
	"fmt"
	"strconv"
	"strings"
)

// resource is one observed resource: the [Observation] the planner decides
// on and what acting on it needs besides.
type resource struct {
	Observation
	// ARN names an RDS instance or cluster, or an ECS service, for
	// tagging.
	ARN string
	// Cluster and Service name an ECS service; Scaled is set when
	// Application Auto Scaling scales its task count (Capacity's min and
	// max are then the scalable target's).
	Cluster, Service string
	Scaled           bool
	// Hibernation is set for an EC2 instance launched with hibernation
	// configured.
	Hibernation bool
	// StateReason is an EC2 instance's state reason, "code: message".
	StateReason string
	// Capacity is an Auto Scaling group's current capacity, or an ECS
	// service's desired count (with its scalable target's min and max).
	Capacity Capacity
}

// Capacity is an Auto Scaling group's minimum, maximum and desired
// capacity. opsd saves it in the asg_capacity tag
// (opsd:shutdown:asg-capacity) as "min=1,max=3,desired=2" before scaling
// the group to zero, and restores it from there.
type Capacity struct {
	Min, Max, Desired int32
}

// String is the tag value, "min=1,max=3,desired=2".
func (c Capacity) String() string {
	return fmt.Sprintf("min=%d,max=%d,desired=%d", c.Min, c.Max, c.Desired)
}

// ParseCapacity reads a value written by [Capacity.String].
func ParseCapacity(s string) (Capacity, error) {
	var c Capacity
	seen := map[string]bool{}
	for _, part := range strings.Split(strings.TrimSpace(s), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Capacity{}, fmt.Errorf("capacity %q: %q is not key=value", s, part)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
		if err != nil || n < 0 {
			return Capacity{}, fmt.Errorf("capacity %q: %s=%q is not a count", s, k, v)
		}
		switch k = strings.TrimSpace(k); k {
		case "min":
			c.Min = int32(n)
		case "max":
			c.Max = int32(n)
		case "desired":
			c.Desired = int32(n)
		default:
			return Capacity{}, fmt.Errorf("capacity %q: unknown key %q", s, k)
		}
		seen[k] = true
	}
	if !seen["min"] || !seen["max"] || !seen["desired"] {
		return Capacity{}, fmt.Errorf("capacity %q: want min, max and desired", s)
	}
	if c.Min > c.Desired || c.Desired > c.Max {
		return Capacity{}, fmt.Errorf("capacity %q: want min <= desired <= max", s)
	}
	return c, nil
}
