# The VPC CIDR is unknown, so the clients of this internal load balancer are too, and its
# group admits the listener port only from 10.0.0.0/8: whether any client of the VPC is in
# that range depends on the CIDR nobody gave, so the requirement stays undecided.
variable "cidr_block" {} # no default: VPC CIDR unknown # expect: ELB900

resource "aws_vpc" "main" {
  cidr_block = var.cidr_block
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(var.cidr_block, 8, 1)
}

resource "aws_security_group" "lb" {
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    cidr_blocks     = ["10.0.0.0/8"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_elb" "broker" {
  internal        = true
  subnets         = [aws_subnet.a.id]
  security_groups = [aws_security_group.lb.id]
  listener {
    lb_port           = 443
    lb_protocol       = "tcp"
    instance_port     = 443
    instance_protocol = "tcp"
  }
  health_check {
    target              = "TCP:443"
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 3
    interval            = 30
  }
}
