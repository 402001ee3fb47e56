//! ELB015: the instance subnets' network ACLs must let replies go back to the LB.

use super::common::Context;
use super::nacl_flows::*;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// That the network ACL of every instance subnet allows outbound TCP 1024-65535 to the
    /// LB's subnets, so that replies to the LB's requests and health checks get back.
    ///
    /// ## Why it matters
    /// Network ACLs are stateless. Without this rule the instance answers, but the answer
    /// never leaves its subnet and the LB marks it unhealthy.
    ///
    /// ## Example
    /// ```hcl
    /// egress {
    ///   rule_no    = 100
    ///   action     = "allow"
    ///   protocol   = "tcp"
    ///   cidr_block = "0.0.0.0/0"
    ///   from_port  = 443
    ///   to_port    = 443
    /// }
    /// ```
    ///
    /// Use instead: add an egress rule for 1024-65535 to the LB subnets' CIDR.
    pub static RULE = {
        code: "ELB015",
        name: "instance-nacl-replies",
        severity: Error,
        summary: "instance subnet network ACL blocks replies to the LB (outbound 1024-65535)",
    }
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    check_pairs(
        cx,
        out,
        &PairFlow {
            code: RULE.code,
            lb_side: false,
            egress: true,
            replies: true,
            skip_same_subnet: true,
        },
    );
}
