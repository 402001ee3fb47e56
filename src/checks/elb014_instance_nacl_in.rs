//! ELB014: the instance subnets' network ACLs must let the LB in.

use super::common::Context;
use super::nacl_flows::*;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// That the network ACL of every instance subnet allows inbound TCP on the instance
    /// ports and the health-check port from the LB's subnets. An instance in the LB's own
    /// subnet is not checked here.
    ///
    /// ## Why it matters
    /// A custom ACL denies everything until rules are added; the LB's requests and health
    /// checks would be dropped at the instance subnet.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_network_acl" "app" {
    ///   subnet_ids = [aws_subnet.app.id]
    ///   # no ingress rules
    /// }
    /// ```
    ///
    /// Use instead: add an ingress rule for the instance port from the LB subnets' CIDR.
    pub static RULE = {
        code: "ELB014",
        name: "instance-nacl-inbound",
        severity: Error,
        summary: "instance subnet network ACL blocks instance or health-check port inbound from the LB subnets",
    }
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    check_pairs(
        cx,
        out,
        &PairFlow {
            code: RULE.code,
            lb_side: false,
            egress: false,
            replies: false,
            skip_same_subnet: true,
        },
    );
}
