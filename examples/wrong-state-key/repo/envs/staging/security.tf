# Who may reach the API tasks in staging.

resource "aws_vpc_security_group_ingress_rule" "https_office" {
  security_group_id = module.app.security_group_id
  description       = "HTTPS from the office"
  ip_protocol       = "tcp"
  from_port         = 8443
  to_port           = 8443
  cidr_ipv4         = "203.0.113.0/24"
  tags              = { Environment = "staging" }
}

resource "aws_vpc_security_group_ingress_rule" "https_partner" {
  security_group_id = module.app.security_group_id
  description       = "HTTPS from the partner's QA network"
  ip_protocol       = "tcp"
  from_port         = 8443
  to_port           = 8443
  cidr_ipv4         = "198.51.100.0/27"
  tags              = { Environment = "staging" }
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = module.app.security_group_id
  description       = "All outbound"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
  tags              = { Environment = "staging" }
}
