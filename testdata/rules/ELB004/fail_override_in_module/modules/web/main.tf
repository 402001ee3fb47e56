variable "vpc_id" {
  type = string
}

variable "subnet_id" {
  type = string
}

variable "lb_sg_id" {
  type = string
}

variable "app_port" {
  type = number
}

resource "aws_security_group" "app" {
  name   = "web-app"
  vpc_id = var.vpc_id

  ingress {
    description     = "app from LB"
    from_port       = var.app_port
    to_port         = var.app_port
    protocol        = "tcp"
    security_groups = [var.lb_sg_id]
  }
}

resource "aws_instance" "web" {
  count                  = 2
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = var.subnet_id
  vpc_security_group_ids = [aws_security_group.app.id]
}

output "security_group_id" {
  value = aws_security_group.app.id
}

output "instance_ids" {
  value = aws_instance.web[*].id
}
