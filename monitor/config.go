package monitor

import "time"

// Config is the monitor: section of opsd's configuration.
//
//	monitor:
//	  enabled: false                 # the service is off until enabled
//	  schedule: "*/15 * * * *"       # cron for the reconcile job
//	  timeout: 10m                   # bound on one reconcile
//	  alarm_topics: []               # SNS topic ARNs for every alarm's AlarmActions and OKActions (and the RDS event
//	                                 # subscription); {account} and {region} are replaced per target, e.g.
//	                                 # arn:aws:sns:{region}:{account}:ops-alerts. Empty: alarms are made without
//	                                 # actions and each account/region reports it; no RDS event subscription.
//	  scope:
//	    kinds: [ec2, rds, api, alb, canary, sns, dlq, asg, lambda, ecs]   # the kinds of resource watched at all;
//	                                 # with asg, a group's members get no per-instance alarms
//	    by: [environment, tag]       # what brings ec2, rds, alb, asg, lambda and ecs into scope: environment, tag, or both
//	    environments: [production, prod]   # environment tag values in scope (case-insensitive)
//	    every: [api, canary, sns, dlq]     # kinds watched in every environment, tagged or not
//	  tags:                          # tag keys (case-sensitive)
//	    environment: Environment
//	    application: Application     # one dashboard per value
//	    monitor: opsd:monitor        # true opts in, false opts out (any kind)
//	    override_prefix: "opsd:monitor:"   # opsd:monitor:cpu=90 overrides a threshold, opsd:monitor:cpu=off drops the alarm
//	    mute_until: opsd:monitor:mute-until   # set by people: alarms send nothing until this time (RFC 3339)
//	    shutdown_marker: opsd:shutdown:last-action   # written by the shutdown service; stop or stopping: its alarm actions are shutdown's to turn back on
//	    log_retention: opsd:log-retention  # on a log group: exempt = retention left alone; shorten = may be shortened
//	    managed: opsd:managed        # written by opsd on its alarms (true); nothing without it is ever changed
//	    resource: opsd:resource      # written by opsd on its alarms: the id or ARN watched
//	    shutdown: [OOOShutdown, OutOfHoursShutdown, WeekendShutdown, opsd:schedule]   # any present (and not false):
//	                                 # stopped out of hours, so silent metrics must not alarm
//	  alarms:                        # per kind and metric: enabled, threshold, period, evaluation_periods,
//	                                 # datapoints_to_alarm (0 = evaluation_periods)
//	    ec2:
//	      status:  {enabled: true, threshold: 1,  period: 1m, evaluation_periods: 2}   # StatusCheckFailed >= 1
//	      cpu:     {enabled: true, threshold: 80, period: 5m, evaluation_periods: 3}   # CPUUtilization % >
//	      memory:  {enabled: true, threshold: 90, period: 5m, evaluation_periods: 3}   # agent memory % in use >
//	      disk:    {enabled: true, threshold: 85, period: 5m, evaluation_periods: 2}   # agent disk % used > (Windows: % free < 100-threshold)
//	      diskio:  {enabled: true, threshold: 20, period: 5m, evaluation_periods: 3}   # EBSIOBalance% <
//	    rds:
//	      cpu:     {enabled: true, threshold: 80,  period: 5m, evaluation_periods: 3}  # CPUUtilization % >
//	      storage: {enabled: true, threshold: 10,  period: 5m, evaluation_periods: 1}  # FreeStorageSpace < % of allocated storage
//	      memory:  {enabled: true, threshold: 256, period: 5m, evaluation_periods: 3}  # FreeableMemory < MiB
//	      logins:  {enabled: true, threshold: 5,   period: 5m, evaluation_periods: 1}  # PostgreSQL login failures >= per period
//	    api:
//	      5xx:     {enabled: true, threshold: 0,   period: 5m, evaluation_periods: 1}  # 5XXError count >
//	    alb:
//	      5xx:     {enabled: true, threshold: 0,   period: 5m, evaluation_periods: 1}  # target + load balancer 5xx count >
//	    canary:
//	      success: {enabled: true, threshold: 100, period: 5m, evaluation_periods: 1}  # SuccessPercent <
//	    sns:
//	      failed:  {enabled: true, threshold: 0,   period: 5m, evaluation_periods: 1}  # NumberOfNotificationsFailed >
//	    dlq:
//	      messages: {enabled: true, threshold: 0,  period: 5m, evaluation_periods: 1}  # ApproximateNumberOfMessagesVisible >
//	    asg:
//	      capacity: {enabled: true, threshold: 0,  period: 5m, evaluation_periods: 3}  # desired - in-service instances >
//	      cpu:      {enabled: true, threshold: 80, period: 5m, evaluation_periods: 3}  # CPUUtilization % by AutoScalingGroupName >
//	    lambda:
//	      errors:    {enabled: true, threshold: 0,  period: 5m, evaluation_periods: 1} # Errors >
//	      throttles: {enabled: true, threshold: 0,  period: 5m, evaluation_periods: 1} # Throttles >
//	      duration:  {enabled: true, threshold: 80, period: 5m, evaluation_periods: 3} # Duration p99 > % of the timeout
//	    ecs:
//	      running: {enabled: true, threshold: 0,  period: 1m, evaluation_periods: 5}   # desired - running tasks > (Container Insights)
//	      cpu:     {enabled: true, threshold: 80, period: 5m, evaluation_periods: 3}   # CPUUtilization % >
//	      memory:  {enabled: true, threshold: 80, period: 5m, evaluation_periods: 3}   # MemoryUtilization % >
//	  agent:                         # the CloudWatch agent's metrics (memory and disk)
//	    namespace: CWAgent
//	    dimensions: [InstanceId]     # the agent's append_dimensions keys; preferred when an instance publishes several sets
//	    linux_disk_path: /           # disk_used_percent is alarmed for this mount point only
//	    windows_disk: "C:"           # LogicalDisk % Free Space is alarmed for this drive only
//	    install:                     # the agent put in place through SSM on watched, SSM-managed instances
//	      enabled: false             # true: keep the configuration in SSM parameter AmazonCloudWatch-opsd-<platform>,
//	                                 # send AWS-ConfigureAWSPackage (install) then AmazonCloudWatch-ManageAgent
//	                                 # (configure from that parameter) to instances publishing no agent metrics
//	      platforms: [windows, linux]
//	      max_concurrency: "10%"     # the commands' rate controls
//	      max_errors: "10%"
//	      metrics_within: 30m        # an instance configured this long ago without metrics is reported, with the output
//	      follow: 2m                 # how long a reconcile waits for an install to finish before configuring
//	  rds_events:                    # one RDS event subscription per account and region, to the first alarm topic
//	    enabled: true
//	    name: opsd-rds-events
//	    categories: [availability, failure, failover, low storage]
//	  login_failures:                # metric filter on each exported PostgreSQL log group
//	    namespace: opsd/RDS
//	    pattern: '"password authentication failed"'
//	  delivery_logging:              # SNS delivery status logging for topics with SQS subscriptions
//	    enabled: true
//	    role_arn: ""                 # IAM role SNS writes delivery status logs with; empty: such topics are reported
//	    success_sample_rate: 0       # percent of successful deliveries logged (failures are always logged)
//	  dashboards:
//	    enabled: true                # one dashboard per Application tag value and region: opsd-<Application>-<region>
//	  log_retention:
//	    enabled: true
//	    days: 180                    # set on log groups whose retention is outside min_days..max_days
//	    min_days: 180                # 6 months; a shorter retention is lengthened (nothing is deleted)
//	    max_days: 240                # 8 months
//	    shorten: false               # true: log groups keeping events forever or longer than max_days are set to
//	                                 # days everywhere, deleting older events; false: only where opted in below
//	    shorten_prefixes: []         # log group name prefixes where shortening is allowed even when shorten is false
//	    shorten_value: shorten       # value of tags.log_retention that allows shortening one log group
//	    exempt_value: exempt         # value of tags.log_retention that exempts a log group
type Config struct {
	// Enabled turns the service on.
	Enabled bool `koanf:"enabled"`
	// Schedule is the cron expression the reconcile job runs on. The
	// config package checks it, with every other job's.
	Schedule string `koanf:"schedule"`
	// Timeout bounds one reconcile.
	Timeout time.Duration `koanf:"timeout"`
	// AlarmTopics are the SNS topic ARNs every alarm notifies on entering
	// ALARM and OK. "{account}" and "{region}" in an ARN are replaced by
	// the target's. A topic in another region than the alarm's is left
	// out and reported: CloudWatch accepts only same-region topics.
	AlarmTopics []string `koanf:"alarm_topics"`
	// Scope says which resources are watched.
	Scope Scope `koanf:"scope"`
	// Tags are the tag keys read and written.
	Tags TagKeys `koanf:"tags"`
	// Alarms are the settings of each alarm, by kind and metric.
	Alarms Alarms `koanf:"alarms"`
	// Agent describes the CloudWatch agent's metrics.
	Agent Agent `koanf:"agent"`
	// RDSEvents is the RDS event subscription for status changes.
	RDSEvents RDSEvents `koanf:"rds_events"`
	// LoginFailures is the metric filter counting PostgreSQL login
	// failures.
	LoginFailures LoginFailures `koanf:"login_failures"`
	// DeliveryLogging is SNS delivery status logging for SQS subscriptions.
	DeliveryLogging DeliveryLogging `koanf:"delivery_logging"`
	// Dashboards are the per-application dashboards.
	Dashboards Dashboards `koanf:"dashboards"`
	// LogRetention is the CloudWatch Logs retention policy.
	LogRetention LogRetention `koanf:"log_retention"`
}

