data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition   = data.aws_partition.current.partition
  account_id  = data.aws_caller_identity.current.account_id
  create_role = var.existing_role_name == ""
  role_name   = local.create_role ? aws_iam_role.member[0].name : var.existing_role_name
  has_archive = var.archive_bucket_name != ""
  # member-sns-policy.json's statements, each with its variable.
  has_patching_topic   = var.patching_topic_arn != ""
  has_delivery_logging = var.delivery_logging_role_name != ""
  has_sns              = local.has_patching_topic || local.has_delivery_logging
  # The tags that put a resource in the overnight shutdown, by the
  # suffix of their statement's Sid.
  shutdown_tags = {
    OOOShutdown        = "OOOShutdown"
    OutOfHoursShutdown = "OutOfHoursShutdown"
    WeekendShutdown    = "WeekendShutdown"
    Schedule           = "opsd:schedule"
  }
}

# The role opsd assumes: its account is trusted, with opsd's role as a
# condition (a role deleted and made again is still trusted), and the
# external id. deploy/iam/member-role-trust.json is the same policy.
resource "aws_iam_role" "member" {
  count                = local.create_role ? 1 : 0
  name                 = var.role_name
  description          = "opsd assumes this role from its hub account to run the platform services here."
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "OpsdAssumesThisRole"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${var.hub_account_id}:root" }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = { "sts:ExternalId" = var.external_id }
          ArnEquals    = { "aws:PrincipalArn" = "arn:${local.partition}:iam::${var.hub_account_id}:role/${var.hub_role_name}" }
        }
      },
    ]
  })
  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.hub_account_id != null && var.external_id != null
      error_message = "hub_account_id and external_id are required to create the member role."
    }
  }
}

