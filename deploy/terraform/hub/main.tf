data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  regions    = length(var.regions) > 0 ? var.regions : [local.region]
  # The archive bucket: the one made here, an existing one, or none ("").
  archive_bucket = var.create_archive_bucket ? aws_s3_bucket.archive[0].bucket : var.archive_bucket_name
  has_archive    = local.archive_bucket != ""
  # The SNS topic opsd publishes to, or none ("").
  event_topic_arn = var.event_topic_name == "" ? "" : "arn:${local.partition}:sns:${local.region}:${local.account_id}:${var.event_topic_name}"
  # The image's /etc/opsd/opsd.yaml sets nothing: the configuration is
  # these variables (OPSD_ and the key path, __ between levels), the same
  # as hub.yaml's task definition sets.
  environment = {
    AWS_REGION                                        = local.region
    OPSD_AWS__REGIONS                                 = join(",", local.regions)
    OPSD_AWS__ORGANIZATION__ENABLED                   = "true"
    OPSD_AWS__ORGANIZATION__ROLE_NAME                 = var.member_role_name
    OPSD_AWS__ORGANIZATION__EXTERNAL_ID               = var.external_id
    OPSD_AWS__ORGANIZATION__EXCLUDE                   = join(",", concat(var.manage_hub_account ? [] : [local.account_id], var.excluded_account_ids))
    OPSD_HA__ENABLED                                  = "true"
    OPSD_HA__TABLE                                    = aws_dynamodb_table.lease.name
    OPSD_HA__CREATE_TABLE                             = "false"
    OPSD_HTTP__LISTEN                                 = "0.0.0.0:9102"
    OPSD_TIMEZONE                                     = var.timezone
    OPSD_NOTIFY__SLACK__TOKEN_SSM_PARAMETER           = var.slack_token_parameter_name
    OPSD_NOTIFY__SLACK__CHANNEL                       = var.slack_channel
    OPSD_NOTIFY__PAGERDUTY__ROUTING_KEY_SSM_PARAMETER = var.pagerduty_routing_key_parameter_name
    OPSD_NOTIFY__SNS__TOPIC_ARN                       = local.event_topic_arn
    OPSD_DLQ__ARCHIVE__BUCKET                         = local.archive_bucket
    OPSD_DLQ__ARCHIVE__REGION                         = local.has_archive ? local.region : ""
    OPSD_PATCHING__SNS_TOPIC_ARN                      = var.patching_topic_arn
    OPSD_MONITOR__DELIVERY_LOGGING__ROLE_ARN          = var.delivery_logging_role_name == "" ? "" : "arn:${local.partition}:iam::{account}:role/${var.delivery_logging_role_name}"
    OPSD_SHUTDOWN__ENABLED                            = tostring(var.enable_shutdown)
    OPSD_PATCHING__ENABLED                            = tostring(var.enable_patching)
    OPSD_BACKUP__ENABLED                              = tostring(var.enable_backup)
    OPSD_MONITOR__ENABLED                             = tostring(var.enable_monitor)
    OPSD_DLQ__ENABLED                                 = tostring(var.enable_dlq)
    OPSD_AUDIT__ENABLED                               = tostring(var.enable_audit)
    OPSD_CERTS__ENABLED                               = tostring(var.enable_certs)
    OPSD_LOG__LEVEL                                   = "info"
    OTEL_SERVICE_NAME                                 = "opsd"
  }
}

resource "aws_ecs_cluster" "opsd" {
  name = var.name
  setting {
    name  = "containerInsights"
    value = "disabled"
  }
  tags = var.tags
}

resource "aws_cloudwatch_log_group" "opsd" {
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  tags              = merge(var.tags, var.log_retention_days == 180 ? {} : { "opsd:log-retention" = "exempt" })
}

# The leader lease (the item named ha.name, "opsd") and opsd's state (the
# items named state/<service>/memory). Point-in-time recovery keeps the
# state restorable; opsd's own backup audit finds the table tagged.
resource "aws_dynamodb_table" "lease" {
  name         = var.lease_table_name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "name"
  attribute {
    name = "name"
    type = "S"
  }
  point_in_time_recovery {
    enabled = true
  }
  server_side_encryption {
    enabled = true
  }
  # The lease and every service's state: kept, as CloudFormation's
  # DeletionPolicy: Retain keeps it. A plan that would destroy or replace
  # it fails; remove this, or the table from the state, on purpose.
  lifecycle {
    prevent_destroy = true
  }
  tags = merge(var.tags, { BackupPolicy = "Mgmt", Environment = "mgmt" })
}

