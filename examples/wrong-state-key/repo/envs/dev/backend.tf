# State for this environment lives in the shared non-prod state bucket,
# locked with an S3 lock file next to it.
terraform {
  backend "s3" {
    bucket       = "acme-tfstate-nonprod"
    key          = "envs/dev/terraform.tfstate"
    region       = "ap-northeast-1"
    encrypt      = true
    use_lockfile = true
  }
}
