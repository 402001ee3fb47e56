variable "vpc_id" {}
variable "subnet_id" {}
variable "lb_sg_id" {}

resource "aws_security_group" "app" {
  vpc_id = var.vpc_id

  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [var.lb_sg_id]
  }
}

resource "aws_instance" "web" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = var.subnet_id
  vpc_security_group_ids = [aws_security_group.app.id]
}

output "security_group_ids" {
  value = [aws_security_group.app.id]
}

output "instance_ids" {
  value = [aws_instance.web.id]
}
