//! ELB003: the LB's security groups must let it health-check its instances.

use super::utils::{lb_egress, PortKind};
use crate::checks::context::Context;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// That the load balancer's security groups allow outbound TCP on the health-check port
    /// (the port in `health_check.target`, or 80 when there is no `health_check` block) to
    /// the registered instances. It applies when the health-check port is not also an
    /// instance port; a shared port is reported once, by ELB002.
    ///
    /// For Application and Network Load Balancers it is a target group's `health_check.port`
    /// when that is not the traffic port; a Network Load Balancer's health checks obey only
    /// its groups' egress rules.
    ///
    /// ## Why it matters
    /// If health checks cannot leave the LB, every instance is marked unhealthy and the LB
    /// stops routing to all of them.
    ///
    /// ## Example
    /// ```hcl
    /// health_check {
    ///   target = "HTTP:8081/health"
    /// }
    /// # the LB group allows egress on 8080 only
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// egress {
    ///   from_port       = 8081
    ///   to_port         = 8081
    ///   protocol        = "tcp"
    ///   security_groups = [aws_security_group.app.id]
    /// }
    /// ```
    pub(super) static RULE = {
        code: "ELB003",
        name: "health-check-egress",
        severity: Error,
        summary: "no LB security group egress allows the health-check port to the instances",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    lb_egress(cx, out, &RULE, PortKind::HealthCheck);
}
