locals {
  tags = {
    Environment = var.env
    Service     = "api"
  }
}
