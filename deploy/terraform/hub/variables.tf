# The same inputs as deploy/cloudformation/hub.yaml's parameters (go test
# ./deploy/terraform checks the names match), plus tags.

variable "image_uri" {
  description = "opsd's container image (make image; push it to ECR), e.g. 111111111111.dkr.ecr.eu-west-2.amazonaws.com/opsd:v0.2.0."
  type        = string
}

variable "cpu_architecture" {
  description = "The image's architecture (make image IMAGE_ARCH=arm64 or amd64): ARM64 or X86_64."
  type        = string
  default     = "ARM64"
  validation {
    condition     = contains(["ARM64", "X86_64"], var.cpu_architecture)
    error_message = "cpu_architecture is ARM64 or X86_64."
  }
}

variable "cpu" {
  description = "Fargate CPU units of each task."
  type        = string
  default     = "256"
  validation {
    condition     = contains(["256", "512", "1024"], var.cpu)
    error_message = "cpu is 256, 512 or 1024."
  }
}

variable "memory" {
  description = "Memory (MiB) of each task; with 256 CPU units at most 2048."
  type        = string
  default     = "512"
  validation {
    condition     = contains(["512", "1024", "2048"], var.memory)
    error_message = "memory is 512, 1024 or 2048."
  }
}

variable "subnet_ids" {
  description = "Two or more private subnets in different availability zones, with a route to the AWS APIs (a NAT gateway or VPC endpoints)."
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security groups of the tasks; opsd needs outbound HTTPS only, and inbound 9102 only from a Prometheus scraper."
  type        = list(string)
}

variable "assign_public_ip" {
  description = "ENABLED only for public subnets without a NAT gateway."
  type        = string
  default     = "DISABLED"
  validation {
    condition     = contains(["DISABLED", "ENABLED"], var.assign_public_ip)
    error_message = "assign_public_ip is DISABLED or ENABLED."
  }
}

variable "log_retention_days" {
  description = "Retention of opsd's log group. The seed asks for 6 to 8 months; 180 days is the only CloudWatch Logs retention in that range (the next is 365), and the one opsd's monitor service sets on other log groups. 365 tags the group opsd:log-retention=exempt, so opsd leaves it alone."
  type        = number
  default     = 180
  validation {
    condition     = contains([180, 365], var.log_retention_days)
    error_message = "log_retention_days is 180 or 365."
  }
}

variable "regions" {
  description = "The regions opsd acts in (aws.regions); empty means the provider's region."
  type        = list(string)
  default     = []
}

variable "member_role_name" {
  description = "The role opsd assumes in each member account (the member-role module's role_name); opsd's aws.organization.role_name."
  type        = string
  default     = "opsd-member"
  validation {
    condition     = can(regex("^opsd-[A-Za-z0-9+=,.@_-]{1,59}$", var.member_role_name))
    error_message = "member_role_name must start with opsd-."
  }
}

variable "external_id" {
  description = "The external id opsd passes when it assumes a member role (the member-role module's external_id)."
  type        = string
  sensitive   = true
  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@:/_-]{2,1224}$", var.external_id))
    error_message = "external_id is 2 to 1224 of A-Z a-z 0-9 + = , . @ : / _ -."
  }
}

variable "manage_hub_account" {
  description = "true: opsd also acts in this (the hub) account, with its own role, which then gets the member policies too. false: this account is left out (aws.organization.exclude), as a dedicated tooling account should be."
  type        = bool
  default     = false
}

variable "excluded_account_ids" {
  description = "Accounts of the organization opsd never acts in (aws.organization.exclude): every account outside the OUs the member role is deployed to, which has no member role."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for id in var.excluded_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "excluded_account_ids are 12-digit account ids."
  }
}

variable "timezone" {
  description = "The IANA time zone of every schedule (timezone)."
  type        = string
  default     = "Europe/London"
}

variable "enable_shutdown" {
  description = "The overnight shutdown of tagged EC2, Auto Scaling groups and RDS (shutdown.enabled)."
  type        = bool
  default     = false
}

variable "enable_patching" {
  description = "Patch scans and installs through SSM (patching.enabled)."
  type        = bool
  default     = false
}

variable "enable_backup" {
  description = "AWS Backup vaults, locks, plans and selections per BackupPolicy (backup.enabled)."
  type        = bool
  default     = false
}

variable "enable_monitor" {
  description = "CloudWatch alarms, dashboards and log retention (monitor.enabled)."
  type        = bool
  default     = false
}

variable "enable_dlq" {
  description = "Dead-letter queue alerts and the S3 archive (dlq.enabled)."
  type        = bool
  default     = false
}

variable "enable_audit" {
  description = "The production readiness audit on schedule (audit.enabled)."
  type        = bool
  default     = false
}

variable "enable_certs" {
  description = "ACM certificate expiry and renewal reports (certs.enabled)."
  type        = bool
  default     = false
}

variable "slack_token_parameter_name" {
  description = "The SSM Parameter Store SecureString holding the Slack bot token, in this account and region (notify.slack.token_ssm_parameter); create it first. opsd reads it with its task role at start-up and on reload."
  type        = string
  default     = "/opsd/slack-token"
  validation {
    condition     = can(regex("^/[A-Za-z0-9_./-]+$", var.slack_token_parameter_name))
    error_message = "slack_token_parameter_name starts with /."
  }
}

