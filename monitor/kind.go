package monitor

import "slices"

// ServiceName is the service's config key and its name in plans, metrics
// and messages.
const ServiceName = "monitor"

// Kind is a kind of resource opsd puts alarms on.
type Kind string

// The kinds of resource watched.
const (
	// KindEC2 is an EC2 instance.
	KindEC2 Kind = "ec2"
	// KindRDS is an RDS DB instance.
	KindRDS Kind = "rds"
	// KindAPI is an API Gateway REST API.
	KindAPI Kind = "api"
	// KindALB is an Application Load Balancer.
	KindALB Kind = "alb"
	// KindCanary is a CloudWatch Synthetics canary.
	KindCanary Kind = "canary"
	// KindSNS is an SNS topic.
	KindSNS Kind = "sns"
	// KindDLQ is an SQS queue that another queue's redrive policy names as
	// its dead-letter queue.
	KindDLQ Kind = "dlq"
	// KindASG is an EC2 Auto Scaling group, alarmed as a group: its
	// members get no per-instance alarms.
	KindASG Kind = "asg"
	// KindLambda is a Lambda function.
	KindLambda Kind = "lambda"
	// KindECS is an ECS service (its ID is cluster/service).
	KindECS Kind = "ecs"
)

// allKinds are every kind, in the order plans list them.
var allKinds = []Kind{KindEC2, KindRDS, KindAPI, KindALB, KindCanary, KindSNS, KindDLQ, KindASG, KindLambda, KindECS}

// AllKinds returns every kind of resource watched, in plan order.
func AllKinds() []Kind { return slices.Clone(allKinds) }

// validKind reports whether s names a kind.
func validKind(s string) bool { return slices.Contains(allKinds, Kind(s)) }

// kindOrder is a kind's position in plans.
func kindOrder(k Kind) int {
	if i := slices.Index(allKinds, k); i >= 0 {
		return i
	}
	return len(allKinds)
}

// Metric keys: the last part of an alarm's name, the key of its settings
// under alarms.<kind> in the configuration and the suffix of its override
// tag (opsd:monitor:<key>).
const (
	MetricStatus   = "status"    // ec2: StatusCheckFailed
	MetricCPU      = "cpu"       // ec2, rds: CPUUtilization
	MetricMemory   = "memory"    // ec2: agent memory in use; rds: FreeableMemory
	MetricDisk     = "disk"      // ec2: agent disk space used
	MetricDiskIO   = "diskio"    // ec2: EBSIOBalance%
	MetricStorage  = "storage"   // rds: FreeStorageSpace
	MetricLogins   = "logins"    // rds: PostgreSQL login failures
	Metric5xx      = "5xx"       // api, alb: 5xx responses
	MetricSuccess  = "success"   // canary: SuccessPercent
	MetricFailed   = "failed"    // sns: NumberOfNotificationsFailed
	MetricMessages = "messages"  // dlq: ApproximateNumberOfMessagesVisible
	MetricCapacity = "capacity"  // asg: GroupInServiceInstances below GroupDesiredCapacity
	MetricErrors   = "errors"    // lambda: Errors
	MetricThrottle = "throttles" // lambda: Throttles
	MetricDuration = "duration"  // lambda: Duration p99, % of the timeout
	MetricRunning  = "running"   // ecs: RunningTaskCount below DesiredTaskCount
)

// kindMetrics lists each kind's metric keys in alarm order.
var kindMetrics = map[Kind][]string{
	KindEC2:    {MetricStatus, MetricCPU, MetricMemory, MetricDisk, MetricDiskIO},
	KindRDS:    {MetricCPU, MetricStorage, MetricMemory, MetricLogins},
	KindAPI:    {Metric5xx},
	KindALB:    {Metric5xx},
	KindCanary: {MetricSuccess},
	KindSNS:    {MetricFailed},
	KindDLQ:    {MetricMessages},
	KindASG:    {MetricCapacity, MetricCPU},
	KindLambda: {MetricErrors, MetricThrottle, MetricDuration},
	KindECS:    {MetricRunning, MetricCPU, MetricMemory},
}
