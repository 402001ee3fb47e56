# Terraform merges this file into the blocks of main.tf: the ingress blocks below replace every
# ingress block of aws_security_group.app, so the stale port 80 rule no longer exists.
resource "aws_security_group" "app" {
  ingress {
    description     = "app port from the load balancer"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.lb.id]
  }
}
