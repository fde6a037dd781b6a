package monitor

import (
	"maps"

	"github.com/opsd-dev/opsd/reconcile"
)

// Object is the kind of thing a change is made to.
type Object string

// The objects opsd changes.
const (
	ObjectAlarm        Object = "alarm"
	ObjectDashboard    Object = "dashboard"
	ObjectLogGroup     Object = "log-retention"
	ObjectMetricFilter Object = "metric-filter"
	ObjectSubscription Object = "event-subscription"
	ObjectTopic        Object = "delivery-logging"
	// ObjectParameter is the SSM parameter holding a platform's agent
	// configuration.
	ObjectParameter Object = "agent-parameter"
	// ObjectCommand is an SSM command installing or configuring the
	// CloudWatch agent on one instance.
	ObjectCommand Object = "agent-command"
	// ObjectNone is a report about a resource or a target: nothing is
	// changed.
	ObjectNone Object = ""
)

// Op is what a change does.
type Op string

// The operations.
const (
	OpCreate Op = "create"
	OpUpdate Op = "update"
	OpTag    Op = "tag"
	OpDelete Op = "delete"
	OpSet    Op = "set"
	OpEnable Op = "enable"
	OpSend   Op = "send"
	// OpReport changes nothing: it is a finding that needs a person.
	OpReport Op = "report"
)

// Change is one thing the plan would do in an account and region, or one
// finding it reports.
type Change struct {
	Object Object
	Op     Op
	// Name is what is changed: the alarm, dashboard, log group, filter,
	// subscription or topic, or for a report the resource it is about.
	Name string
	// Reason says why.
	Reason string
	// Details carry what would change: field differences, the resource
	// watched, the retention.
	Details map[string]string

	// What acting needs, by object.
	alarm        *Alarm             // ObjectAlarm create, update, tag (desired)
	tags         map[string]string  // ObjectAlarm tag: the tags to write
	body         string             // ObjectDashboard create, update
	retention    int32              // ObjectLogGroup
	shortens     bool               // ObjectLogGroup: the retention set deletes older events
	filter       *MetricFilter      // ObjectMetricFilter create, update (desired) and delete (observed)
	subscription *EventSubscription // ObjectSubscription create, update (desired)
	current      *EventSubscription // ObjectSubscription update (observed)
	attributes   []topicAttribute   // ObjectTopic
	value        string             // ObjectParameter create, update
	step         *agentStep         // ObjectCommand

	// err is the failure of acting on it; done says it was carried out.
	err  error
	done bool
}

// topicAttribute is one SNS topic attribute to set.
type topicAttribute struct{ name, value string }

// ActionName is the action's name in plans: "create-alarm",
// "update-dashboard", "report".
func (c *Change) ActionName() string {
	if c.Op == OpReport || c.Object == ObjectNone {
		return string(OpReport)
	}
	return string(c.Op) + "-" + string(c.Object)
}

// acts reports whether the change calls AWS.
func (c *Change) acts() bool { return c.Op != OpReport && c.Object != ObjectNone }

// action is the change as a reconcile action for account and region.
func (c *Change) action(mode reconcile.Mode, account, region string) reconcile.Action {
	a := reconcile.Action{
		Service:  ServiceName,
		Account:  account,
		Region:   region,
		Resource: c.Name,
		Action:   c.ActionName(),
		Reason:   c.Reason,
		Status:   reconcile.Planned,
		Details:  maps.Clone(c.Details),
	}
	switch {
	case !c.acts():
		a.Status = reconcile.Reported
	case mode == reconcile.Plan:
	case c.err != nil:
		a.Status, a.Error = reconcile.Failed, c.err.Error()
	case c.done:
		a.Status = reconcile.Done
	}
	return a
}

// report returns a report about name.
func report(name, reason string, details map[string]string) *Change {
	return &Change{Object: ObjectNone, Op: OpReport, Name: name, Reason: reason, Details: details}
}
