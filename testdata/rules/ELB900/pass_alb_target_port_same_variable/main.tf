# An Application Load Balancer whose listener and target group ports come from variables
# without a value (the style of gruntwork's examples): every rule on the way names the same
# variables, so whatever the values are, the rules admit them (SPEC §9.2) and nothing is left
# undecided.
variable "server_port" {}
variable "lb_port" {}
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_internet_gateway" "g" { vpc_id = aws_vpc.v.id }
resource "aws_route_table" "p" {
  vpc_id = aws_vpc.v.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.g.id
  }
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}
resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.v.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
}
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.p.id
}
resource "aws_route_table_association" "b" {
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.p.id
}
resource "aws_security_group" "alb" {
  vpc_id = aws_vpc.v.id
  ingress {
    from_port   = var.lb_port
    to_port     = var.lb_port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port       = var.server_port
    to_port         = var.server_port
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
}
resource "aws_security_group" "app" {
  vpc_id = aws_vpc.v.id
}
resource "aws_security_group_rule" "app_in" {
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  from_port                = var.server_port
  to_port                  = var.server_port
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.alb.id
}
resource "aws_lb" "web" {
  load_balancer_type = "application"
  subnets            = [aws_subnet.a.id, aws_subnet.b.id]
  security_groups    = [aws_security_group.alb.id]
}
resource "aws_lb_target_group" "web" {
  port     = var.server_port
  protocol = "HTTP"
  vpc_id   = aws_vpc.v.id
  health_check {
    path = "/"
  }
}
resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  port              = var.lb_port
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
resource "aws_instance" "app" {
  ami                    = "ami-1"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.a.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
resource "aws_lb_target_group_attachment" "app" {
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = aws_instance.app.id
}
