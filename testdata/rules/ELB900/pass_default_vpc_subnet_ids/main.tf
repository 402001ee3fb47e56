# Older forms of the same data sources: `aws_subnet_ids` (provider 3.x) filtered on the default
# VPC, and one default subnet picked by `default_for_az`. Both are subnets of the default VPC
# with its allow-all default network ACL.
data "aws_vpc" "default" {
  default = true
}

data "aws_subnet_ids" "default" {
  vpc_id = data.aws_vpc.default.id
}

data "aws_subnet" "a" {
  availability_zone = "us-east-1a"
  default_for_az    = true
}

resource "aws_security_group" "elb" {
  name   = "api-elb"
  vpc_id = data.aws_vpc.default.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 8443
    to_port     = 8443
    protocol    = "tcp"
    cidr_blocks = ["172.31.0.0/16"]
  }
}

resource "aws_security_group" "api" {
  name   = "api"
  vpc_id = data.aws_vpc.default.id

  ingress {
    from_port       = 8443
    to_port         = 8443
    protocol        = "tcp"
    security_groups = [aws_security_group.elb.id]
  }
}

resource "aws_instance" "api" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.small"
  subnet_id              = data.aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.api.id]
}

resource "aws_elb" "api" {
  name            = "api"
  subnets         = data.aws_subnet_ids.default.ids
  security_groups = [aws_security_group.elb.id]
  instances       = [aws_instance.api.id]

  listener {
    lb_port            = 443
    lb_protocol        = "https"
    instance_port      = 8443
    instance_protocol  = "https"
    ssl_certificate_id = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
  }

  health_check {
    target              = "HTTPS:8443/health"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}
