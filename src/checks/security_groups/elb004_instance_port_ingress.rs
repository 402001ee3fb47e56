//! ELB004: the instances' security groups must admit the LB on the instance port.

use super::utils::{instance_ingress, PortKind};
use crate::checks::context::Context;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// That the security groups of every registered instance allow inbound TCP on each
    /// `listener.instance_port` from the load balancer: from one of the LB's groups, or from
    /// a CIDR that contains the LB's subnets.
    ///
    /// For Application and Network Load Balancers: the targets of every target group a
    /// listener forwards to, on the group's port (or the target's own: an attachment's
    /// `port`, an ECS host port, 32768-65535 for a dynamic one). When a Network Load Balancer
    /// preserves client addresses (`preserve_client_ip`, on by default for instance targets
    /// and UDP groups), the targets see the clients, so they must admit the clients (a rule
    /// naming the NLB's own group also does). Target groups of `target_type = "lambda"` have
    /// no network path and are not checked.
    ///
    /// ## Why it matters
    /// The LB connects to the instance port. If the instance group does not admit it, the
    /// connection times out, the instance is unhealthy, and clients get 503.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "app" {
    ///   ingress {
    ///     from_port   = 80
    ///     to_port     = 80
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// # the listener forwards to instance_port = 8000
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// ingress {
    ///   from_port       = 8000
    ///   to_port         = 8000
    ///   protocol        = "tcp"
    ///   security_groups = [aws_security_group.lb.id]
    /// }
    /// ```
    pub(super) static RULE = {
        code: "ELB004",
        name: "instance-port-ingress",
        severity: Error,
        summary: "no instance security group ingress allows the instance port from the LB",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    instance_ingress(cx, out, &RULE, PortKind::Instance);
}
