//! ELB012: the LB subnets' network ACLs must let the LB send to its instances.

use super::utils::{check_pairs, PairFlow, Side, Traffic};
use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::Direction;

crate::declare_rule! {
    /// ## What it checks
    /// That the network ACL of every LB subnet allows outbound TCP on the instance ports and
    /// the health-check port to the subnets of the registered instances. This applies even
    /// when an instance shares the LB's subnet: a Classic LB applies its subnet's ACL to its
    /// outbound traffic.
    ///
    /// ## Why it matters
    /// If the LB's own subnet drops its requests, no instance ever passes a health check.
    ///
    /// ## Example
    /// ```hcl
    /// egress {
    ///   rule_no    = 100
    ///   action     = "allow"
    ///   protocol   = "tcp"
    ///   cidr_block = "0.0.0.0/0"
    ///   from_port  = 1024
    ///   to_port    = 65535
    /// }
    /// # instance_port = 80 is not covered
    /// ```
    ///
    /// Use instead: add an egress rule for the instance port to the instance subnets' CIDR.
    pub(super) static RULE = {
        code: "ELB012",
        name: "lb-nacl-to-instances",
        severity: Error,
        summary: "LB subnet network ACL blocks instance or health-check port outbound to the instance subnets",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    check_pairs(
        cx,
        out,
        &PairFlow {
            rule: &RULE,
            side: Side::Lb,
            direction: Direction::Egress,
            traffic: Traffic::Requests,
            skip_same_subnet: false,
        },
    );
}
