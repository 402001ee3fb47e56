#!/usr/bin/env bash
# Writes one Terraform root with N instances behind one Classic LB, N/2 security group rules,
# N/4 network ACL rules and N/10 subnets, to look for steps that grow faster than the input
# (README, section Performance). Usage: scripts/gen-big-root.sh N OUT (N at most 10000: the limit of count).
set -euo pipefail
N=${1:?usage: gen-big-root.sh N OUT}; D=${2:?usage: gen-big-root.sh N OUT}; mkdir -p "$D"
cat > "$D/main.tf" <<TF
variable "n" {
  default = $N
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/8"
}
resource "aws_subnet" "app" {
  count             = var.n / 10
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.0.0.0/8", 16, count.index)
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.255.0.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_security_group" "lb" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
}
resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
}
resource "aws_security_group_rule" "app" {
  count                    = var.n / 2
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  from_port                = 8080 + count.index
  to_port                  = 8080 + count.index
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.lb.id
}
resource "aws_vpc_security_group_ingress_rule" "mtu" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "icmp"
  from_port         = 3
  to_port           = 4
  cidr_ipv4         = "0.0.0.0/0"
}
resource "aws_network_acl" "app" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = aws_subnet.app[*].id
}
resource "aws_network_acl_rule" "deny" {
  count          = var.n / 4
  network_acl_id = aws_network_acl.app.id
  rule_number    = 1 + count.index
  egress         = false
  protocol       = "tcp"
  rule_action    = "deny"
  cidr_block     = cidrsubnet("192.0.0.0/8", 16, count.index)
  from_port      = 8080
  to_port        = 8080
}
resource "aws_network_acl_rule" "in" {
  network_acl_id = aws_network_acl.app.id
  rule_number    = 30000
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/8"
  from_port      = 8080
  to_port        = 8080
}
resource "aws_network_acl_rule" "out" {
  network_acl_id = aws_network_acl.app.id
  rule_number    = 30000
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/8"
  from_port      = 1024
  to_port        = 65535
}
resource "aws_instance" "web" {
  count                  = var.n
  ami                    = "ami-1"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app[count.index % (var.n / 10)].id
  vpc_security_group_ids = [aws_security_group.app.id]
  tags = { Name = "web-\${count.index}", Subnet = aws_subnet.app[count.index % (var.n / 10)].cidr_block }
}
resource "aws_elb" "web" {
  subnets         = [aws_subnet.public.id]
  security_groups = [aws_security_group.lb.id]
  instances       = aws_instance.web[*].id
  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }
  health_check {
    target              = "TCP:8080"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}
TF
