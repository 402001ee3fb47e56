# The Auto Scaling group registers with a Classic Load Balancer named by `var.elb_name`, which
# has no value here. It may be aws_elb.web, whose instances would then be unchecked (they are
# not even admitted on 8080), so the tool says it cannot tell instead of passing in silence.
variable "elb_name" { # expect: ELB900
  description = "name of the load balancer the instances register with"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "app_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.11.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_security_group" "lb" {
  name   = "web-lb"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "HTTP from clients"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "to the instance subnet"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = [aws_subnet.app_a.cidr_block]
  }
}

resource "aws_security_group" "app" {
  name   = "web-app"
  vpc_id = aws_vpc.main.id

  ingress {
    description     = "stale port"
    from_port       = 80
    to_port         = 80
    protocol        = "tcp"
    security_groups = [aws_security_group.lb.id]
  }
}

resource "aws_launch_configuration" "web" {
  image_id        = "ami-0123456789abcdef0"
  instance_type   = "t3.micro"
  security_groups = [aws_security_group.app.id]
}

resource "aws_autoscaling_group" "web" {
  launch_configuration = aws_launch_configuration.web.id
  vpc_zone_identifier  = [aws_subnet.app_a.id]
  load_balancers       = [var.elb_name]
  min_size             = 1
  max_size             = 2
}

resource "aws_elb" "web" {
  name            = "web"
  subnets         = [aws_subnet.public_a.id]
  security_groups = [aws_security_group.lb.id]

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
