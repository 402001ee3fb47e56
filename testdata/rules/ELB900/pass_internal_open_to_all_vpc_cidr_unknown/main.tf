# The VPC CIDR is unknown, so the clients of this internal load balancer are too; but its
# group admits every address on the listener port, so the clients get in whatever the CIDR
# is (no note), and 0.0.0.0/0 reaches beyond any VPC (ELB020, in tests/pipeline.rs).
variable "cidr_block" {} # no default: VPC CIDR unknown

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
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_elb" "internal" {
  internal        = true
  subnets         = [aws_subnet.a.id]
  security_groups = [aws_security_group.lb.id]
  listener {
    lb_port           = 3306
    lb_protocol       = "tcp"
    instance_port     = 3306
    instance_protocol = "tcp"
  }
  health_check {
    target              = "TCP:3306"
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 3
    interval            = 30
  }
}
