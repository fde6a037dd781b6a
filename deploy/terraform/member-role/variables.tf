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
