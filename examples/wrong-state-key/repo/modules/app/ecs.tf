resource "aws_security_group" "api" {
  name        = "${var.env}-api"
  description = "API tasks (${var.env})"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/ecs/${var.env}-api"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

resource "aws_ecs_task_definition" "api" {
  family                   = "${var.env}-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = aws_iam_role.ecs_task_execution.arn
  task_role_arn            = aws_iam_role.api_task.arn
  container_definitions = jsonencode([{
    name      = "api"
    image     = "public.ecr.aws/nginx/nginx:1.27"
    essential = true
    portMappings = [{ containerPort = 8443, protocol = "tcp" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.api.name
        awslogs-region        = "ap-northeast-1"
        awslogs-stream-prefix = "api"
      }
    }
  }])
  tags = local.tags
}
