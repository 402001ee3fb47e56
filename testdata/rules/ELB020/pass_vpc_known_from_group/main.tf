# The subnets of the load balancer come from a comma-joined id list given by the pipeline
# (`var.public_subnet_ids`, no value here, as modules written for Terraform 0.11 passed them),
# but its security group says which VPC it is in: the rule from the VPC CIDR is inside that VPC.
variable "vpc_cidr" {
  default = "10.139.0.0/16"
}

resource "aws_vpc" "main" {
  cidr_block = var.vpc_cidr
}

resource "aws_subnet" "public" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(var.vpc_cidr, 8, count.index)
}

variable "public_subnet_ids" {
  description = "0.11-style comma-joined subnet ids"
}

resource "aws_security_group" "elb" {
  vpc_id = aws_vpc.main.id
  ingress {
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = [var.vpc_cidr]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
  ingress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = [var.vpc_cidr]
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public[0].id
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_elb" "internal" {
  internal        = true
  subnets         = split(",", var.public_subnet_ids)
  security_groups = [aws_security_group.elb.id]
  instances       = [aws_instance.app.id]
  listener {
    lb_port           = 80
    lb_protocol       = "tcp"
    instance_port     = 8200
    instance_protocol = "tcp"
  }
  health_check {
    target              = "TCP:8200"
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 5
    interval            = 10
  }
}