# The policies are copies of deploy/iam/member-*-policy.json with the
# account narrowed to this one, the archive bucket, topics and roles named;
# go test ./deploy/terraform fails when a copy differs from its file.
resource "aws_iam_policy" "read" {
  name_prefix = "opsd-read-"
  description = "opsd reads the estate (deploy/iam/member-read-policy.json)."
  tags        = var.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ReadEstate"
        Effect = "Allow"
        Action = [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeLaunchConfigurations",
          "backup:DescribeBackupVault",
          "backup:GetBackupPlan",
          "backup:GetBackupSelection",
          "backup:GetRestoreTestingPlan",
          "backup:GetRestoreTestingSelection",
          "backup:ListBackupJobs",
          "backup:ListBackupPlans",
          "backup:ListBackupSelections",
          "backup:ListProtectedResources",
          "backup:ListRestoreJobs",
          "backup:ListRestoreTestingPlans",
          "backup:ListRestoreTestingSelections",
          "backup:ListTags",
          "cloudwatch:DescribeAlarmHistory",
          "cloudwatch:DescribeAlarms",
          "cloudwatch:DescribeAlarmsForMetric",
          "cloudwatch:GetDashboard",
          "cloudwatch:GetMetricStatistics",
          "cloudwatch:ListDashboards",
          "cloudwatch:ListMetrics",
          "cloudwatch:ListTagsForResource",
          "dynamodb:DescribeContinuousBackups",
          "dynamodb:DescribeTable",
          "dynamodb:ListTables",
          "dynamodb:ListTagsOfResource",
          "ec2:DescribeInstanceStatus",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeInstances",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:DescribeRouteTables",
          "ec2:DescribeSubnets",
          "ec2:DescribeVolumes",
          "elasticfilesystem:DescribeFileSystems",
          "elasticfilesystem:DescribeMountTargets",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeTags",
          "es:DescribeDomains",
          "es:ListDomainNames",
          "es:ListTags",
          "kafka:ListClustersV2",
          "lambda:GetPolicy",
          "lambda:ListFunctions",
          "lambda:ListTags",
          "logs:DescribeLogGroups",
          "logs:DescribeMetricFilters",
          "logs:ListTagsForResource",
          "rds:DescribeDBClusters",
          "rds:DescribeDBInstances",
          "rds:DescribeEventSubscriptions",
          "redshift:DescribeClusters",
          "s3:GetBucketPublicAccessBlock",
          "s3:GetBucketTagging",
          "s3:GetEncryptionConfiguration",
          "s3:ListAllMyBuckets",
          "sns:GetTopicAttributes",
          "sns:ListSubscriptionsByTopic",
          "sns:ListTagsForResource",
          "sns:ListTopics",
          "sqs:GetQueueAttributes",
          "sqs:ListQueueTags",
          "sqs:ListQueues",
          "ssm:DescribeInstanceInformation",
          "ssm:DescribeInstancePatchStates",
          "ssm:DescribeInstancePatches",
          "ssm:ListCommandInvocations",
          "ssm:ListCommands",
          "synthetics:DescribeCanaries",
        ]
        Resource = "*"
      },
      {
        Sid    = "ReadAPIGateway"
        Effect = "Allow"
        Action = [
          "apigateway:GET",
        ]
        Resource = [
          "arn:${local.partition}:apigateway:*::/restapis",
          "arn:${local.partition}:apigateway:*::/restapis/*/resources",
          "arn:${local.partition}:apigateway:*::/restapis/*/stages",
        ]
      },
      {
        Sid    = "AuditRecommendationsRead"
        Effect = "Allow"
        Action = [
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSecurityGroups",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetGroups",
          "s3:GetBucketAcl",
          "s3:GetBucketPolicyStatus",
        ]
        Resource = "*"
      },
      {
        Sid    = "ECSServicesRead"
        Effect = "Allow"
        Action = [
          "application-autoscaling:DescribeScalableTargets",
          "ecs:DescribeClusters",
          "ecs:DescribeServices",
          "ecs:DescribeTaskDefinition",
          "ecs:ListClusters",
          "ecs:ListServices",
        ]
        Resource = "*"
      },
      {
        Sid    = "CertificatesRead"
        Effect = "Allow"
        Action = [
          "acm:DescribeCertificate",
          "acm:ListCertificates",
          "acm:ListTagsForCertificate",
        ]
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_policy" "shutdown_patching" {
  name_prefix = "opsd-shutdown-patching-"
  description = "opsd's overnight shutdown and patching (deploy/iam/member-shutdown-patching-policy.json)."
  tags        = var.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      # One statement per shutdown tag: IAM ANDs the keys of a condition,
      # so "any of these tags" needs a statement each.
      for sid, tag in local.shutdown_tags : {
        Sid    = "StopStartTagged${sid}"
        Effect = "Allow"
        Action = [
          "ec2:StopInstances",
          "ec2:StartInstances",
          "autoscaling:UpdateAutoScalingGroup",
          "rds:StopDBInstance",
          "rds:StartDBInstance",
          "rds:StopDBCluster",
          "rds:StartDBCluster",
          "ecs:UpdateService",
        ]
        Resource = [
          "arn:${local.partition}:ec2:*:${local.account_id}:instance/*",
          "arn:${local.partition}:autoscaling:*:${local.account_id}:autoScalingGroup:*:autoScalingGroupName/*",
          "arn:${local.partition}:rds:*:${local.account_id}:db:*",
          "arn:${local.partition}:rds:*:${local.account_id}:cluster:*",
          "arn:${local.partition}:ecs:*:${local.account_id}:service/*/*",
        ]
        Condition = {
          Null = {
            "aws:ResourceTag/${tag}" = "false"
          }
          StringEqualsIgnoreCase = {
            "aws:ResourceTag/Environment" = ["development", "dev", "staging", "stg"]
          }
        }
      }
      ], [
      {
        Sid    = "MarkerTags"
        Effect = "Allow"
        Action = [
          "ec2:CreateTags",
          "ec2:DeleteTags",
          "autoscaling:CreateOrUpdateTags",
          "autoscaling:DeleteTags",
          "rds:AddTagsToResource",
          "rds:RemoveTagsFromResource",
          "ecs:TagResource",
          "ecs:UntagResource",
        ]
        Resource = [
          "arn:${local.partition}:ec2:*:${local.account_id}:instance/*",
          "arn:${local.partition}:autoscaling:*:${local.account_id}:autoScalingGroup:*:autoScalingGroupName/*",
          "arn:${local.partition}:rds:*:${local.account_id}:db:*",
          "arn:${local.partition}:rds:*:${local.account_id}:cluster:*",
          "arn:${local.partition}:ecs:*:${local.account_id}:service/*/*",
        ]
        Condition = {
          "ForAllValues:StringLike" = {
            "aws:TagKeys" = ["opsd:shutdown:*", "opsd:patching:*"]
          }
          Null = {
            "aws:TagKeys" = "false"
          }
        }
      },
      {
        Sid      = "ECSScalableTargets"
        Effect   = "Allow"
        Action   = ["application-autoscaling:RegisterScalableTarget"]
        Resource = "arn:${local.partition}:application-autoscaling:*:${local.account_id}:scalable-target/*"
      },
      {
        Sid    = "StartEncryptedVolumes"
        Effect = "Allow"
        Action = [
          "kms:CreateGrant",
        ]
        Resource = "*"
        Condition = {
          Bool = {
            "kms:GrantIsForAWSResource" = "true"
          }
          StringLike = {
            "kms:ViaService" = "ec2.*.amazonaws.com"
          }
        }
      },
      {
        Sid    = "ShutdownQuietAlarms"
        Effect = "Allow"
        Action = [
          "cloudwatch:DisableAlarmActions",
          "cloudwatch:EnableAlarmActions",
        ]
        Resource = "arn:${local.partition}:cloudwatch:*:${local.account_id}:alarm:*"
      },
      {
        Sid    = "PatchBaselineDocument"
        Effect = "Allow"
        Action = [
          "ssm:SendCommand",
        ]
        Resource = "arn:${local.partition}:ssm:*::document/AWS-RunPatchBaseline"
      },
      {
        Sid    = "PatchScanTaggedInstances"
        Effect = "Allow"
        Action = [
          "ssm:SendCommand",
        ]
        Resource = "arn:${local.partition}:ec2:*:${local.account_id}:instance/*"
        Condition = {
          Null = {
            "aws:ResourceTag/TOSCAN" = "false"
          }
        }
      },
      {
        Sid    = "PatchInstallTaggedInstances"
        Effect = "Allow"
        Action = [
          "ssm:SendCommand",
        ]
        Resource = "arn:${local.partition}:ec2:*:${local.account_id}:instance/*"
        Condition = {
          Null = {
            "aws:ResourceTag/TOPATCH" = "false"
          }
        }
      },
    ])
  })
}

