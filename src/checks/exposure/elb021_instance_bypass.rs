//! ELB021: instance groups should not admit the instance port from outside the VPC.

use super::utils::{broad_instance_rules, Platform};
use crate::checks::context::Context;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// Ingress rules of the registered instances' security groups that admit an instance
    /// port or the health-check port from addresses outside the VPC (e.g. `0.0.0.0/0`).
    ///
    /// It is a warning when the instances may be reachable from the internet: some subnet of
    /// theirs has a route to an internet gateway, they are in the default VPC (whose main route
    /// table sends `0.0.0.0/0` to its internet gateway), or their subnets' routing is not in
    /// this configuration. It is a note when every subnet of the instances is proven private
    /// (its route table has no route to an internet gateway): only peered networks or VPNs
    /// could then bypass the load balancer. Instances whose subnets are unknown are left out.
    ///
    /// ## Why it matters
    /// Clients can then reach the instances directly and bypass the load balancer, its TLS
    /// termination and its access logs. Admit the LB's security group instead.
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
        demoted: (Note, "the instances are in private subnets: only peered networks or VPNs could bypass the LB"),
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    broad_instance_rules(cx, out, &RULE, Platform::Vpc);
}
