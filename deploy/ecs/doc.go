// Package ecs holds opsd's ECS Fargate task definition for registering by
// hand (task-definition.json). Its test checks that it runs opsd as
// cloudformation/hub.yaml's task does: leader election with the state in
// the lease table, the services the hub can enable, and the container
// health check that asks the daemon's /readyz.
package ecs
