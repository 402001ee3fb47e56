//! ELB021: instance groups should not admit the instance port from outside the VPC.

use super::utils::{broad_instance_rules, Platform};
use crate::checks::context::Context;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// Ingress rules of the registered instances' security groups that admit an instance
    /// port or the health-check port from addresses outside the VPC (e.g. `0.0.0.0/0`).
    ///
    /// ## Why it matters
    /// Clients can then reach the instances directly and bypass the load balancer, its TLS
    /// termination and its access logs. Admit the LB's security group instead. Only instances
    /// with a subnet proven public (a route to an internet gateway, or the default VPC) are
    /// reported: private subnets, and subnets or routes known only after apply, are not.
    ///
    /// ## Example
    /// ```hcl
    /// ingress {
    ///   from_port   = 8080
    ///   to_port     = 8080
    ///   protocol    = "tcp"
    ///   cidr_blocks = ["0.0.0.0/0"]
    /// }
    /// ```
    ///
    /// Use instead: `security_groups = [aws_security_group.lb.id]`.
    pub(super) static RULE = {
        code: "ELB021",
        name: "instance-bypass",
        severity: Warning,
        summary: "instance group admits the instance or health-check port from outside the VPC",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    broad_instance_rules(cx, out, &RULE, Platform::Vpc);
}
