module "app" {
  source = "../../modules/app"

  env                = "staging"
  vpc_id             = "vpc-0a9b8c7d6e5f4a3b2"
  log_retention_days = 30
}
