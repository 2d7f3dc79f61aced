# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version = "0.1.0"
  hashes = [
    "h1:HIcjqjTBg1mQxy/tg4QOOGfo8OJx19/bTJSdH5XiQow=",
  ]
}
