# An internet-facing Classic Load Balancer placed in the instances' private subnet.

resource "aws_security_group" "lb" {
  name        = "web-elb"
  description = "web Classic Load Balancer"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "HTTP from the internet"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description     = "to the web instances"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
}

resource "aws_security_group" "app" {
  name        = "web-app"
  description = "web instances"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group_rule" "app_from_lb" {
  type                     = "ingress"
  description              = "app port from the ELB"
  security_group_id        = aws_security_group.app.id
  protocol                 = "tcp"
  from_port                = 8080
  to_port                  = 8080
  source_security_group_id = aws_security_group.lb.id
}

resource "aws_instance" "web" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.small"
  subnet_id              = aws_subnet.app_a.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_elb" "web" {
  name            = "web"
  subnets         = [aws_subnet.app_a.id] # expect: ELB029
  security_groups = [aws_security_group.lb.id]
  instances       = [aws_instance.web.id]

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