// Scope says which resources get alarms.
//
// A resource of a kind in Every is watched in every environment. Any
// other (EC2 instances, DB instances and load balancers by default) is
// watched when By allows it: "environment" when its environment tag is
// one of Environments, "tag" when it carries the monitor tag set to true.
// The monitor tag set to false opts any resource out, whatever its kind.
type Scope struct {
	// Kinds are the kinds of resource watched at all.
	Kinds []string `koanf:"kinds"`
	// By lists what brings a resource of a scoped kind into scope:
	// "environment", "tag" or both.
	By []string `koanf:"by"`
	// Environments are the environment tag values in scope, compared
	// case-insensitively.
	Environments []string `koanf:"environments"`
	// Every lists the kinds watched in every environment.
	Every []string `koanf:"every"`
}

// TagKeys are the tag keys the service reads and writes. Keys are
// case-sensitive.
type TagKeys struct {
	// Environment holds the resource's environment.
	Environment string `koanf:"environment"`
	// Application names the application; one dashboard per value.
	Application string `koanf:"application"`
	// Monitor opts a resource in with "true" and out with "false".
	Monitor string `koanf:"monitor"`
	// OverridePrefix starts per-metric tags: <prefix><metric>=<number>
	// overrides the threshold, <prefix><metric>=off drops the alarm.
	OverridePrefix string `koanf:"override_prefix"`
	// LogRetention on a log group exempts it from the retention policy
	// when its value is LogRetention.ExemptValue, and allows shortening its
	// retention when its value is LogRetention.ShortenValue.
	LogRetention string `koanf:"log_retention"`
	// Managed is written by opsd on every alarm it manages, value "true".
	// An alarm without it is never changed or deleted.
	Managed string `koanf:"managed"`
	// Resource is written by opsd on every alarm it manages: the id or
	// ARN of the resource watched.
	Resource string `koanf:"resource"`
	// Shutdown are the overnight shutdown tags. A resource carrying any of
	// them (with a value other than false) is stopped out of hours, so its
	// alarms treat missing data as not breaching.
	Shutdown []string `koanf:"shutdown"`
	// MuteUntil is set by people: an RFC 3339 time until which the
	// resource's alarms keep their state but send nothing (actions
	// disabled). Once passed, the actions come back.
	MuteUntil string `koanf:"mute_until"`
	// ShutdownMarker is the shutdown service's last-action tag
	// (shutdown.tags.last_action). While it says stop or stopping, the
	// shutdown service has turned the resource's alarm actions off for
	// the night and turns them back on once it runs and is healthy:
	// monitor leaves their actions as they are.
	ShutdownMarker string `koanf:"shutdown_marker"`
}

