// Package events reads the AWS events opsd reacts to: EventBridge events
// (tag changes, EC2 instance state changes, CloudTrail API calls) that the
// member accounts' rules forward to the hub's bus and the bus to an SQS
// queue. Each event is reduced to the resource it names and the services
// that resource concerns; the daemon runs those services soon after,
// coalescing a burst into one run each. The scheduled reconciles stay as
// the backstop for what events miss.
package events

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The services an event may concern, by their configuration keys.
const (
	Shutdown = "shutdown"
	Patching = "patching"
	Backup   = "backup"
	Monitor  = "monitor"
	DLQ      = "dlq"
	Certs    = "certs"
)

// Event is one EventBridge event reduced to what opsd acts on.
type Event struct {
	// ID is the event's id, for dropping duplicates.
	ID string
	// Source and DetailType are the event's, e.g. aws.tag and "Tag Change
	// on Resource".
	Source, DetailType string
	// Account and Region are where the resource is.
	Account, Region string
	// Resource is the resource's id (an instance id, a DB identifier, a
	// group name) or, where opsd knows it by ARN, its ARN; Kind says what
	// it is ("ec2", "rds", "asg", ...).
	Resource, Kind string
	// Services are the opsd services the resource concerns, in a fixed
	// order.
	Services []string
	// Ignored says why opsd does nothing with the event ("opsd's own
	// change"); empty when it acts on it.
	Ignored string
}

