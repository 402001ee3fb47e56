# Neither the subnets nor the security group of this internal load balancer say which VPC it
# is in, so whether 10.139.0.0/16 lies inside it is unknown: a note, never a guess that it is
# the default VPC (172.31.0.0/16).
variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

resource "aws_security_group" "elb" {
  vpc_id = var.vpc_id

  ingress {
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["10.139.0.0/16"]
  }

  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_elb" "internal" {
  internal        = true
  subnets         = var.subnet_ids
  security_groups = [aws_security_group.elb.id]

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