// AlarmSpec is how one alarm is built.
type AlarmSpec struct {
	// Enabled makes the alarm.
	Enabled bool `koanf:"enabled"`
	// Threshold is compared with the metric; its unit is the metric's
	// (see Config).
	Threshold float64 `koanf:"threshold"`
	// Period is the length of one evaluation period: a whole number of
	// minutes.
	Period time.Duration `koanf:"period"`
	// EvaluationPeriods is how many periods are evaluated.
	EvaluationPeriods int `koanf:"evaluation_periods"`
	// DatapointsToAlarm is how many of them must breach; 0 means all.
	DatapointsToAlarm int `koanf:"datapoints_to_alarm"`
}

// Alarms are the alarm settings of every kind.
type Alarms struct {
	// EC2 are an EC2 instance's alarms.
	EC2 EC2Alarms `koanf:"ec2"`
	// RDS are a DB instance's alarms.
	RDS RDSAlarms `koanf:"rds"`
	// API are a REST API's alarms.
	API APIAlarms `koanf:"api"`
	// ALB are an Application Load Balancer's alarms.
	ALB ALBAlarms `koanf:"alb"`
	// Canary are a Synthetics canary's alarms.
	Canary CanaryAlarms `koanf:"canary"`
	// SNS are an SNS topic's alarms.
	SNS SNSAlarms `koanf:"sns"`
	// DLQ are a dead-letter queue's alarms.
	DLQ DLQAlarms `koanf:"dlq"`
	// ASG are an Auto Scaling group's alarms.
	ASG ASGAlarms `koanf:"asg"`
	// Lambda are a Lambda function's alarms.
	Lambda LambdaAlarms `koanf:"lambda"`
	// ECS are an ECS service's alarms.
	ECS ECSAlarms `koanf:"ecs"`
}

