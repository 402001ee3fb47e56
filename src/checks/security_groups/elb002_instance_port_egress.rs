//! ELB002: the LB's security groups must let it send to its instances on the instance port.

use super::utils::{lb_egress, PortKind};
use crate::checks::context::Context;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// That the load balancer's security groups allow outbound TCP on every
    /// `listener.instance_port` to the registered instances: to a group the instances carry,
    /// or to a CIDR that contains the instances' subnets.
    ///
    /// For Application and Network Load Balancers the port is each target group's port (or a
    /// target's own: an attachment's `port`, an ECS host port), towards the targets of every
    /// group a listener forwards to.
    ///
    /// ## Why it matters
    /// Terraform removes AWS's default allow-all egress rule from every group it creates. An
    /// LB group without an egress rule cannot forward a single request: every instance is
    /// marked unhealthy and clients get 503.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "lb" {
    ///   ingress {
    ///     from_port   = 80
    ///     to_port     = 80
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    ///   # no egress block: no egress at all
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// egress {
    ///   from_port       = 8080
    ///   to_port         = 8080
    ///   protocol        = "tcp"
    ///   security_groups = [aws_security_group.app.id]
    /// }
    /// ```
    pub(super) static RULE = {
        code: "ELB002",
        name: "instance-port-egress",
        severity: Error,
        summary: "no LB security group egress allows the instance port to the instances",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    lb_egress(cx, out, &RULE, PortKind::Instance);
}