# The archive bucket's two statements only when there is a bucket.
resource "aws_iam_policy" "backup_monitor_dlq" {
  name_prefix = "opsd-backup-monitor-dlq-"
  description = "opsd's backups, monitoring and dead-letter queues (deploy/iam/member-backup-monitor-dlq-policy.json)."
  tags        = var.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid    = "BackupVaults"
        Effect = "Allow"
        Action = [
          "backup:CreateBackupVault",
          "backup:PutBackupVaultLockConfiguration",
        ]
        Resource = "arn:${local.partition}:backup:*:${local.account_id}:backup-vault:opsd-*"
      },
      {
        Sid    = "BackupVaultStorage"
        Effect = "Allow"
        Action = [
          "backup-storage:MountCapsule",
        ]
        Resource = "*"
      },
      {
        Sid    = "BackupVaultKeys"
        Effect = "Allow"
        Action = [
          "kms:CreateGrant",
          "kms:GenerateDataKey",
          "kms:Decrypt",
          "kms:RetireGrant",
          "kms:DescribeKey",
        ]
        Resource = "*"
        Condition = {
          StringLike = {
            "kms:ViaService" = "backup.*.amazonaws.com"
          }
        }
      },
      {
        Sid    = "BackupCreatePlans"
        Effect = "Allow"
        Action = [
          "backup:CreateBackupPlan",
        ]
        Resource = "arn:${local.partition}:backup:*:${local.account_id}:backup-plan:*"
        Condition = {
          StringEquals = {
            "aws:RequestTag/opsd:managed" = "true"
          }
        }
      },
      {
        Sid    = "BackupChangeOwnPlans"
        Effect = "Allow"
        Action = [
          "backup:UpdateBackupPlan",
          "backup:CreateBackupSelection",
          "backup:DeleteBackupSelection",
        ]
        Resource = "arn:${local.partition}:backup:*:${local.account_id}:backup-plan:*"
        Condition = {
          StringEquals = {
            "aws:ResourceTag/opsd:managed" = "true"
          }
        }
      },
      {
        Sid    = "BackupPassRole"
        Effect = "Allow"
        Action = [
          "iam:PassRole",
        ]
        Resource = [
          "arn:${local.partition}:iam::${local.account_id}:role/service-role/AWSBackupDefaultServiceRole",
          "arn:${local.partition}:iam::${local.account_id}:role/opsd-*",
        ]
        Condition = {
          StringEquals = {
            "iam:PassedToService" = "backup.amazonaws.com"
          }
        }
      },
      {
        Sid    = "BackupPointInTimeRecovery"
        Effect = "Allow"
        Action = [
          "dynamodb:UpdateContinuousBackups",
        ]
        Resource = "arn:${local.partition}:dynamodb:*:${local.account_id}:table/*"
        Condition = {
          StringEqualsIgnoreCase = {
            "aws:ResourceTag/Environment" = ["production", "prod"]
          }
        }
      },
      {
        Sid    = "BackupRestoreTestingPlans"
        Effect = "Allow"
        Action = [
          "backup:CreateRestoreTestingPlan",
          "backup:CreateRestoreTestingSelection",
          "backup:UpdateRestoreTestingPlan",
          "backup:UpdateRestoreTestingSelection",
        ]
        Resource = "arn:${local.partition}:backup:*:${local.account_id}:restore-testing-plan:opsd_*"
      },
      {
        Sid      = "BackupRestoreValidation"
        Effect   = "Allow"
        Action   = ["backup:PutRestoreValidationResult"]
        Resource = "*"
      },
      {
        Sid    = "MonitorAlarmsAndDashboards"
        Effect = "Allow"
        Action = [
          "cloudwatch:PutMetricAlarm",
          "cloudwatch:TagResource",
          "cloudwatch:DeleteAlarms",
          "cloudwatch:PutDashboard",
          "cloudwatch:DeleteDashboards",
        ]
        Resource = [
          "arn:${local.partition}:cloudwatch:*:${local.account_id}:alarm:opsd-*",
          "arn:${local.partition}:cloudwatch::${local.account_id}:dashboard/opsd-*",
        ]
      },
      {
        Sid    = "MonitorLogRetention"
        Effect = "Allow"
        Action = [
          "logs:PutRetentionPolicy",
        ]
        Resource = "arn:${local.partition}:logs:*:${local.account_id}:log-group:*"
        Condition = {
          StringNotEqualsIgnoreCase = {
            "aws:ResourceTag/opsd:log-retention" = "exempt"
          }
        }
      },
      {
        Sid    = "MonitorRDSLoginFilters"
        Effect = "Allow"
        Action = [
          "logs:PutMetricFilter",
          "logs:DeleteMetricFilter",
        ]
        Resource = "arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/rds/instance/*"
      },
      {
        Sid    = "MonitorRDSEvents"
        Effect = "Allow"
        Action = [
          "rds:CreateEventSubscription",
          "rds:ModifyEventSubscription",
          "rds:AddSourceIdentifierToSubscription",
          "rds:RemoveSourceIdentifierFromSubscription",
          "rds:DeleteEventSubscription",
          "rds:AddTagsToResource",
        ]
        Resource = "arn:${local.partition}:rds:*:${local.account_id}:es:opsd-*"
      },
      {
        Sid    = "MonitorAgentParameters"
        Effect = "Allow"
        Action = [
          "ssm:GetParameters",
          "ssm:PutParameter",
          "ssm:AddTagsToResource",
          "ssm:ListTagsForResource",
        ]
        Resource = "arn:${local.partition}:ssm:*:${local.account_id}:parameter/AmazonCloudWatch-opsd-*"
      },
      {
        Sid    = "MonitorAgentDocuments"
        Effect = "Allow"
        Action = [
          "ssm:SendCommand",
        ]
        Resource = [
          "arn:${local.partition}:ssm:*::document/AWS-ConfigureAWSPackage",
          "arn:${local.partition}:ssm:*::document/AmazonCloudWatch-ManageAgent",
        ]
      },
      {
        Sid    = "MonitorAgentInstancesByEnvironment"
        Effect = "Allow"
        Action = [
          "ssm:SendCommand",
        ]
        Resource = "arn:${local.partition}:ec2:*:${local.account_id}:instance/*"
        Condition = {
          Null = {
            "aws:ResourceTag/Environment" = "false"
          }
        }
      },
      {
        Sid    = "MonitorAgentInstancesOptedIn"
        Effect = "Allow"
        Action = [
          "ssm:SendCommand",
        ]
        Resource = "arn:${local.partition}:ec2:*:${local.account_id}:instance/*"
        Condition = {
          StringEqualsIgnoreCase = {
            "aws:ResourceTag/opsd:monitor" = "true"
          }
        }
      },
      {
        Sid    = "DeadLetterQueuesByName"
        Effect = "Allow"
        Action = [
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
        ]
        Resource = [
          "arn:${local.partition}:sqs:*:${local.account_id}:*dlq*",
          "arn:${local.partition}:sqs:*:${local.account_id}:*DLQ*",
          "arn:${local.partition}:sqs:*:${local.account_id}:*Dlq*",
          "arn:${local.partition}:sqs:*:${local.account_id}:*dead-letter*",
          "arn:${local.partition}:sqs:*:${local.account_id}:*DeadLetter*",
        ]
      },
      {
        Sid    = "DeadLetterQueuesByTag"
        Effect = "Allow"
        Action = [
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
        ]
        Resource = "arn:${local.partition}:sqs:*:${local.account_id}:*"
        Condition = {
          StringEqualsIgnoreCase = {
            "aws:ResourceTag/opsd:dlq" = "true"
          }
        }
      },
      {
        Sid    = "DeadLetterArchiveWriteKeys"
        Effect = "Allow"
        Action = [
          "kms:GenerateDataKey",
        ]
        Resource = "*"
        Condition = {
          StringLike = {
            "kms:ViaService" = "s3.*.amazonaws.com"
          }
        }
      },
      {
        Sid    = "DeadLetterReadKeys"
        Effect = "Allow"
        Action = [
          "kms:Decrypt",
        ]
        Resource = "*"
        Condition = {
          StringLike = {
            "kms:ViaService" = ["s3.*.amazonaws.com", "sqs.*.amazonaws.com"]
          }
        }
      },
      ], local.has_archive ? [
      {
        Sid    = "DeadLetterArchiveObjects"
        Effect = "Allow"
        Action = [
          "s3:PutObject",
          "s3:GetObject",
        ]
        Resource = "arn:${local.partition}:s3:::${var.archive_bucket_name}/*"
      },
      {
        Sid    = "DeadLetterArchiveBucket"
        Effect = "Allow"
        Action = [
          "s3:GetBucketPublicAccessBlock",
          "s3:GetEncryptionConfiguration",
        ]
        Resource = "arn:${local.partition}:s3:::${var.archive_bucket_name}"
      },
    ] : [])
  })
}

