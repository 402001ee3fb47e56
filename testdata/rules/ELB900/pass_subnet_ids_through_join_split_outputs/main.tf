# Subnet ids travel as one comma-joined string through module outputs and are split again
# where they are used (SPEC §9.2): they keep their identity, so the private subnets' network
# ACL is found and proven to admit the instance port: nothing is left undecided.
provider "aws" {
  region = "eu-west-1"
}

module "network" {
  source        = "./modules/network"
  vpc_cidr      = "10.20.0.0/16"
  public_cidrs  = "10.20.1.0/24,10.20.2.0/24"
  private_cidrs = "10.20.11.0/24,10.20.12.0/24"
  azs           = "eu-west-1a,eu-west-1b"
}

resource "aws_security_group" "elb" {
  vpc_id = module.network.vpc_id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "app" {
  vpc_id = module.network.vpc_id

  ingress {
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.elb.id]
  }
}

resource "aws_instance" "app" {
  count                  = 2
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.micro"
  subnet_id              = element(split(",", module.network.private_subnet_ids), count.index)
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_elb" "web" {
  name            = "web"
  subnets         = split(",", module.network.public_subnet_ids)
  security_groups = [aws_security_group.elb.id]
  instances       = aws_instance.app.*.id

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }

  health_check {
    target              = "HTTP:8080/"
    healthy_threshold   = 2
    unhealthy_threshold = 2
    timeout             = 3
    interval            = 30
  }
}
