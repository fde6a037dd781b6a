// Package deploy holds how opsd is deployed: the systemd unit and its
// sysusers/tmpfiles/env files (systemd/), an ECS Fargate task definition
// (ecs/), and the IAM policies (iam/). Its tests keep those files consistent
// with the daemon: the command line, the shutdown grace period and the
// notify protocol. See README.md.
package deploy
