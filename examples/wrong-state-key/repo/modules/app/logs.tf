# API logs: CloudWatch Logs -> subscription filter -> Firehose -> S3 (-> replica bucket).

resource "aws_s3_bucket" "logs" {
  bucket = "acme-${var.env}-api-logs"
  tags   = local.tags
}

resource "aws_kinesis_firehose_delivery_stream" "api_logs" {
  name        = "${var.env}-api-logs"
  destination = "extended_s3"

  extended_s3_configuration {
    role_arn            = aws_iam_role.firehose.arn
    bucket_arn          = aws_s3_bucket.logs.arn
    prefix              = "api/"
    error_output_prefix = "errors/"
  }

  tags = local.tags
}

resource "aws_cloudwatch_log_subscription_filter" "api_to_firehose" {
  name            = "${var.env}-api-to-firehose"
  log_group_name  = aws_cloudwatch_log_group.api.name
  filter_pattern  = ""
  destination_arn = aws_kinesis_firehose_delivery_stream.api_logs.arn
  role_arn        = aws_iam_role.cwlogs_to_firehose.arn
}

resource "aws_lambda_function" "log_processor" {
  function_name = "${var.env}-log-processor"
  role          = aws_iam_role.log_processor.arn
  handler       = "main.handler"
  runtime       = "python3.12"
  filename      = "build/log_processor.zip"

  environment {
    variables = {
      ENVIRONMENT = var.env
      LOG_BUCKET  = aws_s3_bucket.logs.bucket
    }
  }

  tags = local.tags
}
