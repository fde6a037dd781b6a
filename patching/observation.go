package patching

import (
	"fmt"
	"time"
)

// EC2 instance states the service tells apart.
const (
	statePending  = "pending"
	stateRunning  = "running"
	stateStopping = "stopping"
	stateStopped  = "stopped"
)

// Instance is an EC2 instance that carries one of the service's tags.
type Instance struct {
	// Account and Region locate it.
	Account, Region string
	// ID is the instance id.
	ID string
	// State is its EC2 state name: pending, running, stopping, stopped.
	State string
	// Tags are its tags.
	Tags map[string]string
	// PlatformDetails is EC2's description of its platform ("Windows",
	// "Linux/UNIX").
	PlatformDetails string
}

// Name is the instance's Name tag, or "".
func (i Instance) Name() string { return i.Tags["Name"] }

// Managed is what SSM knows of an instance (DescribeInstanceInformation).
type Managed struct {
	// PingStatus is Online, ConnectionLost or Inactive.
	PingStatus string
	// PlatformType is Windows, Linux or MacOS.
	PlatformType string
	// PlatformName and PlatformVersion name the operating system
	// ("Ubuntu", "22.04").
	PlatformName, PlatformVersion string
}

// Platform is the instance's platform as far as patching goes.
func (m Managed) Platform() Platform { return platformOf(m.PlatformType, m.PlatformName) }

// Online reports whether SSM can run a command on the instance now.
func (m Managed) Online() bool { return m.PingStatus == "Online" }

// OS describes the operating system for people: "Ubuntu 22.04".
func (m Managed) OS() string {
	switch {
	case m.PlatformName != "" && m.PlatformVersion != "":
		return m.PlatformName + " " + m.PlatformVersion
	case m.PlatformName != "":
		return m.PlatformName
	}
	return m.PlatformType
}

// String describes the managed state: "Online, Ubuntu 22.04".
func (m Managed) String() string {
	if os := m.OS(); os != "" {
		return fmt.Sprintf("%s, %s", m.PingStatus, os)
	}
	return m.PingStatus
}

// Command is an SSM command opsd sent, read back with ListCommands.
type Command struct {
	// ID is the command id.
	ID string
	// Run is the run its Comment names.
	Run Run
	// First marks a first-wave install command.
	First bool
	// InstanceIDs are the instances it was sent to.
	InstanceIDs []string
	// Status is the command's overall status.
	Status string
	// Requested is when it was sent.
	Requested time.Time
}

// Covers reports whether the command was sent to the instance.
func (c Command) Covers(id string) bool {
	for _, x := range c.InstanceIDs {
		if x == id {
			return true
		}
	}
	return false
}

// Invocation is one instance's part of a command (ListCommandInvocations).
type Invocation struct {
	// InstanceID is the instance.
	InstanceID string
	// Status is the invocation's status: Pending, InProgress, Delayed,
	// Success, Cancelled, TimedOut, Failed or Cancelling.
	Status string
	// Details is its StatusDetails ("Undeliverable", ...).
	Details string
	// Step names the plugin (document step) that failed, or the last one.
	Step string
	// Output is that step's output (the first 2,500 characters, as SSM
	// keeps them).
	Output string
}

// terminalStatus reports whether a command or invocation status is final.
func terminalStatus(s string) bool {
	switch s {
	case "Success", "Failed", "Cancelled", "TimedOut":
		return true
	}
	return false
}

// Observation is what the service sees in one account and region.
type Observation struct {
	// Account and Region locate it.
	Account, Region string
	// Instances are the instances that carry one of the service's tags,
	// terminated ones left out.
	Instances []Instance
	// Managed is SSM's view of the instances it manages, by instance id.
	Managed map[string]Managed
	// Commands are opsd's commands (their Comment names a run) of the
	// runs that matter now.
	Commands []Command
	// Invocations are the commands' invocations that were read, by
	// command id and then instance id. A command without an entry was not
	// read.
	Invocations map[string]map[string]Invocation
	// PatchStates are the patch states read, by instance id.
	PatchStates map[string]PatchState
	// Rollout is what is known of the rings' gates and patch lists; nil
	// when the configuration has no rings.
	Rollout *Rollout
}
