# Excluded by .tf-elbcheck.toml: nothing here may appear in the output, not even this
# suppression without a reason.
# tf-elbcheck:ignore ELB022
resource "aws_elb" "old" {
  availability_zones = ["eu-west-1a"]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 80
    instance_protocol = "http"
  }
}