resource "aws_iam_role_policy_attachment" "read" {
  role       = local.role_name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_iam_role_policy_attachment" "shutdown_patching" {
  role       = local.role_name
  policy_arn = aws_iam_policy.shutdown_patching.arn
}

resource "aws_iam_role_policy_attachment" "backup_monitor_dlq" {
  role       = local.role_name
  policy_arn = aws_iam_policy.backup_monitor_dlq.arn
}

# member-sns-policy.json: publishing the patch scan alert
# (patching.sns_topic_arn) and switching on SNS delivery status logging
# (monitor.delivery_logging.role_arn), each only when its variable is set.
# SetTopicAttributes cannot be limited to some attributes (SNS has no
# condition key for the attribute name), so it is limited to the topics
# named delivery_logging_topic_prefix..., and the role it may pass is the one.
resource "aws_iam_policy" "sns" {
  count       = local.has_sns ? 1 : 0
  name_prefix = "opsd-sns-"
  description = "opsd publishes the patch scan alert and switches on SNS delivery status logging (deploy/iam/member-sns-policy.json)."
  tags        = var.tags
  policy = jsonencode({
    Version = "2012-10-17"
    # One statement a list: a conditional's two lists must have one type.
    Statement = concat(local.has_patching_topic ? [
      {
        Sid    = "PatchingAlertTopic"
        Effect = "Allow"
        Action = [
          "sns:Publish",
        ]
        Resource = var.patching_topic_arn
      },
      ] : [], local.has_delivery_logging ? [
      {
        Sid    = "MonitorSNSDeliveryLogging"
        Effect = "Allow"
        Action = [
          "sns:SetTopicAttributes",
        ]
        Resource = "arn:${local.partition}:sns:*:${local.account_id}:${var.delivery_logging_topic_prefix}*"
      },
      ] : [], local.has_delivery_logging ? [
      {
        Sid    = "MonitorPassDeliveryLoggingRole"
        Effect = "Allow"
        Action = [
          "iam:PassRole",
        ]
        Resource = "arn:${local.partition}:iam::${local.account_id}:role/${var.delivery_logging_role_name}"
        Condition = {
          StringEquals = {
            "iam:PassedToService" = "sns.amazonaws.com"
          }
        }
      },
    ] : [])
  })

  lifecycle {
    precondition {
      condition     = !local.has_delivery_logging || var.delivery_logging_topic_prefix != ""
      error_message = "delivery_logging_topic_prefix is required with delivery_logging_role_name, to limit sns:SetTopicAttributes to those topics."
    }
  }
}

