terraform {
  backend "s3" {
    region       = "ap-northeast-1"
    bucket       = "acme-tfstate-nonprod"
    key          = "envs/staging/terraform.tfstate"
    use_lockfile = true
    encrypt      = true
  }
}
