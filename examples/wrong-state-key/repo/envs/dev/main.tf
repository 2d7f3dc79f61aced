module "app" {
  source = "../../modules/app"

  env                = "dev"
  vpc_id             = "vpc-0d1e2f3a4b5c6d7e8"
  log_retention_days = 7
}