resource "aws_s3_bucket" "archive" {
  count  = var.create_archive_bucket ? 1 : 0
  bucket = var.archive_bucket_name != "" ? var.archive_bucket_name : "opsd-dlq-archive-${local.account_id}-${local.region}"
  tags   = var.tags

  # The archived dead-letter messages: kept, as CloudFormation retains the
  # bucket; a plan that would destroy it (create_archive_bucket = false
  # included) fails.
  lifecycle {
    prevent_destroy = true
    precondition {
      condition     = var.organization_id != ""
      error_message = "organization_id is required with create_archive_bucket, for the bucket's policy."
    }
  }
}

resource "aws_s3_bucket_public_access_block" "archive" {
  count                   = var.create_archive_bucket ? 1 : 0
  bucket                  = aws_s3_bucket.archive[0].id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "archive" {
  count  = var.create_archive_bucket ? 1 : 0
  bucket = aws_s3_bucket.archive[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_ownership_controls" "archive" {
  count  = var.create_archive_bucket ? 1 : 0
  bucket = aws_s3_bucket.archive[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# TLS only; the member roles of this organization may write and read
# archives (opsd archives each account's messages with that account's
# member role), and the replay roles of this organization may list and
# read them (opsd dlq replay). Principals of this account get in through
# their own policies (opsd's task role, with manage_hub_account).
resource "aws_s3_bucket_policy" "archive" {
  count      = var.create_archive_bucket ? 1 : 0
  bucket     = aws_s3_bucket.archive[0].id
  depends_on = [aws_s3_bucket_public_access_block.archive]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.archive[0].arn, "${aws_s3_bucket.archive[0].arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "MemberRolesWriteArchives"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:PutObject", "s3:GetObject"]
        Resource  = "${aws_s3_bucket.archive[0].arn}/*"
        Condition = {
          StringEquals = { "aws:PrincipalOrgID" = var.organization_id }
          ArnLike      = { "aws:PrincipalArn" = "arn:${local.partition}:iam::*:role/${var.member_role_name}" }
        }
      },
      {
        Sid       = "MemberRolesCheckBucket"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:GetBucketPublicAccessBlock", "s3:GetEncryptionConfiguration"]
        Resource  = aws_s3_bucket.archive[0].arn
        Condition = {
          StringEquals = { "aws:PrincipalOrgID" = var.organization_id }
          ArnLike      = { "aws:PrincipalArn" = "arn:${local.partition}:iam::*:role/${var.member_role_name}" }
        }
      },
      {
        Sid       = "ReplayRolesReadArchives"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:ListBucket", "s3:GetObject"]
        Resource  = [aws_s3_bucket.archive[0].arn, "${aws_s3_bucket.archive[0].arn}/*"]
        Condition = {
          StringEquals = { "aws:PrincipalOrgID" = var.organization_id }
          ArnLike      = { "aws:PrincipalArn" = "arn:${local.partition}:iam::*:role/${var.replay_role_name}" }
        }
      },
    ]
  })
}

resource "aws_ecs_task_definition" "opsd" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  task_role_arn            = aws_iam_role.task.arn
  execution_role_arn       = aws_iam_role.execution.arn
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }
  volume {
    name = "tmp"
  }
  container_definitions = jsonencode([
    {
      name                   = "opsd"
      image                  = var.image_uri
      essential              = true
      command                = ["run", "--config", "/etc/opsd/opsd.yaml"]
      user                   = "65532:65532"
      readonlyRootFilesystem = true
      # Running jobs get scheduler.grace_period (60 s) after SIGTERM;
      # Fargate allows at most 120.
      stopTimeout  = 90
      portMappings = [{ name = "ops", containerPort = 9102, protocol = "tcp" }]
      environment  = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]
      linuxParameters = {
        initProcessEnabled = true
        capabilities       = { drop = ["ALL"] }
      }
      ulimits     = [{ name = "nofile", softLimit = 65536, hardLimit = 65536 }]
      mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.opsd.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "opsd"
          mode                  = "non-blocking"
          max-buffer-size       = "4m"
        }
      }
    },
  ])
  tags = var.tags
}

# Two tasks in different zones; ha elects one leader through the lease.
# No load balancer: opsd serves nothing but its operations endpoint.
resource "aws_ecs_service" "opsd" {
  name                               = var.name
  cluster                            = aws_ecs_cluster.opsd.id
  task_definition                    = aws_ecs_task_definition.opsd.arn
  desired_count                      = 2
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = var.security_group_ids
    assign_public_ip = var.assign_public_ip == "ENABLED"
  }
  tags = var.tags
  # The tasks start once the task role has its policies.
  depends_on = [aws_iam_role_policy_attachment.hub, module.hub_account, aws_s3_bucket_policy.archive]
}