// ASGAlarms are an Auto Scaling group's alarms.
type ASGAlarms struct {
	// Capacity is GroupDesiredCapacity - GroupInServiceInstances (count):
	// in-service instances below desired by more than the threshold.
	Capacity AlarmSpec `koanf:"capacity"`
	// CPU is CPUUtilization of the group's instances (percent).
	CPU AlarmSpec `koanf:"cpu"`
}

// LambdaAlarms are a Lambda function's alarms.
type LambdaAlarms struct {
	// Errors is Errors (count).
	Errors AlarmSpec `koanf:"errors"`
	// Throttles is Throttles (count).
	Throttles AlarmSpec `koanf:"throttles"`
	// Duration is Duration p99 (percent of the function's timeout).
	Duration AlarmSpec `koanf:"duration"`
}

// ECSAlarms are an ECS service's alarms.
type ECSAlarms struct {
	// Running is DesiredTaskCount - RunningTaskCount (count, Container
	// Insights): running tasks below desired by more than the threshold.
	Running AlarmSpec `koanf:"running"`
	// CPU is CPUUtilization (percent of the service's reservation).
	CPU AlarmSpec `koanf:"cpu"`
	// Memory is MemoryUtilization (percent of the service's reservation).
	Memory AlarmSpec `koanf:"memory"`
}

// EC2Alarms are an EC2 instance's alarms.
type EC2Alarms struct {
	// Status is StatusCheckFailed (count).
	Status AlarmSpec `koanf:"status"`
	// CPU is CPUUtilization (percent).
	CPU AlarmSpec `koanf:"cpu"`
	// Memory is the agent's memory in use (percent).
	Memory AlarmSpec `koanf:"memory"`
	// Disk is the agent's disk space used (percent).
	Disk AlarmSpec `koanf:"disk"`
	// DiskIO is EBSIOBalance% (percent of burst balance left).
	DiskIO AlarmSpec `koanf:"diskio"`
}

// RDSAlarms are a DB instance's alarms.
type RDSAlarms struct {
	// CPU is CPUUtilization (percent).
	CPU AlarmSpec `koanf:"cpu"`
	// Storage is FreeStorageSpace (percent of allocated storage).
	Storage AlarmSpec `koanf:"storage"`
	// Memory is FreeableMemory (MiB).
	Memory AlarmSpec `koanf:"memory"`
	// Logins is PostgreSQL login failures (count per period).
	Logins AlarmSpec `koanf:"logins"`
}

