# Standalone rules whose count and for_each come from variables with no default: the HCL alone
# cannot tell how many rules there are, nor their ports. The plan (`-var-file=plan.tfvars`) has
# each instance: the instance group admits 9000 and 22 but not the instance port 8080
# (ELB004), which only the plan shows.

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
}

resource "aws_security_group_rule" "lb_in" {
  type              = "ingress"
  description       = "HTTP from clients"
  security_group_id = aws_security_group.lb.id
  protocol          = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_blocks       = ["0.0.0.0/0"]
}

resource "aws_security_group_rule" "lb_out" {
  count                    = length(var.egress_ports)
  type                     = "egress"
  description              = "to instances"
  security_group_id        = aws_security_group.lb.id
  protocol                 = "tcp"
  from_port                = var.egress_ports[count.index]
  to_port                  = var.egress_ports[count.index]
  source_security_group_id = aws_security_group.app.id
}

resource "aws_security_group" "app" {
  name   = "web-app"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group_rule" "app_in" {
  for_each                 = var.ingress_ports
  type                     = "ingress"
  description              = "${each.key} from LB"
  security_group_id        = aws_security_group.app.id
  protocol                 = "tcp"
  from_port                = each.value
  to_port                  = each.value
  source_security_group_id = aws_security_group.lb.id
}

resource "aws_instance" "web" {
  count                  = 2
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app_a.id
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_elb" "web" {
  name            = "web"
  subnets         = [aws_subnet.public_a.id]
  security_groups = [aws_security_group.lb.id]
  instances       = aws_instance.web[*].id

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

variable "egress_ports" {
  type        = list(number)
  description = "ports the LB may send to, one rule each"
}

variable "ingress_ports" {
  type        = map(number)
  description = "ports the instances admit from the LB, by purpose"
}
