# The load balancer's subnets are read from the default VPC by a data source: which zones they
# cover is known only when Terraform plans, so an instance pinned to one zone is not reported.
data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }

  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

resource "aws_security_group" "elb" {
  name   = "web-elb"
  vpc_id = data.aws_vpc.default.id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["172.31.0.0/16"]
  }
}

resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = data.aws_vpc.default.id

  ingress {
    from_port       = 80
    to_port         = 80
    protocol        = "tcp"
    security_groups = [aws_security_group.elb.id]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  availability_zone      = "us-east-1c"
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_elb" "web" {
  name                      = "web"
  subnets                   = data.aws_subnets.default.ids
  security_groups           = [aws_security_group.elb.id]
  instances                 = [aws_instance.web.id]
  cross_zone_load_balancing = false

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 80
    instance_protocol = "http"
  }

  health_check {
    target              = "HTTP:80/"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}
