output "security_group_id" {
  description = "The API tasks' security group."
  value       = aws_security_group.api.id
}

output "task_definition_arn" {
  description = "The API task definition revision."
  value       = aws_ecs_task_definition.api.arn
}
