# One internet-facing Classic Load Balancer in front of one instance. The load balancer's
# group lets the listener in but only lets port 80 out, while the instances listen on 8080,
# so neither traffic nor the health check reaches them. The instance group also admits
# port 8080 from anywhere, which lets clients bypass the load balancer.

# tf-elbcheck:ignore ELB010 -- the subnet NACLs are managed by the network team's stack
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "gw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "app" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_elb" "web" {
  name            = "web"
  subnets         = [aws_subnet.public.id]
  security_groups = [aws_security_group.lb.id]
  instances       = [aws_instance.app.id]

  listener {
    lb_port           = 443
    lb_protocol       = "tcp"
    instance_port     = 8080
    instance_protocol = "tcp"
  }

  health_check {
    target              = "HTTP:8080/health" # tf-elbcheck:ignore ELB024
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 5
    interval            = 30
  }
}

resource "aws_instance" "app" {
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
