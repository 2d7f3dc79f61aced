# The log bucket is replicated; the replica accepts writes only from the
# replication role, pinned by its unique role id (AROA...), not its name.

resource "aws_s3_bucket" "logs_replica" {
  bucket = "acme-${var.env}-api-logs-replica"
  tags   = local.tags
}

resource "aws_s3_bucket_replication_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  role   = aws_iam_role.s3_replication.arn

  rule {
    id     = "replicate-all"
    status = "Enabled"

    filter {
      prefix = ""
    }

    delete_marker_replication {
      status = "Disabled"
    }

    destination {
      bucket        = aws_s3_bucket.logs_replica.arn
      storage_class = "STANDARD_IA"
    }
  }
}

resource "aws_s3_bucket_policy" "logs_replica" {
  bucket = aws_s3_bucket.logs_replica.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OnlyReplicationRoleWrites"
      Effect    = "Deny"
      Principal = "*"
      Action    = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:PutObject"]
      Resource  = "${aws_s3_bucket.logs_replica.arn}/*"
      Condition = {
        StringNotLike = { "aws:userId" = "${aws_iam_role.s3_replication.unique_id}:*" }
      }
    }]
  })
}
