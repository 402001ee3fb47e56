# The load balancer comes from a registry module that is not installed (no `terraform init`
# here): the HCL alone cannot check it (TF005). The plan has the module's resources; with
# `--plan` they are checked from the plan, and the finding (ELB001: the group admits 443, the
# listener is on 80) points into plan.json.
#
# The plan was recorded from ../missing_module.record/, where the same call reads a local copy of the module.

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public_a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "eu-west-1a"
}

resource "aws_subnet" "public_b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "eu-west-1b"
}

module "lb" {
  source  = "example-org/lb/aws"
  version = "1.0.0"

  vpc_id  = aws_vpc.main.id
  subnets = [aws_subnet.public_a.id, aws_subnet.public_b.id]
}
