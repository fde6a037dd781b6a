package shutdown

import (
	"time"
)

// Kind is a kind of resource the service stops and starts.
type Kind string

// The kinds of resource.
const (
	KindEC2         Kind = "ec2"
	KindASG         Kind = "asg"
	KindRDSInstance Kind = "rds-instance"
	KindRDSCluster  Kind = "rds-cluster"
	KindECSService  Kind = "ecs-service"
)

// State is a resource's observed state, reduced to what deciding needs.
type State string

// The states. An Auto Scaling group is running when its desired capacity
// is above zero and stopped at zero; anything between is Pending.
const (
	StateRunning  State = "running"
	StateStopped  State = "stopped"
	StateStopping State = "stopping"
	StatePending  State = "pending"
	// StateOther is every other state (terminated, maintenance, ...): never
	// acted on.
	StateOther State = "other"
)

// Observation is one resource as observed.
type Observation struct {
	Kind    Kind
	ID      string
	Account string
	Region  string
	State   State
	// Tags are the resource's tags, opsd's marker tags included. As
	// observed from AWS they are only the tags opsd reads: its configured
	// keys, Name, and keys that differ from a shutdown key only in case.
	Tags map[string]string
	// StartedAt is when the resource was last started, when the API says
	// (an EC2 instance's launch time); zero when unknown. It tells a start
	// by someone else from opsd's own when opsd did not see it happen.
	StartedAt time.Time
	// Skip, when set, says why the resource is never acted on by itself:
	// it is handled through another (a member of an Auto Scaling group, an
	// instance of an Aurora cluster). It is not reported.
	Skip string
	// Unsupported, when set, says why AWS cannot stop the resource (a read
	// replica, ...). When its tags ask for shutdown, that is reported.
	Unsupported string
}