resource "aws_iam_role_policy_attachment" "sns" {
  count      = local.has_sns ? 1 : 0
  role       = local.role_name
  policy_arn = aws_iam_policy.sns[0].arn
}

# The role whoever runs opsd dlq replay assumes (deploy/iam/replay-policy.json):
# opsd's own roles send no messages. This account's principals may assume
# it when their own policies let them; opsd's roles may not (it is not
# named like a member role).
resource "aws_iam_role" "replay" {
  count                = var.create_replay_role ? 1 : 0
  name                 = var.replay_role_name
  description          = "Whoever runs opsd dlq replay assumes this role to send archived messages back to this account's queues."
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ThisAccountAssumesThisRole"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.has_archive && var.replay_role_name != local.role_name
      error_message = "create_replay_role needs archive_bucket_name (the bucket the replay reads), and a replay_role_name other than the role opsd assumes."
    }
  }
}

resource "aws_iam_policy" "replay" {
  count       = var.create_replay_role ? 1 : 0
  name_prefix = "opsd-replay-"
  description = "opsd dlq replay reads the archive and sends to this account's queues (deploy/iam/replay-policy.json)."
  tags        = var.tags
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ReplayFindQueue"
        Effect = "Allow"
        Action = [
          "sqs:GetQueueUrl",
          "sqs:GetQueueAttributes",
        ]
        Resource = "arn:${local.partition}:sqs:*:${local.account_id}:*"
      },
      {
        Sid    = "ReplaySendMessages"
        Effect = "Allow"
        Action = [
          "sqs:SendMessage",
        ]
        Resource = "arn:${local.partition}:sqs:*:${local.account_id}:*"
      },
      {
        Sid    = "ReplayQueueKeys"
        Effect = "Allow"
        Action = [
          "kms:GenerateDataKey",
          "kms:Decrypt",
        ]
        Resource = "*"
        Condition = {
          StringLike = {
            "kms:ViaService" = "sqs.*.amazonaws.com"
          }
        }
      },
      {
        Sid    = "ReplayListArchive"
        Effect = "Allow"
        Action = [
          "s3:ListBucket",
        ]
        Resource = "arn:${local.partition}:s3:::${var.archive_bucket_name}"
      },
      {
        Sid    = "ReplayReadArchive"
        Effect = "Allow"
        Action = [
          "s3:GetObject",
        ]
        Resource = "arn:${local.partition}:s3:::${var.archive_bucket_name}/*"
      },
      {
        Sid    = "ReplayArchiveKeys"
        Effect = "Allow"
        Action = [
          "kms:Decrypt",
        ]
        Resource = "*"
        Condition = {
          StringLike = {
            "kms:ViaService" = "s3.*.amazonaws.com"
          }
        }
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "replay" {
  count      = var.create_replay_role ? 1 : 0
  role       = aws_iam_role.replay[0].name
  policy_arn = aws_iam_policy.replay[0].arn
}