// envelope is an EventBridge event as delivered.
type envelope struct {
	ID         string          `json:"id"`
	Source     string          `json:"source"`
	DetailType string          `json:"detail-type"`
	Account    string          `json:"account"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// Options are what Parse needs besides the event.
type Options struct {
	// IgnorePrincipals are substrings of a CloudTrail caller's ARN whose
	// calls are opsd's own.
	IgnorePrincipals []string
	// OwnTagPrefix starts the tag keys opsd writes ("opsd:"): a tag change
	// that touches only such keys is opsd's own.
	OwnTagPrefix string
}

// Parse reads one event. An event of a kind opsd does not react to is an
// error naming its source and detail type; one opsd reads but does
// nothing with (its own change) comes back with Ignored set.
func Parse(data []byte, opts Options) (Event, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return Event{}, fmt.Errorf("read event: %w", err)
	}
	if env.ID == "" || env.Source == "" || env.DetailType == "" {
		return Event{}, fmt.Errorf("read event: not an EventBridge event (id, source and detail-type are required)")
	}
	ev := Event{ID: env.ID, Source: env.Source, DetailType: env.DetailType, Account: env.Account, Region: env.Region}
	var err error
	switch {
	case env.Source == "aws.tag" && env.DetailType == "Tag Change on Resource":
		err = ev.tagChange(env, opts)
	case env.Source == "aws.ec2" && env.DetailType == "EC2 Instance State-change Notification":
		err = ev.stateChange(env)
	case env.DetailType == "AWS API Call via CloudTrail":
		err = ev.apiCall(env, opts)
	default:
		return Event{}, fmt.Errorf("read event %s: opsd does not react to %s %q", env.ID, env.Source, env.DetailType)
	}
	if err != nil {
		return Event{}, fmt.Errorf("read event %s (%s %q): %w", env.ID, env.Source, env.DetailType, err)
	}
	return ev, nil
}

// concerns are the services a kind of resource concerns.
var concerns = map[string][]string{
	"ec2":   {Shutdown, Patching, Backup, Monitor},
	"rds":   {Shutdown, Backup, Monitor},
	"asg":   {Shutdown, Monitor},
	"ecs":   {Shutdown, Monitor},
	"table": {Backup},
	"efs":   {Backup},
	"sqs":   {DLQ, Monitor},
	"acm":   {Certs},
}

func (ev *Event) set(kind, resource string) {
	ev.Kind, ev.Resource = kind, resource
	ev.Services = slices.Clone(concerns[kind])
}

// tagChange: aws.tag "Tag Change on Resource", detail {service,
// resource-type, changed-tag-keys, tags}, resources [ARN].
func (ev *Event) tagChange(env envelope, opts Options) error {
	var d struct {
		Service      string   `json:"service"`
		ResourceType string   `json:"resource-type"`
		Changed      []string `json:"changed-tag-keys"`
	}
	if err := json.Unmarshal(env.Detail, &d); err != nil {
		return fmt.Errorf("read detail: %w", err)
	}
	if len(env.Resources) == 0 {
		return fmt.Errorf("no resource named")
	}
	arn := env.Resources[0]
	last := arn[strings.LastIndexAny(arn, "/:")+1:]
	switch d.Service + "/" + d.ResourceType {
	case "ec2/instance":
		ev.set("ec2", last)
	case "rds/db", "rds/cluster":
		ev.set("rds", last)
	case "dynamodb/table":
		ev.set("table", arn)
	case "elasticfilesystem/file-system":
		ev.set("efs", last)
	case "sqs/queue":
		ev.set("sqs", arn)
	case "acm/certificate":
		ev.set("acm", arn)
	case "ecs/service":
		ev.set("ecs", arn)
	default:
		return fmt.Errorf("tags of %s %s are not read by opsd", d.Service, d.ResourceType)
	}
	if own(d.Changed, opts.OwnTagPrefix) {
		ev.Ignored = "only opsd's own tags changed (" + strings.Join(d.Changed, ", ") + ")"
	}
	return nil
}

// own reports whether every changed key is one opsd writes.
func own(keys []string, prefix string) bool {
	if prefix == "" || len(keys) == 0 {
		return false
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
	}
	return true
}

// stateChange: aws.ec2 "EC2 Instance State-change Notification", detail
// {instance-id, state}. Only running and stopped matter: the shutdown
// service's decisions, and its alarms coming back on, follow them.
func (ev *Event) stateChange(env envelope) error {
	var d struct {
		InstanceID string `json:"instance-id"`
		State      string `json:"state"`
	}
	if err := json.Unmarshal(env.Detail, &d); err != nil {
		return fmt.Errorf("read detail: %w", err)
	}
	if d.InstanceID == "" {
		return fmt.Errorf("no instance-id")
	}
	ev.Kind, ev.Resource = "ec2", d.InstanceID
	switch d.State {
	case "running", "stopped":
		ev.Services = []string{Shutdown, Patching}
	default:
		ev.Ignored = "instance state " + d.State + " is a transition"
	}
	return nil
}

// apiCall: "AWS API Call via CloudTrail", for what has no tag event: Auto
// Scaling group tags, instances launched with tags, AWS Backup plans and
// vaults, CloudWatch alarms, log retention.
func (ev *Event) apiCall(env envelope, opts Options) error {
	var d struct {
		EventSource  string `json:"eventSource"`
		EventName    string `json:"eventName"`
		UserIdentity struct {
			ARN string `json:"arn"`
		} `json:"userIdentity"`
		RequestParameters  json.RawMessage `json:"requestParameters"`
		ResponseElements   json.RawMessage `json:"responseElements"`
		RecipientAccountID string          `json:"recipientAccountId"`
		AWSRegion          string          `json:"awsRegion"`
	}
	if err := json.Unmarshal(env.Detail, &d); err != nil {
		return fmt.Errorf("read detail: %w", err)
	}
	if d.RecipientAccountID != "" {
		ev.Account = d.RecipientAccountID
	}
	if d.AWSRegion != "" {
		ev.Region = d.AWSRegion
	}
	switch d.EventSource + " " + d.EventName {
	case "autoscaling.amazonaws.com CreateOrUpdateTags", "autoscaling.amazonaws.com DeleteTags":
		var p struct {
			Tags []struct {
				ResourceID string `json:"resourceId"`
			} `json:"tags"`
		}
		_ = json.Unmarshal(d.RequestParameters, &p)
		if len(p.Tags) == 0 || p.Tags[0].ResourceID == "" {
			return fmt.Errorf("%s names no group", d.EventName)
		}
		ev.set("asg", p.Tags[0].ResourceID)
	case "ec2.amazonaws.com RunInstances":
		var r struct {
			InstancesSet struct {
				Items []struct {
					InstanceID string `json:"instanceId"`
				} `json:"items"`
			} `json:"instancesSet"`
		}
		_ = json.Unmarshal(d.ResponseElements, &r)
		if len(r.InstancesSet.Items) == 0 {
			return fmt.Errorf("RunInstances launched no instance")
		}
		ev.set("ec2", r.InstancesSet.Items[0].InstanceID)
	case "backup.amazonaws.com CreateBackupPlan", "backup.amazonaws.com UpdateBackupPlan", "backup.amazonaws.com DeleteBackupPlan",
		"backup.amazonaws.com CreateBackupSelection", "backup.amazonaws.com DeleteBackupSelection",
		"backup.amazonaws.com PutBackupVaultLockConfiguration", "backup.amazonaws.com DeleteBackupVaultLockConfiguration":
		ev.Kind, ev.Resource, ev.Services = "backup", d.EventName, []string{Backup}
	case "monitoring.amazonaws.com PutMetricAlarm", "monitoring.amazonaws.com DeleteAlarms":
		ev.Kind, ev.Resource, ev.Services = "alarm", d.EventName, []string{Monitor}
	case "logs.amazonaws.com PutRetentionPolicy", "logs.amazonaws.com DeleteRetentionPolicy":
		ev.Kind, ev.Resource, ev.Services = "log-group", d.EventName, []string{Monitor}
	default:
		return fmt.Errorf("opsd does not react to %s %s", d.EventSource, d.EventName)
	}
	for _, p := range opts.IgnorePrincipals {
		if p != "" && strings.Contains(d.UserIdentity.ARN, p) {
			ev.Ignored = "opsd's own call (" + d.UserIdentity.ARN + ")"
		}
	}
	return nil
}
