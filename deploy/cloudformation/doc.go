// Package cloudformation holds opsd's CloudFormation templates:
//
//   - hub.yaml: the ECS Fargate service (two tasks, leader election), its
//     task and execution roles, the lease and state table, the log group
//     and the dead-letter queue archive bucket, in the account opsd runs in;
//   - member-role.yaml: the role opsd assumes in each member account,
//     deployed as a service-managed StackSet to the organization's units.
//
// Its tests parse the templates and check every IAM policy in them equal to
// its file in deploy/iam, the resources as opsd needs them and the task's
// environment a valid opsd configuration; run cfn-lint on them; and create
// both stacks in moto's CloudFormation and run opsd against what they made.
// See deploy/README.md.
package cloudformation
