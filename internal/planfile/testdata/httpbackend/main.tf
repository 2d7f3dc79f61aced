terraform {
  backend "http" {
    address  = "http://127.0.0.1:18731/state/app"
    username = "ci"
    password = "CANARYhttpPASSWORD0123456789abcdefXYZ"
  }
}

output "x" {
  value = 1
}
