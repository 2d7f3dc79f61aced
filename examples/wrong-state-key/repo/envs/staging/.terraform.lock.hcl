# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version = "0.1.0"
  hashes = [
    "h1:EbuJEOO0RhdWUrmhhhcGTCtE1l1apbmNg0bW/ypIEPE=",
  ]
}
