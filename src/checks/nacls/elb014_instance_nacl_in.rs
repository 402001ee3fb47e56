//! ELB014: the instance subnets' network ACLs must let the LB in.

use super::utils::{check_pairs, PairFlow, Side, Traffic};
use crate::checks::context::Context;
use crate::checks::evidence::undecided_one;
use crate::diagnostic::Finding;
use crate::model::{Direction, Placement};

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
    // Targets in the default VPC, whose network ACL this configuration may have changed.
    let net = cx.net;
    if let Some(u) = &net.default_vpc_nacl {
        let mut seen = Vec::new();
        for (id, lb) in net.lbs.enumerate() {
            for pool in cx.pools(id) {
                let Ok(targets) = &pool.targets else { continue };
                for t in targets
                    .iter()
                    .filter(|t| matches!(t.placement, Placement::DefaultVpc))
                {
                    if seen.contains(&(id, &t.address)) {
                        continue;
                    }
                    seen.push((id, &t.address));
                    out.push(undecided_one(
                        &format!(
                            "the network ACLs of the subnets of {} let the traffic of {} through",
                            t.address, lb.address
                        ),
                        u,
                        t.span,
                    ));
                }
            }
        }
    }
}
