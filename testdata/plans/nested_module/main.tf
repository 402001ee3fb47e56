# The load balancer lives in a local module whose instance port comes from a root variable with
# no default. The plan (`-var app_port=9090`) decides it: the module's instance group admits
# only 8080, so the instances are unreachable (ELB004), which only the plan shows.

module "web" {
  source   = "./modules/web"
  app_port = var.app_port
}

variable "app_port" {
  type        = number
  description = "port the application listens on"
}
