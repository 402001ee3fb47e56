# An NLB with a security group and instance targets: client IPs are preserved, so traffic
# reaches the instances from the clients' public addresses. The target rule admits the
# VPC CIDR instead of the NLB's group.

resource "aws_security_group" "nlb" {
  name        = "web-nlb"
  description = "web NLB"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group_rule" "nlb_http_in" {
  type              = "ingress"
  description       = "HTTP from the internet"
  security_group_id = aws_security_group.nlb.id
  protocol          = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "nlb_to_app" {
  type                     = "egress"
  description              = "to the web instances"
  security_group_id        = aws_security_group.nlb.id
  protocol                 = "tcp"
  from_port                = 8080
  to_port                  = 8080
  source_security_group_id = aws_security_group.app.id
}

resource "aws_security_group" "app" { # expect: ELB004
  name        = "web-app"
  description = "web instances"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group_rule" "app_from_nlb" {
  type              = "ingress"
  description       = "app port from the NLB"
  security_group_id = aws_security_group.app.id
  protocol          = "tcp"
  from_port         = 8080
  to_port           = 8080
  cidr_blocks       = [aws_vpc.main.cidr_block]
}

resource "aws_lb" "web" {
  name               = "web"
  internal           = false
  load_balancer_type = "network"
  security_groups    = [aws_security_group.nlb.id]
  subnets            = [aws_subnet.public_a.id, aws_subnet.public_b.id]
}

resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 8080
  protocol = "TCP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "tcp" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_launch_template" "web" {
  name_prefix            = "web-"
  image_id               = "ami-0123456789abcdef0"
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_autoscaling_group" "web" {
  name                = "web"
  min_size            = 2
  max_size            = 6
  vpc_zone_identifier = [aws_subnet.app_a.id, aws_subnet.app_b.id]
  target_group_arns   = [aws_lb_target_group.web.arn]
  health_check_type   = "ELB"

  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }
}
