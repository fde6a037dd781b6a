// Package patching is opsd's patching service: EC2 instances tagged
// TOSCAN are scanned through SSM Patch Manager for missing Critical or
// Important operating system patches and Cloud Engineering are alerted;
// instances tagged TOPATCH are patched out of hours, in a patch window.
// Windows and Ubuntu only; OS patches only; tag keys are case-sensitive.
//
// Every scan and install is an SSM SendCommand of AWS-RunPatchBaseline to
// at most 50 instances, whose Comment names the run it belongs to ("opsd
// scan 2026-11-24T02:00Z", "opsd install default 2026-11-29T01:00Z"). The
// service looks for those comments with ListCommands before sending, so a
// reconcile, after a daemon restart too, never sends a second command to
// an instance for the same run; commands still under way are followed by
// whichever reconcile finds them. What was reported is recorded in a tag
// on each instance, and instances opsd started for a window carry tags
// saying so: all state lives in AWS.
//
// The deciding part is pure: a [Planner] compiled from [Config] turns an
// [Observation] of one account and region (instances, SSM's view of them,
// opsd's commands and their invocations, patch states) and the time into
// a [Plan] of [Item]s and [Send]s (plan*.go). The acting part is thin:
// [Service.Reconcile] observes through the narrow interfaces of aws.go
// (observe.go), plans, acts (act.go), follows commands under way pass
// after pass, and reports what finished (report.go, summary.go).
package patching
