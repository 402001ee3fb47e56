//! ELB028: EC2-Classic instances should admit the LB's source group, not 0.0.0.0/0.

use super::utils::{broad_instance_rules, Platform};
use crate::checks::context::Context;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// For an EC2-Classic load balancer (availability zones only, no VPC in the
    /// configuration), instance-group rules that admit the LB's ports from `0.0.0.0/0`
    /// instead of the LB's source security group (`aws_elb.x.source_security_group_id`).
    ///
    /// ## Why it matters
    /// Anyone can reach the instances directly and bypass the load balancer.
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
    /// Use instead: `source_security_group_id = aws_elb.web.source_security_group_id`.
    pub(super) static RULE = {
        code: "ELB028",
        name: "classic-open-instances",
        severity: Warning,
        summary: "EC2-Classic LB: instance group admits the port from 0.0.0.0/0 instead of the LB's source group",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    broad_instance_rules(cx, out, &RULE, Platform::Classic);
}
