# Ports taken from a resource attribute are numbers known only after apply, not invalid values.
resource "aws_db_instance" "db" {
  engine = "mysql"
}
resource "aws_security_group" "db" {
  ingress {
    from_port   = aws_db_instance.db.port
    to_port     = aws_db_instance.db.port
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
resource "aws_elb" "web" {
  availability_zones = ["us-east-1a"]
  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = aws_db_instance.db.port # expect: ELB900
    instance_protocol = "http"
  }
}