// APIAlarms are an API Gateway REST API's alarms.
type APIAlarms struct {
	// FiveXX is 5XXError (count).
	FiveXX AlarmSpec `koanf:"5xx"`
}

// ALBAlarms are an Application Load Balancer's alarms.
type ALBAlarms struct {
	// FiveXX is HTTPCode_Target_5XX_Count + HTTPCode_ELB_5XX_Count.
	FiveXX AlarmSpec `koanf:"5xx"`
}

// CanaryAlarms are a Synthetics canary's alarms.
type CanaryAlarms struct {
	// Success is SuccessPercent (percent).
	Success AlarmSpec `koanf:"success"`
}

// SNSAlarms are an SNS topic's alarms.
type SNSAlarms struct {
	// Failed is NumberOfNotificationsFailed (count).
	Failed AlarmSpec `koanf:"failed"`
}

// DLQAlarms are a dead-letter queue's alarms.
type DLQAlarms struct {
	// Messages is ApproximateNumberOfMessagesVisible (count).
	Messages AlarmSpec `koanf:"messages"`
}

// Agent describes the CloudWatch agent's metrics on EC2 instances. opsd
// alarms on the metrics an instance's agent really publishes: it lists
// them (ListMetrics) and uses their exact dimensions.
type Agent struct {
	// Namespace is the agent's metrics namespace.
	Namespace string `koanf:"namespace"`
	// Dimensions are the append_dimensions keys the fleet's agent
	// configuration uses. When an instance publishes a metric under
	// several dimension sets, the set with exactly these (besides the
	// metric's own, such as path) is alarmed.
	Dimensions []string `koanf:"dimensions"`
	// LinuxDiskPath is the mount point whose disk_used_percent is alarmed.
	LinuxDiskPath string `koanf:"linux_disk_path"`
	// WindowsDisk is the drive whose LogicalDisk % Free Space is alarmed.
	WindowsDisk string `koanf:"windows_disk"`
	// Install puts the agent in place through SSM.
	Install AgentInstall `koanf:"install"`
}

// Platforms the agent is installed on.
const (
	PlatformWindows = "windows"
	PlatformLinux   = "linux"
)

// AgentInstall is how opsd puts the CloudWatch agent in place: the
// configuration it generates per platform is kept in the SSM parameter
// AmazonCloudWatch-opsd-<platform>, and a watched, SSM-managed instance
// that publishes no agent metrics is sent AWS-ConfigureAWSPackage
// (AmazonCloudWatchAgent) and then AmazonCloudWatch-ManageAgent
// (configure from that parameter).
type AgentInstall struct {
	// Enabled keeps the parameters and sends the commands.
	Enabled bool `koanf:"enabled"`
	// Platforms are the platforms installed on: windows, linux.
	Platforms []string `koanf:"platforms"`
	// MaxConcurrency and MaxErrors are the commands' rate controls (a
	// number or a percentage).
	MaxConcurrency string `koanf:"max_concurrency"`
	MaxErrors      string `koanf:"max_errors"`
	// MetricsWithin is how long after its configure command an instance
	// must publish agent metrics; one that does not is reported with the
	// command's output.
	MetricsWithin time.Duration `koanf:"metrics_within"`
	// Follow is how long a reconcile waits for the install commands it
	// sent to finish, to send the configure commands in the same run; 0
	// leaves them to the next run.
	Follow time.Duration `koanf:"follow"`
}

// RDSEvents is the RDS event subscription that sends DB instances' status
// changes to the first alarm topic.
type RDSEvents struct {
	// Enabled keeps the subscription.
	Enabled bool `koanf:"enabled"`
	// Name is the subscription's name; opsd manages only the subscription
	// of this name.
	Name string `koanf:"name"`
	// Categories are the RDS event categories sent.
	Categories []string `koanf:"categories"`
}

// LoginFailures is the metric filter that counts PostgreSQL login
// failures in a DB instance's exported log group
// (/aws/rds/instance/<db>/postgresql).
type LoginFailures struct {
	// Namespace is the metric namespace the filter publishes to.
	Namespace string `koanf:"namespace"`
	// Pattern is the CloudWatch Logs filter pattern.
	Pattern string `koanf:"pattern"`
}

