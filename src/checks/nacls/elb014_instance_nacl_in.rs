//! ELB014: the instance subnets' network ACLs must let the LB in.

use super::utils::{check_pairs, PairFlow, Side, Traffic};
use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::Direction;

crate::declare_rule! {
    /// ## What it checks
    /// That the network ACL of every instance subnet allows inbound TCP on the instance
    /// ports and the health-check port from the LB's subnets. An instance in the LB's own
    /// subnet is not checked here.
    ///
    /// When a Network Load Balancer preserves client addresses, the target subnets' ACL must
    /// admit the clients on the target port, and the LB subnets on the health-check port.
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
    pub(super) static RULE = {
        code: "ELB014",
        name: "instance-nacl-inbound",
        severity: Error,
        summary: "instance subnet network ACL blocks instance or health-check port inbound from the LB subnets",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    check_pairs(
        cx,
        out,
        &PairFlow {
            rule: &RULE,
            side: Side::Targets,
            direction: Direction::Ingress,
            traffic: Traffic::Requests,
            skip_same_subnet: true,
        },
    );
}
