# Dev only: a role developers assume to experiment, and a scratch bucket.

resource "aws_iam_role" "developer_sandbox" {
  name = "dev-developer-sandbox"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:root" } }]
  })
  tags = { Environment = "dev" }
}

resource "aws_iam_role_policy_attachment" "developer_sandbox" {
  role       = aws_iam_role.developer_sandbox.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}

resource "aws_s3_bucket" "scratch" {
  bucket = "acme-dev-scratch"
  tags   = { Environment = "dev" }
}