// DeliveryLogging is SNS delivery status logging for topics with SQS
// subscriptions.
type DeliveryLogging struct {
	// Enabled switches logging on where it is off.
	Enabled bool `koanf:"enabled"`
	// RoleARN is the IAM role SNS uses to write delivery status logs.
	// Empty: topics without logging are reported instead.
	RoleARN string `koanf:"role_arn"`
	// SuccessSampleRate is the percentage of successful deliveries logged.
	SuccessSampleRate int `koanf:"success_sample_rate"`
}

// Dashboards are the per-application CloudWatch dashboards.
type Dashboards struct {
	// Enabled keeps one dashboard per Application tag value and region.
	Enabled bool `koanf:"enabled"`
}

// LogRetention is the CloudWatch Logs retention policy.
type LogRetention struct {
	// Enabled enforces the policy.
	Enabled bool `koanf:"enabled"`
	// Days is the retention set on log groups outside the policy; one of
	// the values CloudWatch Logs accepts.
	Days int `koanf:"days"`
	// MinDays is the shortest retention the policy accepts. A log group
	// keeping events for less is lengthened to Days, which deletes
	// nothing.
	MinDays int `koanf:"min_days"`
	// MaxDays is the longest retention the policy accepts.
	MaxDays int `koanf:"max_days"`
	// Shorten sets Days on every log group keeping events forever or
	// longer than MaxDays, which deletes its events older than Days. False
	// (the default) does so only where ShortenPrefixes or the log group's
	// tag allow it, and reports the others.
	Shorten bool `koanf:"shorten"`
	// ShortenPrefixes are log group name prefixes where shortening is
	// allowed even when Shorten is false.
	ShortenPrefixes []string `koanf:"shorten_prefixes"`
	// ShortenValue is the value of the log retention tag that allows
	// shortening one log group even when Shorten is false.
	ShortenValue string `koanf:"shorten_value"`
	// ExemptValue is the value of the log retention tag that exempts a log
	// group.
	ExemptValue string `koanf:"exempt_value"`
}

// DefaultConfig returns the seeds' monitoring standard: alarms on
// production resources and anything tagged for monitoring, on every API,
// canary, SNS topic and dead-letter queue, dashboards per application and
// log retention of 6 to 8 months. Enabling the service is all that is
// needed to run it.
func DefaultConfig() Config {
	spec := func(threshold float64, period time.Duration, evals int) AlarmSpec {
		return AlarmSpec{Enabled: true, Threshold: threshold, Period: period, EvaluationPeriods: evals}
	}
	const fiveMin = 5 * time.Minute
	return Config{
		Schedule: "*/15 * * * *",
		Timeout:  10 * time.Minute,
		Scope: Scope{
			Kinds:        []string{"ec2", "rds", "api", "alb", "canary", "sns", "dlq", "asg", "lambda", "ecs"},
			By:           []string{"environment", "tag"},
			Environments: []string{"production", "prod"},
			Every:        []string{"api", "canary", "sns", "dlq"},
		},
		Tags: DefaultTagKeys(),
		Alarms: Alarms{
			EC2: EC2Alarms{
				Status: spec(1, time.Minute, 2),
				CPU:    spec(80, fiveMin, 3),
				Memory: spec(90, fiveMin, 3),
				Disk:   spec(85, fiveMin, 2),
				DiskIO: spec(20, fiveMin, 3),
			},
			RDS: RDSAlarms{
				CPU:     spec(80, fiveMin, 3),
				Storage: spec(10, fiveMin, 1),
				Memory:  spec(256, fiveMin, 3),
				Logins:  spec(5, fiveMin, 1),
			},
			API:    APIAlarms{FiveXX: spec(0, fiveMin, 1)},
			ALB:    ALBAlarms{FiveXX: spec(0, fiveMin, 1)},
			Canary: CanaryAlarms{Success: spec(100, fiveMin, 1)},
			SNS:    SNSAlarms{Failed: spec(0, fiveMin, 1)},
			DLQ:    DLQAlarms{Messages: spec(0, fiveMin, 1)},
			ASG:    ASGAlarms{Capacity: spec(0, fiveMin, 3), CPU: spec(80, fiveMin, 3)},
			Lambda: LambdaAlarms{Errors: spec(0, fiveMin, 1), Throttles: spec(0, fiveMin, 1), Duration: spec(80, fiveMin, 3)},
			ECS:    ECSAlarms{Running: spec(0, time.Minute, 5), CPU: spec(80, fiveMin, 3), Memory: spec(80, fiveMin, 3)},
		},
		Agent: Agent{
			Namespace:     "CWAgent",
			Dimensions:    []string{"InstanceId"},
			LinuxDiskPath: "/",
			WindowsDisk:   "C:",
			Install: AgentInstall{
				Platforms:      []string{PlatformWindows, PlatformLinux},
				MaxConcurrency: "10%",
				MaxErrors:      "10%",
				MetricsWithin:  30 * time.Minute,
				Follow:         2 * time.Minute,
			},
		},
		RDSEvents: RDSEvents{
			Enabled:    true,
			Name:       "opsd-rds-events",
			Categories: []string{"availability", "failure", "failover", "low storage"},
		},
		LoginFailures: LoginFailures{
			Namespace: "opsd/RDS",
			Pattern:   `"password authentication failed"`,
		},
		DeliveryLogging: DeliveryLogging{Enabled: true},
		Dashboards:      Dashboards{Enabled: true},
		LogRetention: LogRetention{
			Enabled:      true,
			Days:         180,
			MinDays:      180,
			MaxDays:      240,
			ShortenValue: "shorten",
			ExemptValue:  "exempt",
		},
	}
}

