# A network module in the Terraform 0.6-0.11 style of hashicorp/best-practices: subnets made with
# `count` over a comma-separated list, their ids passed out as one comma-joined string.
variable "vpc_cidr" {}
variable "public_cidrs" {}
variable "private_cidrs" {}
variable "azs" {}

resource "aws_vpc" "main" {
  cidr_block = var.vpc_cidr
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_subnet" "public" {
  count             = length(split(",", var.public_cidrs))
  vpc_id            = aws_vpc.main.id
  cidr_block        = element(split(",", var.public_cidrs), count.index)
  availability_zone = element(split(",", var.azs), count.index)
}

resource "aws_route_table_association" "public" {
  count          = length(split(",", var.public_cidrs))
  subnet_id      = element(aws_subnet.public.*.id, count.index)
  route_table_id = aws_route_table.public.id
}

resource "aws_subnet" "private" {
  count             = length(split(",", var.private_cidrs))
  vpc_id            = aws_vpc.main.id
  cidr_block        = element(split(",", var.private_cidrs), count.index)
  availability_zone = element(split(",", var.azs), count.index)
}

# The private subnets admit only SSH from the VPC: the instances' port 8080 is closed.
resource "aws_network_acl" "private" { # expect: ELB014
  vpc_id     = aws_vpc.main.id
  subnet_ids = split(",", join(",", aws_subnet.private.*.id))

  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = var.vpc_cidr
    from_port  = 22
    to_port    = 22
  }

  egress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
}

output "vpc_id" {
  value = aws_vpc.main.id
}

output "public_subnet_ids" {
  value = join(",", aws_subnet.public.*.id)
}

output "private_subnet_ids" {
  value = join(",", aws_subnet.private.*.id)
}
