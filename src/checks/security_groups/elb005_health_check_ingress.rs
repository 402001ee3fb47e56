//! ELB005: the instances' security groups must admit the LB's health check.

use super::utils::{instance_ingress, PortKind};
use crate::checks::context::Context;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// That the security groups of every registered instance allow inbound TCP on the
    /// health-check port from the load balancer. It applies when the health-check port is
    /// not also an instance port; a shared port is reported once, by ELB004.
    ///
    /// For Application and Network Load Balancers it is a target group's own
    /// `health_check.port`; health checks always come from the load balancer, even when it
    /// preserves client addresses.
    ///
    /// ## Why it matters
    /// A health check that cannot reach the instance marks it unhealthy, and an LB with no
    /// healthy instance answers 503 to every request.
    ///
    /// ## Example
    /// ```hcl
    /// health_check {
    ///   target = "HTTP:8081/health"
    /// }
    /// # the instance group admits 8080 from the LB, but not 8081
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// ingress {
    ///   from_port       = 8081
    ///   to_port         = 8081
    ///   protocol        = "tcp"
    ///   security_groups = [aws_security_group.lb.id]
    /// }
    /// ```
    pub(super) static RULE = {
        code: "ELB005",
        name: "health-check-ingress",
        severity: Error,
        summary: "no instance security group ingress allows the health-check port from the LB",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    instance_ingress(cx, out, &RULE, PortKind::HealthCheck);
}
