//! ELB013: the LB subnets' network ACLs must let replies from the instances in.

use super::utils::{check_pairs, PairFlow, Side, Traffic};
use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::Direction;

crate::declare_rule! {
    /// ## What it checks
    /// That the network ACL of every LB subnet allows inbound TCP 1024-65535 from the
    /// subnets of the registered instances (their replies). Instances in the LB's own
    /// subnet do not cross it.
    ///
    /// ## Why it matters
    /// Network ACLs are stateless: without this rule the instances' answers and health-check
    /// replies are dropped on the way back.
    ///
    /// ## Example
    /// ```hcl
    /// ingress {
    ///   rule_no    = 100
    ///   action     = "allow"
    ///   protocol   = "tcp"
    ///   cidr_block = "0.0.0.0/0"
    ///   from_port  = 80
    ///   to_port    = 80
    /// }
    /// # no ingress rule for 1024-65535
    /// ```
    ///
    /// Use instead: add an ingress rule for 1024-65535 from the VPC CIDR.
    pub(super) static RULE = {
        code: "ELB013",
        name: "lb-nacl-instance-replies",
        severity: Error,
        summary: "LB subnet network ACL blocks replies from instances (inbound 1024-65535)",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    check_pairs(
        cx,
        out,
        &PairFlow {
            rule: &RULE,
            side: Side::Lb,
            direction: Direction::Ingress,
            traffic: Traffic::Replies,
            skip_same_subnet: true,
        },
    );
}
