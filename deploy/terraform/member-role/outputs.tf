output "role_name" {
  description = "This role's name, opsd's aws.organization.role_name."
  value       = local.role_name
}

output "role_arn" {
  description = "This role's ARN, for aws.accounts[].role_arn (null with existing_role_name)."
  value       = local.create_role ? aws_iam_role.member[0].arn : null
}

output "replay_role_arn" {
  description = "The role to assume for opsd dlq replay in this account; empty without create_replay_role."
  value       = var.create_replay_role ? aws_iam_role.replay[0].arn : ""
}
