# A load balancer given only availability zones and no security groups: AWS creates it in the
# default VPC and attaches the account's default_elb_* group, whose rules are not here.
resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port       = 80
    to_port         = 80
    protocol        = "tcp"
    security_groups = [aws_elb.web.source_security_group_id]
  }

  ingress {
    from_port   = 3
    to_port     = 4
    protocol    = "icmp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "web" {
  ami               = "ami-0123456789abcdef0"
  instance_type     = "t3.micro"
  availability_zone = "us-west-2a"
  security_groups   = [aws_security_group.web.name]
}

resource "aws_elb" "web" { # expect: ELB022
  name               = "web"
  availability_zones = ["us-west-2a"]
  instances          = [aws_instance.web.id]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 80
    instance_protocol = "http"
  }

  health_check {
    target              = "HTTP:80/index.html"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}
