variable "vpc_id" {}
variable "subnet_ids" { type = list(string) }
variable "lb_group_id" {}
variable "ports" { type = list(number) }
variable "elb_name" {}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = var.vpc_id

  dynamic "ingress" {
    for_each = toset(var.ports)
    content {
      from_port       = ingress.value
      to_port         = ingress.value
      protocol        = "tcp"
      security_groups = [var.lb_group_id]
    }
  }

  ingress {
    from_port   = 3
    to_port     = 4
    protocol    = "icmp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_launch_template" "app" {
  name_prefix            = "app-"
  image_id               = "ami-12345678"
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_autoscaling_group" "app" {
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = var.subnet_ids
  load_balancers      = [var.elb_name]

  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.app.id
        version            = "$Latest"
      }
    }
  }
}

output "security_group_id" {
  value = aws_security_group.app.id
}
