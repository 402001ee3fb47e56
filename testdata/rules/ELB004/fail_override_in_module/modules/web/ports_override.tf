# Pins the application group to port 9000, whatever port the caller passes: the ingress
# block below replaces the one in main.tf.
resource "aws_security_group" "app" {
  ingress { # expect: ELB004
    description     = "app from LB"
    from_port       = 9000
    to_port         = 9000
    protocol        = "tcp"
    security_groups = [var.lb_sg_id]
  }
}
