terraform {
  required_version = ">= 1.3"
}

variable "env" {
  type    = string
  default = "prod"
}

variable "ports" {
  type = map(object({
    listen   = number
    instance = number
  }))
  default = {
    http  = { listen = 80, instance = 8080 }
    https = { listen = 443, instance = 8443 }
  }
}

locals {
  cidr    = "10.20.0.0/16"
  subnets = cidrsubnets(local.cidr, 8, 8, 8, 8)
  azs     = ["us-east-1a", "us-east-1b"]
  public  = { for i, az in local.azs : az => local.subnets[i] }
  private = { for i, az in local.azs : az => local.subnets[i + 2] }
  tags    = merge({ Env = var.env }, { Owner = "platform" })
}

resource "aws_vpc" "this" {
  cidr_block = local.cidr
  tags       = local.tags
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_subnet" "public" {
  for_each          = local.public
  vpc_id            = aws_vpc.this.id
  cidr_block        = each.value
  availability_zone = each.key
}

resource "aws_subnet" "private" {
  for_each          = local.private
  vpc_id            = aws_vpc.this.id
  cidr_block        = each.value
  availability_zone = each.key
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
}

resource "aws_route" "internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  for_each       = aws_subnet.public
  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

resource "aws_network_acl" "public" {
  vpc_id     = aws_vpc.this.id
  subnet_ids = [for s in aws_subnet.public : s.id]

  dynamic "ingress" {
    for_each = var.ports
    content {
      rule_no    = 100 + index(keys(var.ports), ingress.key)
      action     = "allow"
      protocol   = "tcp"
      cidr_block = "0.0.0.0/0"
      from_port  = ingress.value.listen
      to_port    = ingress.value.listen
    }
  }
}

resource "aws_network_acl_rule" "public_ephemeral_in" {
  network_acl_id = aws_network_acl.public.id
  rule_number    = 200
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = aws_vpc.this.cidr_block
  from_port      = 32768
  to_port        = 65535
}

resource "aws_network_acl_rule" "public_out" {
  network_acl_id = aws_network_acl.public.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
  from_port      = 0
  to_port        = 0
}

resource "aws_security_group" "lb" {
  name_prefix = "lb-"
  vpc_id      = aws_vpc.this.id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "lb_in" {
  for_each          = var.ports
  security_group_id = aws_security_group.lb.id
  ip_protocol       = "tcp"
  from_port         = each.value.listen
  to_port           = each.value.listen
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "lb_out" {
  for_each                     = var.ports
  security_group_id            = aws_security_group.lb.id
  ip_protocol                  = "tcp"
  from_port                    = each.value.instance
  to_port                      = each.value.instance
  referenced_security_group_id = module.app.security_group_id
}

module "app" {
  source       = "./modules/app"
  vpc_id       = aws_vpc.this.id
  subnet_ids   = values(aws_subnet.private)[*].id
  lb_group_id  = aws_security_group.lb.id
  ports        = [for k, p in var.ports : p.instance if k == "http"]
  elb_name     = aws_elb.web.name
}

resource "aws_elb" "web" {
  name            = "web-${var.env}"
  subnets         = [for s in aws_subnet.public : s.id]
  security_groups = [aws_security_group.lb.id]

  dynamic "listener" {
    for_each = var.ports
    content {
      lb_port           = listener.value.listen
      lb_protocol       = "tcp"
      instance_port     = listener.value.instance
      instance_protocol = "tcp"
    }
  }

  health_check {
    target              = "TCP:${var.ports["http"].instance}"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}
