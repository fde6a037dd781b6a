resource "aws_iam_role" "execution" {
  name_prefix = "opsd-execution-"
  description = "ECS pulls opsd's image and writes its logs with this role."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "ecs-tasks.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
    ]
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "task" {
  name        = var.task_role_name
  description = "opsd's own role; the member roles trust it."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "ecs-tasks.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:*" }
        }
      },
    ]
  })
  tags = var.tags
}

# A copy of deploy/iam/opsd-policy.json narrowed to this module's member
# role name, token parameter, key and table; the paging statements only
# when their variables are set. LeaderLeaseCreateTable is left
# out: the module creates the table (ha.create_table false).
# go test ./deploy/terraform fails when it differs from the file.
resource "aws_iam_policy" "hub" {
  name_prefix = "opsd-hub-"
  description = "opsd assumes the member roles, lists the accounts, reads the Slack token, holds the lease (deploy/iam/opsd-policy.json)."
  tags        = var.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "AssumeMemberAccountRoles"
        Effect   = "Allow"
        Action   = ["sts:AssumeRole"]
        Resource = "arn:${local.partition}:iam::*:role/${var.member_role_name}"
        # Only roles of opsd's own organization ($${…}: IAM's policy
        # variable, not Terraform's).
        Condition = {
          StringEquals = {
            "aws:ResourceOrgID" = "$${aws:PrincipalOrgID}"
          }
        }
      },
      {
        Sid      = "ListOrganizationAccounts"
        Effect   = "Allow"
        Action   = ["organizations:ListAccounts"]
        Resource = "*"
      },
      {
        # The Price List has no resource-level permissions.
        Sid      = "PriceListRead"
        Effect   = "Allow"
        Action   = ["pricing:GetProducts"]
        Resource = "*"
      },
      {
        Sid      = "ReadEventsQueue"
        Effect   = "Allow"
        Action   = ["sqs:DeleteMessage", "sqs:ReceiveMessage"]
        Resource = "arn:${local.partition}:sqs:*:${local.account_id}:opsd-events"
      },
      {
        # A queue encrypted with a customer managed key: only through SQS
        # and only for the events queue.
        Sid      = "DecryptEventsQueue"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = "*"
        Condition = {
          StringLike = {
            "kms:ViaService"                    = "sqs.*.${local.dns_suffix}"
            "kms:EncryptionContext:aws:sqs:arn" = "arn:${local.partition}:sqs:*:${local.account_id}:opsd-events"
          }
        }
      },
      {
        Sid      = "ReadSlackTokenParameter"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter"]
        Resource = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.slack_token_parameter_name}"
      },
      {
        Sid    = "LeaderLeaseAndState"
        Effect = "Allow"
        Action = [
          "dynamodb:DescribeTable",
          "dynamodb:GetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
        ]
        Resource = aws_dynamodb_table.lease.arn
      },
      ], var.slack_token_kms_key_arn == "" ? [] : [
      {
        Sid      = "DecryptSlackTokenParameter"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.slack_token_kms_key_arn
        Condition = {
          StringLike = {
            "kms:ViaService"                      = "ssm.${local.region}.${local.dns_suffix}"
            "kms:EncryptionContext:PARAMETER_ARN" = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.slack_token_parameter_name}"
          }
        }
      },
      ], var.pagerduty_routing_key_parameter_name == "" ? [] : [
      {
        Sid      = "ReadPagerDutyRoutingKeyParameter"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter"]
        Resource = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.pagerduty_routing_key_parameter_name}"
      },
      ], var.pagerduty_routing_key_parameter_name == "" || var.pagerduty_routing_key_kms_key_arn == "" ? [] : [
      {
        Sid      = "DecryptPagerDutyRoutingKeyParameter"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.pagerduty_routing_key_kms_key_arn
        Condition = {
          StringLike = {
            "kms:ViaService"                      = "ssm.${local.region}.${local.dns_suffix}"
            "kms:EncryptionContext:PARAMETER_ARN" = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${var.pagerduty_routing_key_parameter_name}"
          }
        }
      },
      ], var.event_topic_name == "" ? [] : [
      {
        Sid      = "PublishToEventTopic"
        Effect   = "Allow"
        Action   = ["sns:Publish"]
        Resource = local.event_topic_arn
      },
    ])
  })

  lifecycle {
    precondition {
      condition     = var.delivery_logging_role_name == "" || var.delivery_logging_topic_prefix != ""
      error_message = "delivery_logging_topic_prefix is required with delivery_logging_role_name, to limit sns:SetTopicAttributes to those topics."
    }
    precondition {
      condition     = !var.create_replay_role || var.manage_hub_account
      error_message = "create_replay_role is for the hub account's own queues, which opsd manages only with manage_hub_account."
    }
  }
}

resource "aws_iam_role_policy_attachment" "hub" {
  role       = aws_iam_role.task.name
  policy_arn = aws_iam_policy.hub.arn
}

# With manage_hub_account, the member policies on opsd's own role, from the
# member-role module (the same copies of deploy/iam/member-*-policy.json),
# and with create_replay_role the replay role of this account.
module "hub_account" {
  source                        = "../member-role"
  count                         = var.manage_hub_account ? 1 : 0
  existing_role_name            = aws_iam_role.task.name
  archive_bucket_name           = local.archive_bucket
  patching_topic_arn            = var.patching_topic_arn
  delivery_logging_role_name    = var.delivery_logging_role_name
  delivery_logging_topic_prefix = var.delivery_logging_topic_prefix
  create_replay_role            = var.create_replay_role
  replay_role_name              = var.replay_role_name
  tags                          = var.tags
}
