# A load balancer in zone a only, with cross-zone balancing off, and an instance in zone b.

resource "aws_security_group" "web" {
  name = "web"
}

resource "aws_security_group_rule" "from_lb" {
  type                     = "ingress"
  security_group_id        = aws_security_group.web.id
  protocol                 = "tcp"
  from_port                = 8080
  to_port                  = 8080
  source_security_group_id = aws_elb.web.source_security_group_id
}

resource "aws_security_group_rule" "path_mtu" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  protocol          = "icmp"
  from_port         = 3
  to_port           = 4
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_instance" "web" {
  ami               = "ami-0123456789abcdef0"
  instance_type     = "t3.micro"
  availability_zone = "us-east-1b"
  security_groups   = [aws_security_group.web.name]
}

resource "aws_elb" "web" { # expect: ELB027
  name                      = "web"
  availability_zones        = ["us-east-1a"]
  cross_zone_load_balancing = false
  instances                 = [aws_instance.web.id]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }

  health_check {
    target              = "HTTP:8080/health"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}
