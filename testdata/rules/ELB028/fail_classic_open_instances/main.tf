resource "aws_security_group" "app" {
  name        = "web-app"
  description = "web servers"

  ingress {
    description     = "app from the load balancer"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_elb.web.source_security_group_id]
  }

  ingress { # expect: ELB028
    description = "app from anywhere, left over from before the lock-down"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami               = "ami-0123456789abcdef0"
  instance_type     = "m1.small"
  availability_zone = "us-east-1a"
  security_groups   = [aws_security_group.app.name]
}

resource "aws_elb" "web" {
  name               = "web"
  availability_zones = ["us-east-1a"]
  instances          = [aws_instance.web.id]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }

  health_check {
    target              = "HTTP:8080/"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}
