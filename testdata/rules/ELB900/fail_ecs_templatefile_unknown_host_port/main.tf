# The container definitions are rendered from a template whose host port is a variable
# without a value: 8080 would pass, 0 (dynamic ports) would not.

resource "aws_security_group" "lb" {
  name        = "web-alb"
  description = "web ALB"
  vpc_id      = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "lb_http" {
  security_group_id = aws_security_group.lb.id
  description       = "HTTP from the internet"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "lb_to_hosts" {
  security_group_id            = aws_security_group.lb.id
  description                  = "to the container instances"
  ip_protocol                  = "tcp"
  from_port                    = 8080
  to_port                      = 8080
  referenced_security_group_id = aws_security_group.ecs_hosts.id
}

resource "aws_security_group" "ecs_hosts" {
  name        = "ecs-web-hosts"
  description = "ECS container instances"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "task ports from the ALB"
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.lb.id]
  }

  egress {
    description = "ECS agent, image pulls"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "web" {
  name               = "web"
  internal           = false
  load_balancer_type = "application"
  security_groups    = [aws_security_group.lb.id]
  subnets            = [aws_subnet.public_a.id, aws_subnet.public_b.id]
}

resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id

  health_check {
    path    = "/health"
    matcher = "200"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_ecs_cluster" "main" {
  name = "web"
}

resource "aws_launch_template" "ecs" {
  name_prefix            = "ecs-web-"
  image_id               = "ami-0a1b2c3d4e5f60718"
  instance_type          = "t3.medium"
  vpc_security_group_ids = [aws_security_group.ecs_hosts.id]

  iam_instance_profile {
    name = "ecsInstanceRole"
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    echo ECS_CLUSTER=${aws_ecs_cluster.main.name} >> /etc/ecs/ecs.config
  EOT
  )
}

resource "aws_autoscaling_group" "ecs" {
  name                  = "ecs-web"
  min_size              = 2
  max_size              = 6
  vpc_zone_identifier   = [aws_subnet.app_a.id, aws_subnet.app_b.id]
  protect_from_scale_in = true

  launch_template {
    id      = aws_launch_template.ecs.id
    version = "$Latest"
  }

  tag {
    key                 = "AmazonECSManaged"
    value               = true
    propagate_at_launch = true
  }
}

resource "aws_ecs_capacity_provider" "ecs" {
  name = "web-ec2"

  auto_scaling_group_provider {
    auto_scaling_group_arn         = aws_autoscaling_group.ecs.arn
    managed_termination_protection = "ENABLED"

    managed_scaling {
      status          = "ENABLED"
      target_capacity = 100
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = [aws_ecs_capacity_provider.ecs.name]

  default_capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.ecs.name
    weight            = 1
  }
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  network_mode             = "bridge"
  requires_compatibilities = ["EC2"]

  container_definitions = templatefile("${path.module}/web_containers.json.tftpl", { # expect: ELB900
    image     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2"
    host_port = var.host_port
  })
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 4

  capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.ecs.name
    weight            = 1
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 8080
  }

  depends_on = [aws_lb_listener.http, aws_ecs_cluster_capacity_providers.main]
}

variable "host_port" {
  type        = number
  description = "host port of the web container (0 for a dynamic port)"
}
