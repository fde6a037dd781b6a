// Package audit is opsd's production readiness assessment: the
// production deployment checklist, evaluated continuously for every
// application (the Application tag) in every account and region, and
// shown as a report people read at a glance.
//
// It has two halves.
//
// The inventory (inventory.go, collect*.go) lists, read-only, what the
// checks need from each account and region into plain structs: RDS
// instances and clusters, SNS topics, OpenSearch domains, S3 buckets (each
// in the region it lives in), MSK clusters, DynamoDB tables, Redshift
// clusters, API Gateway REST APIs with their methods and stages, Lambda
// functions, subnets (public when their route table reaches an internet
// gateway), CloudWatch alarms, Synthetics canaries, log groups, SQS
// queues, EFS file systems, EC2 instances and Auto Scaling groups. A
// collector that fails (access denied, a service not offered in the
// region) is recorded: its checks are reported as not assessed there,
// never as passed.
//
// The checks (check_*.go) are small values listed in order by the registry
// (registry.go): an id, a pillar (security, availability, monitoring,
// reliability, cost, tagging), a severity (critical or warning), a
// title, the kinds of resource they judge and an evaluate function over
// one inventory that returns a finding per resource: pass, fail or not
// applicable, with the reason. Adding a check
// is one file and one line in the registry; each has its own table test.
//
// [Service.Assess] collects and judges every target and builds a
// [Report]: per application and pillar, passed and failed counts and a
// score (passed / (passed + failed)); what belongs to no application (the
// VPCs' default security groups) is tallied apart, as the platform.
// [WriteText], [WriteJSON] and [WriteHTML] render it; [ReportHandler]
// serves the latest at /report.
// [Service.Reconcile] is the scheduled job: in Apply mode it keeps the
// report as the latest and sends one Slack summary (each application's
// score and what changed since the previous report, new failures first);
// in Plan mode it reports each failing finding and tells no one. It never
// changes anything in AWS.
package audit
