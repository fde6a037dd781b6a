// Package terraform holds opsd's Terraform modules, the same deployment as
// deploy/cloudformation's templates:
//
//   - hub/: the ECS Fargate service (two tasks, leader election), its task
//     and execution roles, the lease and state table, the log group and
//     the dead-letter queue archive bucket;
//   - member-role/: the role opsd assumes in each member account.
//
// Terraform is not run here. The tests parse the modules with HCL, evaluate
// their IAM policies and the task's environment with the functions they
// use, and check each policy equal to its file in deploy/iam, the inputs
// and outputs equal to the templates' parameters and outputs, and the
// environment a valid opsd configuration. See deploy/README.md.
package terraform
