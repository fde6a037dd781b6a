# The same outputs as deploy/cloudformation/hub.yaml's.

output "hub_account_id" {
  description = "This account, the member-role module's hub_account_id."
  value       = local.account_id
}

output "task_role_name" {
  description = "opsd's own role, the member-role module's hub_role_name."
  value       = aws_iam_role.task.name
}

output "task_role_arn" {
  description = "opsd's own role's ARN."
  value       = aws_iam_role.task.arn
}

output "member_role_name" {
  description = "The role opsd assumes in each member account, the member-role module's role_name."
  value       = var.member_role_name
}

output "cluster_name" {
  description = "The ECS cluster."
  value       = aws_ecs_cluster.opsd.name
}

output "service_name" {
  description = "The ECS service (two tasks)."
  value       = aws_ecs_service.opsd.name
}

output "lease_table_name" {
  description = "The lease and state table (ha.table)."
  value       = aws_dynamodb_table.lease.name
}

output "log_group_name" {
  description = "opsd's log group."
  value       = aws_cloudwatch_log_group.opsd.name
}

output "archive_bucket_name" {
  description = "The dead-letter queue archive bucket, the member-role module's archive_bucket_name; empty without one."
  value       = local.archive_bucket
}

output "replay_role_arn" {
  description = "The role to assume for opsd dlq replay in this account; empty without it (create_replay_role)."
  value       = var.manage_hub_account ? module.hub_account[0].replay_role_arn : ""
}
