# The instance port is `var.server_port`, with no value, but the instances' rule admits
# `var.server_port + 1`: a value computed from the variable is another value (SPEC §9.2), so
# the rule is not proven to admit the instance port, and the requirement stays undecided.
variable "server_port" {} # expect: ELB900
variable "elb_port" {}
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_security_group" "elb" {
  vpc_id = aws_vpc.v.id
}
resource "aws_security_group_rule" "in" {
  type              = "ingress"
  security_group_id = aws_security_group.elb.id
  from_port         = var.elb_port
  to_port           = var.elb_port
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_security_group_rule" "out" {
  type              = "egress"
  security_group_id = aws_security_group.elb.id
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_security_group" "app" {
  vpc_id = aws_vpc.v.id
}
resource "aws_security_group_rule" "app_in" {
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  from_port                = var.server_port + 1
  to_port                  = var.server_port + 1
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.elb.id
}
resource "aws_security_group_rule" "app_health" {
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  from_port                = 22
  to_port                  = 22
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.elb.id
}

resource "aws_instance" "i" {
  ami                    = "ami-1"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
resource "aws_elb" "web" {
  subnets         = [aws_subnet.a.id]
  security_groups = [aws_security_group.elb.id]
  instances       = [aws_instance.i.id]
  listener {
    lb_port           = var.elb_port
    lb_protocol       = "http"
    instance_port     = var.server_port
    instance_protocol = "http"
  }
  health_check {
    target              = "TCP:22"
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 3
    interval            = 30
  }
}
