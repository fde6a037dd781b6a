package monitor

import "time"

// Resource is one resource opsd may put alarms on, as observed.
type Resource struct {
	// Kind is the kind of resource.
	Kind Kind
	// ID identifies it within its kind, account and region, and is part
	// of its alarms' names: the instance id, DB identifier, REST API id,
	// load balancer name, canary name, topic name or queue name.
	ID string
	// Ref is written in its alarms' resource tag: the instance id, or
	// the resource's ARN.
	Ref string
	// Name is a display name when it has one (an instance's Name tag, a
	// REST API's name).
	Name string
	// Tags are its tags.
	Tags map[string]string

	// Windows is an EC2 instance running Windows.
	Windows bool
	// State is an EC2 instance's state (running, stopped…).
	State string
	// Group is the Auto Scaling group an EC2 instance belongs to (its
	// aws:autoscaling:groupName tag), empty for none.
	Group string
	// Engine is a DB instance's engine (postgres, mysql, aurora-postgresql…).
	Engine string
	// AllocatedGiB is a DB instance's allocated storage.
	AllocatedGiB int32
	// Dimension is a load balancer's LoadBalancer dimension value
	// (app/name/id).
	Dimension string
	// GroupMetrics says an Auto Scaling group publishes its group metrics
	// (GroupInServiceInstances, GroupDesiredCapacity).
	GroupMetrics bool
	// TimeoutSeconds is a Lambda function's timeout.
	TimeoutSeconds int32
	// Cluster and Service are an ECS service's cluster and service names;
	// ContainerInsights says the cluster publishes Container Insights
	// (RunningTaskCount, DesiredTaskCount).
	Cluster, Service  string
	ContainerInsights bool
	// SQSSubscriptions is how many SQS queues an SNS topic delivers to.
	SQSSubscriptions int
	// FailureFeedbackRole and SuccessFeedbackRole are an SNS topic's
	// delivery status logging roles for SQS (empty when off).
	FailureFeedbackRole, SuccessFeedbackRole string
}

// Metric is one metric CloudWatch lists: a namespace, name and exact
// dimension set.
type Metric struct {
	// Namespace is the metric's namespace.
	Namespace string
	// Name is the metric's name.
	Name string
	// Dimensions are its dimensions, all of them.
	Dimensions []Dimension
}

// LogGroup is one CloudWatch Logs log group.
type LogGroup struct {
	// Name is the log group's name.
	Name string
	// ARN is the log group's ARN, without the ":*" suffix.
	ARN string
	// RetentionDays is 0 when events never expire.
	RetentionDays int32
	// Class is the log group class (STANDARD, INFREQUENT_ACCESS,
	// DELIVERY).
	Class string
	// Tags are its tags; read only for log groups outside the retention
	// policy.
	Tags map[string]string
}

// MetricFilter is one CloudWatch Logs metric filter.
type MetricFilter struct {
	// LogGroup is the log group it filters.
	LogGroup string
	// Name is the filter's name.
	Name string
	// Pattern is its filter pattern.
	Pattern string
	// Namespace, MetricName and Value say what it publishes per matching
	// event.
	Namespace  string
	MetricName string
	Value      string
}

// EventSubscription is an RDS event subscription.
type EventSubscription struct {
	// Name is the subscription's name (CustSubscriptionId).
	Name string
	// TopicARN is the SNS topic events are sent to.
	TopicARN string
	// SourceType is the kind of source (db-instance).
	SourceType string
	// Categories are the event categories sent.
	Categories []string
	// SourceIDs are the sources whose events are sent.
	SourceIDs []string
	// Enabled says events are sent.
	Enabled bool
}

// DashboardState is one CloudWatch dashboard as observed.
type DashboardState struct {
	// Name is the dashboard's name.
	Name string
	// Body is its JSON body.
	Body string
}

// Observation is what one account and region holds. Each part says
// whether it was read completely: what opsd manages is deleted only on the
// evidence of a complete read.
type Observation struct {
	// Account and Region are where it was read.
	Account string
	Region  string
	// Now is when, and Location the daemon's timezone: a mute-until tag
	// is read against them.
	Now      time.Time
	Location *time.Location

	// Resources are every resource of the kinds read, watched or not.
	Resources []*Resource
	// Listed are the kinds whose resources were all read.
	Listed map[Kind]bool

	// Metrics are the CloudWatch agent's and EC2's EBS I/O metrics as
	// listed (their dimension sets), and MetricsListed says the list is
	// complete.
	Metrics       []Metric
	MetricsListed bool

	// Alarms are the metric alarms whose names start with opsd's prefix,
	// with their tags.
	Alarms       []Alarm
	AlarmsListed bool

	// Dashboards are the dashboards whose names start with opsd's prefix.
	Dashboards       []DashboardState
	DashboardsListed bool

	// LogGroups are every log group.
	LogGroups       []LogGroup
	LogGroupsListed bool

	// Filters are opsd's metric filters on RDS PostgreSQL log groups.
	Filters       []MetricFilter
	FiltersListed bool

	// Subscription is the RDS event subscription named in the
	// configuration, nil when there is none.
	Subscription       *EventSubscription
	SubscriptionListed bool

	// Parameters are the agent configuration parameters that exist, by
	// name (monitor.agent.install only).
	Parameters       map[string]Parameter
	ParametersListed bool
	// Managed is SSM's PingStatus of each managed EC2 instance, by id.
	Managed       map[string]string
	ManagedListed bool
	// AgentCommands are opsd's agent install and configure commands, with
	// their invocations.
	AgentCommands  []AgentCommand
	CommandsListed bool
}

// Parameter is an SSM parameter as observed.
type Parameter struct {
	// Name is the parameter's name.
	Name string
	// Value is its value.
	Value string
	// Tags are its tags.
	Tags map[string]string
}

// AgentCommand is one of opsd's SSM commands installing or configuring the
// CloudWatch agent.
type AgentCommand struct {
	// ID is the command id.
	ID string
	// Document is the SSM document run.
	Document string
	// Comment names the run (see [agentComment]).
	Comment string
	// InstanceIDs are the instances it was sent to.
	InstanceIDs []string
	// Requested is when it was sent.
	Requested time.Time
	// Invocations are its invocations by instance id, with their status
	// and output; nil when they were not read.
	Invocations map[string]Invocation
}

// Invocation is a command's run on one instance.
type Invocation struct {
	// Status is the invocation's status: Pending, InProgress, Success,
	// Failed, TimedOut, Cancelled…
	Status string
	// Output is the output of the step that failed, or the last step's.
	Output string
}
