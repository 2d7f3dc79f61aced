variable "env" {
  description = "Environment name; prefixes every resource name."
  type        = string
}

variable "vpc_id" {
  description = "VPC the API's security group belongs to."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the API's CloudWatch log group."
  type        = number
  default     = 14
}