// DefaultTagKeys returns the tag keys of DESIGN.md's tag contract and the
// keys opsd writes on its alarms.
func DefaultTagKeys() TagKeys {
	return TagKeys{
		Environment:    "Environment",
		Application:    "Application",
		Monitor:        "opsd:monitor",
		OverridePrefix: "opsd:monitor:",
		LogRetention:   "opsd:log-retention",
		Managed:        "opsd:managed",
		Resource:       "opsd:resource",
		Shutdown:       []string{"OOOShutdown", "OutOfHoursShutdown", "WeekendShutdown", "opsd:schedule"},
		MuteUntil:      "opsd:monitor:mute-until",
		ShutdownMarker: "opsd:shutdown:last-action",
	}
}

// spec returns the settings of kind's metric alarm.
func (a Alarms) spec(k Kind, metric string) (AlarmSpec, bool) {
	switch k {
	case KindEC2:
		switch metric {
		case MetricStatus:
			return a.EC2.Status, true
		case MetricCPU:
			return a.EC2.CPU, true
		case MetricMemory:
			return a.EC2.Memory, true
		case MetricDisk:
			return a.EC2.Disk, true
		case MetricDiskIO:
			return a.EC2.DiskIO, true
		}
	case KindRDS:
		switch metric {
		case MetricCPU:
			return a.RDS.CPU, true
		case MetricStorage:
			return a.RDS.Storage, true
		case MetricMemory:
			return a.RDS.Memory, true
		case MetricLogins:
			return a.RDS.Logins, true
		}
	case KindAPI:
		if metric == Metric5xx {
			return a.API.FiveXX, true
		}
	case KindALB:
		if metric == Metric5xx {
			return a.ALB.FiveXX, true
		}
	case KindCanary:
		if metric == MetricSuccess {
			return a.Canary.Success, true
		}
	case KindSNS:
		if metric == MetricFailed {
			return a.SNS.Failed, true
		}
	case KindDLQ:
		if metric == MetricMessages {
			return a.DLQ.Messages, true
		}
	case KindASG:
		switch metric {
		case MetricCapacity:
			return a.ASG.Capacity, true
		case MetricCPU:
			return a.ASG.CPU, true
		}
	case KindLambda:
		switch metric {
		case MetricErrors:
			return a.Lambda.Errors, true
		case MetricThrottle:
			return a.Lambda.Throttles, true
		case MetricDuration:
			return a.Lambda.Duration, true
		}
	case KindECS:
		switch metric {
		case MetricRunning:
			return a.ECS.Running, true
		case MetricCPU:
			return a.ECS.CPU, true
		case MetricMemory:
			return a.ECS.Memory, true
		}
	}
	return AlarmSpec{}, false
}
