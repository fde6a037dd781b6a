// Package monitor is opsd's monitoring service: it keeps CloudWatch in
// line with the monitoring standard of the seeds, continuously, in every
// account and region.
//
// It provisions and keeps in sync:
//   - alarms on EC2 instances (status checks, CPU, memory and disk from the
//     CloudWatch agent, EBS I/O burst balance), DB instances (CPU, free
//     storage, freeable memory, PostgreSQL login failures), API Gateway
//     REST APIs (5XXError), Application Load Balancers (targets' plus the
//     load balancer's 5xx, by metric math), Synthetics canaries (success
//     below 100%), SNS topics (failed notifications) and dead-letter queues
//     (a message arrived); Auto Scaling groups (in-service below desired,
//     CPU by group; their members get no per-instance alarms), Lambda
//     functions (errors, throttles, Duration p99 near the timeout) and ECS
//     services (running tasks below desired, CPU, memory);
//   - with agent.install, the CloudWatch agent on watched, SSM-managed
//     instances: the configuration opsd generates per platform kept in
//     SSM parameter AmazonCloudWatch-opsd-<platform>, installed and
//     configured by SendCommand (see agent_plan.go), reported with the
//     command's output when a step fails or no metrics arrive;
//   - a metric filter counting PostgreSQL login failures on each exported
//     PostgreSQL log group, and an RDS event subscription sending status
//     changes of DB instances to the alarm topic;
//   - SNS delivery status logging for topics that deliver to SQS;
//   - one dashboard per Application tag value and region;
//   - log retention within the policy (6 to 8 months by default): a
//     retention below it is lengthened; one that keeps events forever or
//     longer is shortened, deleting older events, only where that was
//     opted in (shorten, shorten_prefixes, or the log group's tag), and
//     reported everywhere else.
//
// Which resources are watched is decided by tags and configuration (see
// [Scope]): production resources and anything tagged opsd:monitor=true,
// and every API, canary, topic and dead-letter queue; opsd:monitor=false
// opts out, opsd:monitor:<metric>=<number> overrides a threshold and
// opsd:monitor:<metric>=off drops one alarm. A resource carrying an
// overnight shutdown tag treats missing data as not breaching, so the
// evening's silence raises no alarms.
//
// Alarms have deterministic names (opsd-<kind>-<id>-<metric>) and carry
// the tags opsd:managed=true and opsd:resource=<id or ARN>. opsd changes
// and deletes only alarms with the managed tag, whatever their names.
//
// The deciding part is pure: a [Planner] turns an [Observation] (resources
// with their tags, listed agent metrics, opsd's alarms, dashboards, log
// groups, metric filters and the event subscription) into [Change]s, and
// the alarm diff compares every field opsd sets. The acting part is thin:
// [Service.Reconcile] observes each account and region through the narrow
// interfaces of aws.go (observe*.go), plans, and in Apply mode carries the
// changes out (act*.go) and sends one summary (summary.go), which ends
// with the [Coverage] per account, region and application
// ([Service.Coverage] returns it).
package monitor