variable "slack_token_kms_key_arn" {
  description = "The customer managed KMS key the token parameter is encrypted with; empty for the AWS managed key aws/ssm, which needs no grant."
  type        = string
  default     = ""
}

variable "slack_channel" {
  description = "The Slack channel every kind of message goes to (notify.slack.channel), e.g. \"#platform-ops\"."
  type        = string
}

variable "pagerduty_routing_key_parameter_name" {
  description = "The SSM Parameter Store SecureString holding the PagerDuty Events API v2 routing key, in this account and region, under /opsd/pagerduty/ (notify.pagerduty.routing_key_ssm_parameter); empty: nothing pages."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^$|^/opsd/pagerduty/[A-Za-z0-9_./-]+$", var.pagerduty_routing_key_parameter_name))
    error_message = "pagerduty_routing_key_parameter_name is empty or a parameter name under /opsd/pagerduty/."
  }
}

variable "pagerduty_routing_key_kms_key_arn" {
  description = "The customer managed KMS key the routing key parameter is encrypted with; empty for the AWS managed key aws/ssm."
  type        = string
  default     = ""
}

variable "event_topic_name" {
  description = "An SNS topic in this account and region, named opsd-..., that opsd publishes every message and page event to (notify.sns.topic_arn); empty: none."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^$|^opsd-[A-Za-z0-9_-]{1,251}$", var.event_topic_name))
    error_message = "event_topic_name is empty or a topic name starting opsd-."
  }
}

variable "lease_table_name" {
  description = "The DynamoDB table of the leader lease and opsd's state (ha.table)."
  type        = string
  default     = "opsd-lease"
}

variable "create_archive_bucket" {
  description = "Create the dead-letter queue archive bucket (dlq.archive.bucket)."
  type        = bool
  default     = true
}

variable "archive_bucket_name" {
  description = "With create_archive_bucket, the new bucket's name (empty: opsd-dlq-archive-<account>-<region>); without it, an existing bucket (all four Block Public Access settings on, default encryption), or empty for no archive."
  type        = string
  default     = ""
}

variable "organization_id" {
  description = "The AWS Organization's id (o-...). The archive bucket's policy lets the member roles of this organization, and no one else outside this account, write archives. Required with create_archive_bucket."
  type        = string
  default     = ""
  validation {
    condition     = var.organization_id == "" || can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id is o- and 10 to 32 lower-case letters or digits."
  }
}

variable "name" {
  description = "The name of the ECS cluster, the ECS service and the task definition's family (CloudFormation uses the stack's name)."
  type        = string
  default     = "opsd"
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.name))
    error_message = "name is 1 to 255 letters, digits, hyphens and underscores (ECS's rule for cluster and service names)."
  }
}

variable "log_group_name" {
  description = "opsd's log group (CloudFormation's is /ecs/<stack name>)."
  type        = string
  default     = "/ecs/opsd"
}

variable "task_role_name" {
  description = "The name of opsd's own role (the task role), which the member roles trust (the member-role module's hub_role_name)."
  type        = string
  default     = "opsd"
}

variable "patching_topic_arn" {
  description = "An SNS topic opsd also publishes the patch scan alert to (patching.sns_topic_arn), with the member role of the topic's account (the member-role module's patching_topic_arn); with manage_hub_account this account's role may publish to it. Empty: Slack only."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^$|^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.patching_topic_arn))
    error_message = "patching_topic_arn is empty or an SNS topic ARN."
  }
}

variable "delivery_logging_role_name" {
  description = "The role, by the same name in every account, SNS writes delivery status logs with: opsd switches delivery status logging on for topics with SQS subscriptions that log no failures (monitor.delivery_logging.role_arn, arn:...:role/NAME in each account; the member-role module's delivery_logging_role_name). Empty: such topics are reported and changed nowhere."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^$|^[A-Za-z0-9+=,.@_-]{1,64}$", var.delivery_logging_role_name))
    error_message = "delivery_logging_role_name is empty or a role name."
  }
}

variable "delivery_logging_topic_prefix" {
  description = "With delivery_logging_role_name, the start of the names of the topics opsd may switch delivery status logging on for (the member-role module's delivery_logging_topic_prefix). Required with delivery_logging_role_name."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^$|^[A-Za-z0-9_-]{1,255}$", var.delivery_logging_topic_prefix))
    error_message = "delivery_logging_topic_prefix is empty or the start of a topic name."
  }
}

variable "create_replay_role" {
  description = "With manage_hub_account and an archive, make the role people assume to run opsd dlq replay against this account's queues (the member-role module makes it in the member accounts)."
  type        = bool
  default     = false
}

variable "replay_role_name" {
  description = "The replay role's name in every account (the member-role module's replay_role_name): the archive bucket's policy lets the roles of this name in the organization list and read archives. Not opsd-...: opsd's own role may assume roles named so."
  type        = string
  default     = "dlq-replay"
  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.replay_role_name))
    error_message = "replay_role_name is a role name."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = { Application = "opsd" }
}
