# A data source's list passed into a `list(string)` module variable is a value known only after
# apply, not an invalid value: the subnets, and so their network ACLs, are undecided.
data "aws_subnets" "public" {}

module "elb" {
  source  = "./elb"
  subnets = data.aws_subnets.public.ids
}
