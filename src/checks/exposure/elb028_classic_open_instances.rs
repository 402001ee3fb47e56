//! ELB028: EC2-Classic instances should admit the LB's source group, not 0.0.0.0/0.

use super::utils::{broad_instance_rules, Platform};
use crate::checks::context::Context;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// For a load balancer written for EC2-Classic (`availability_zones` and no `subnets`,
    /// with an instance group rule that admits its source security group,
    /// `aws_elb.x.source_security_group[_id]`), rules of the instances' groups that admit the
    /// LB's ports from `0.0.0.0/0` as well.
    ///
    /// EC2-Classic is retired: such a load balancer is created in the region's default VPC
    /// and checked like any other. An LB with only `availability_zones` whose instances do not
    /// name its source security group gets ELB021 for an over-broad rule instead.
    ///
    /// ## Why it matters
    /// The rule that admits the source security group is the lock-down; a broader rule on the
    /// same port next to it lets anyone reach the instances directly and bypass the load
    /// balancer. AWS's guide says to remove such less restrictive rules.
    ///
    /// ## Example
    /// ```hcl
    /// ingress {
    ///   from_port       = 8080
    ///   to_port         = 8080
    ///   protocol        = "tcp"
    ///   security_groups = [aws_elb.web.source_security_group_id]
    /// }
    ///
    /// ingress {
    ///   from_port   = 8080
    ///   to_port     = 8080
    ///   protocol    = "tcp"
    ///   cidr_blocks = ["0.0.0.0/0"]
    /// }
    /// ```
    ///
    /// Use instead: keep only the rule that admits
    /// `aws_elb.web.source_security_group_id`.
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
