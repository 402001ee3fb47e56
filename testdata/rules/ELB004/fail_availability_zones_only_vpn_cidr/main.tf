# A load balancer given only availability zones and no security groups lives in the default
# VPC (EC2-Classic is retired): its nodes connect from 172.31.0.0/16. The instances admit
# the app port only from the office VPN's range, so the load balancer cannot reach them.
resource "aws_security_group" "app" { # expect: ELB004
  name        = "app"
  description = "app servers"

  ingress {
    description = "app port from the office VPN"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["10.8.0.0/16"]
  }
}

resource "aws_instance" "app" {
  ami               = "ami-0123456789abcdef0"
  instance_type     = "t3.small"
  availability_zone = "eu-west-1a"
  security_groups   = [aws_security_group.app.name]
}

resource "aws_elb" "app" {
  name               = "app"
  availability_zones = ["eu-west-1a"]
  instances          = [aws_instance.app.id]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }

  health_check {
    target              = "TCP:8080"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}
