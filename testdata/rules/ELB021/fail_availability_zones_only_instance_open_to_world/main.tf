# A load balancer given only availability zones. EC2-Classic is retired, so AWS creates it in
# the region's default VPC, and the Auto Scaling group's instances land in the default VPC's
# public subnets: a rule open to the world lets clients bypass the load balancer.
resource "aws_security_group" "instance" {
  name = "web-instance"

  ingress { # expect: ELB021
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "elb" {
  name = "web-elb"

  ingress {
    from_port   = 80
    to_port     = 80
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

resource "aws_launch_configuration" "web" {
  image_id        = "ami-0123456789abcdef0"
  instance_type   = "t3.micro"
  security_groups = [aws_security_group.instance.id]

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_autoscaling_group" "web" {
  launch_configuration = aws_launch_configuration.web.id
  availability_zones   = ["us-east-1a", "us-east-1b"]
  load_balancers       = [aws_elb.web.name]
  health_check_type    = "ELB"
  min_size             = 2
  max_size             = 10
}

resource "aws_elb" "web" {
  name               = "web-asg"
  availability_zones = ["us-east-1a", "us-east-1b"]
  security_groups    = [aws_security_group.elb.id]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }

  health_check {
    target              = "HTTP:8080/"
    interval            = 30
    timeout             = 3
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}
