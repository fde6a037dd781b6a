# The same inputs as deploy/cloudformation/member-role.yaml's parameters
# (go test ./deploy/terraform checks the names match), plus
# existing_role_name and tags.

variable "hub_account_id" {
  description = "The account opsd runs in (the hub module's hub_account_id output). Required unless existing_role_name is set."
  type        = string
  default     = null
  validation {
    condition     = var.hub_account_id == null || can(regex("^[0-9]{12}$", var.hub_account_id))
    error_message = "hub_account_id is a 12-digit account id."
  }
}

variable "hub_role_name" {
  description = "The name of opsd's own role in the hub account (the hub module's task_role_name output)."
  type        = string
  default     = "opsd"
}

variable "role_name" {
  description = "The name of this role, the same in every account: opsd's aws.organization.role_name. It must start with opsd-, the only roles opsd's own policy lets it assume."
  type        = string
  default     = "opsd-member"
  validation {
    condition     = can(regex("^opsd-[A-Za-z0-9+=,.@_-]{1,59}$", var.role_name))
    error_message = "role_name must start with opsd-."
  }
}

variable "external_id" {
  description = "The external id opsd passes when it assumes this role (aws.organization.external_id or aws.accounts[].external_id). Required unless existing_role_name is set."
  type        = string
  default     = null
  sensitive   = true
}

variable "archive_bucket_name" {
  description = "The dead-letter queue archive bucket (the hub module's archive_bucket_name output), written to with this role; empty when nothing is archived."
  type        = string
  default     = ""
}

variable "patching_topic_arn" {
  description = "The SNS topic opsd publishes the patch scan alert to (patching.sns_topic_arn, the hub module's patching_topic_arn); this role may publish to it and to no other topic. Empty: none."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^$|^arn:[a-z-]+:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.patching_topic_arn))
    error_message = "patching_topic_arn is empty or an SNS topic ARN."
  }
}

variable "delivery_logging_role_name" {
  description = "The role in this account SNS writes delivery status logs with (monitor.delivery_logging.role_arn, the hub module's delivery_logging_role_name); this role may pass it to SNS and no other. Empty: opsd reports topics without delivery status logging and changes none."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^$|^[A-Za-z0-9+=,.@_-]{1,64}$", var.delivery_logging_role_name))
    error_message = "delivery_logging_role_name is empty or a role name."
  }
}

variable "delivery_logging_topic_prefix" {
  description = "With delivery_logging_role_name, the start of the names of the topics opsd may switch delivery status logging on for (sns:SetTopicAttributes, which also sets a topic's access policy, on those topics only). Required with delivery_logging_role_name."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^$|^[A-Za-z0-9_-]{1,255}$", var.delivery_logging_topic_prefix))
    error_message = "delivery_logging_topic_prefix is empty or the start of a topic name."
  }
}

variable "create_replay_role" {
  description = "true: make the role people of this account assume to run opsd dlq replay (deploy/iam/replay-policy.json), which sends archived messages back to this account's queues; opsd's own roles send none. Needs archive_bucket_name."
  type        = bool
  default     = false
}

variable "replay_role_name" {
  description = "The replay role's name, the same in every account and the hub module's replay_role_name (the archive bucket's policy lets it read). Not opsd-...: opsd's own role may assume roles named so."
  type        = string
  default     = "dlq-replay"
  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.replay_role_name))
    error_message = "replay_role_name is a role name."
  }
}

variable "existing_role_name" {
  description = "Attach the member policies to this existing role instead of creating one: the hub module uses it for opsd's own role when opsd acts in its own account."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags for the role and policies."
  type        = map(string)
  default     = { Application = "opsd" }
}
