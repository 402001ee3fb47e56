# A UDP ip target group always preserves client IPs: queries arrive from the clients'
# public addresses. The resolver's group admits UDP 53 from the VPC only.

resource "aws_security_group" "dns" { # expect: ELB004
  name        = "dns"
  description = "DNS resolver"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "DNS queries"
    from_port   = 53
    to_port     = 53
    protocol    = "udp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }

  ingress {
    description = "health checks"
    from_port   = 53
    to_port     = 53
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

resource "aws_lb" "dns" {
  name                             = "dns"
  internal                         = false
  load_balancer_type               = "network"
  subnets                          = [aws_subnet.public_a.id, aws_subnet.public_b.id]
  enable_cross_zone_load_balancing = true
}

resource "aws_lb_target_group" "dns" {
  name        = "dns"
  port        = 53
  protocol    = "UDP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id

  health_check {
    protocol = "TCP"
  }
}

resource "aws_lb_listener" "dns" {
  load_balancer_arn = aws_lb.dns.arn
  port              = 53
  protocol          = "UDP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.dns.arn
  }
}

resource "aws_instance" "dns" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.small"
  subnet_id              = aws_subnet.app_a.id
  vpc_security_group_ids = [aws_security_group.dns.id]
}

resource "aws_lb_target_group_attachment" "dns" {
  target_group_arn = aws_lb_target_group.dns.arn
  target_id        = aws_instance.dns.private_ip
}
