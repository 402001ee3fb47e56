//! ELB015: the instance subnets' network ACLs must let replies go back to the LB.

use super::utils::{check_pairs, PairFlow, Side, Traffic};
use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::Direction;

crate::declare_rule! {
    /// ## What it checks
    /// That the network ACL of every instance subnet allows outbound TCP 1024-65535 to the
    /// LB's subnets, so that replies to the LB's requests and health checks get back.
    ///
    /// When a Network Load Balancer preserves client addresses, replies go to the clients, so
    /// the target subnets' ACL must let 1024-65535 out to them too.
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
    pub(super) static RULE = {
        code: "ELB015",
        name: "instance-nacl-replies",
        severity: Error,
        summary: "instance subnet network ACL blocks replies to the LB (outbound 1024-65535)",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    check_pairs(
        cx,
        out,
        &PairFlow {
            rule: &RULE,
            side: Side::Targets,
            direction: Direction::Egress,
            traffic: Traffic::Replies,
            skip_same_subnet: true,
        },
    );
}
