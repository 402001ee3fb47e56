# An internal NLB without security groups is not given any: nothing is implicit, it simply
# does not filter. TCP ip targets see the NLB's addresses, which are in the VPC.

resource "aws_security_group" "grpc" {
  name        = "grpc"
  description = "gRPC service"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "gRPC from the VPC"
    from_port   = 50051
    to_port     = 50051
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }

  egress {
    description = "all outbound"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "grpc" {
  name                             = "grpc"
  internal                         = true
  load_balancer_type               = "network"
  subnets                          = [aws_subnet.app_a.id, aws_subnet.app_b.id]
  enable_cross_zone_load_balancing = true
}

resource "aws_lb_target_group" "grpc" {
  name        = "grpc"
  port        = 50051
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id
}

resource "aws_lb_listener" "grpc" {
  load_balancer_arn = aws_lb.grpc.arn
  port              = 50051
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.grpc.arn
  }
}

resource "aws_instance" "grpc" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.small"
  subnet_id              = aws_subnet.app_a.id
  vpc_security_group_ids = [aws_security_group.grpc.id]
}

resource "aws_lb_target_group_attachment" "grpc" {
  target_group_arn = aws_lb_target_group.grpc.arn
  target_id        = aws_instance.grpc.private_ip
}
