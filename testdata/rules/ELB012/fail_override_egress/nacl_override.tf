# Replaces both egress rules of the public ACL. The ephemeral range is split around 8080, so
# nothing lets the load balancer reach its instances on 8080 any more.
resource "aws_network_acl" "public" {
  egress { # expect: ELB012
    rule_no    = 110
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "0.0.0.0/0"
    from_port  = 1024
    to_port    = 8079
  }

  egress {
    rule_no    = 120
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "0.0.0.0/0"
    from_port  = 8081
    to_port    = 65535
  }
}
