//! ELB023: instance groups should admit ICMP type 3 code 4 (path MTU discovery).

use crate::algebra::protocol::Protocol;
use crate::checks::context::Context;
use crate::checks::evidence::{group_names, primary_group};
use crate::checks::fixes::{edit_span, sg_rule_fix, PeerFix};
use crate::diagnostic::Finding;
use crate::model::{Direction, Groups};

crate::declare_rule! {
    /// ## What it checks
    /// That the registered instances' security groups admit inbound ICMP type 3 code 4
    /// ("fragmentation needed"), which AWS recommends for path MTU discovery.
    ///
    /// ## Why it matters
    /// Without it, large responses can stall when a path has a smaller MTU. This is a
    /// recommendation, not a requirement.
    ///
    /// ## Example
    /// ```hcl
    /// # the instance group has only TCP rules
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// ingress {
    ///   from_port   = 3
    ///   to_port     = 4
    ///   protocol    = "icmp"
    ///   cidr_blocks = ["0.0.0.0/0"]
    /// }
    /// ```
    pub(super) static RULE = {
        code: "ELB023",
        name: "path-mtu-discovery",
        severity: Note,
        summary: "instance groups do not admit ICMP type 3 code 4 (path MTU discovery)",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let net = cx.net;
    let mut seen = Vec::new();
    let pools = net.lbs.ids().flat_map(|id| cx.pools(id));
    for pool in pools {
        let Ok(targets) = &pool.targets else { continue };
        for t in targets {
            let Groups::Known(ids) = &t.groups else {
                continue;
            };
            if ids.is_empty() || seen.contains(ids) {
                continue;
            }
            seen.push(ids.clone());
            let mut decided = true;
            let admits = ids.iter().any(|g| {
                net.groups[*g]
                    .rules
                    .iter()
                    .filter(|r| r.direction == Direction::Ingress)
                    .any(|r| match &r.protocol {
                        Ok(Protocol::All) => true,
                        Ok(Protocol::Icmp) => match r.icmp {
                            Some((from, to)) => from == -1 || (from == 3 && (to == -1 || to == 4)),
                            None => {
                                decided = false;
                                false
                            }
                        },
                        Err(_) => {
                            decided = false;
                            false
                        }
                        _ => false,
                    })
            });
            if !admits && decided && ids.iter().all(|g| net.groups[*g].incomplete.is_none()) {
                let g = primary_group(net, ids);
                out.push(
                    Finding::new(
                        &RULE,
                        edit_span(net, g, Direction::Ingress, t.span),
                        format!(
                            "{} does not admit ICMP type 3 code 4, which path MTU discovery needs",
                            group_names(net, ids)
                        ),
                    )
                    .help("add an ingress rule for ICMP type 3 code 4")
                    .fix_with(sg_rule_fix(
                        net,
                        g,
                        "ingress",
                        "icmp",
                        &crate::algebra::ports::PortSet::range(3, 4),
                        &PeerFix::Cidr("\"0.0.0.0/0\"".to_string()),
                    )),
                );
            }
        }
    }
}
