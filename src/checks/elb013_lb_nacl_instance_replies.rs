//! ELB013: the LB subnets' network ACLs must let replies from the instances in.

use super::common::*;
use super::nacl_flows::*;
use crate::diagnostic::Finding;

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
    pub static RULE = {
        code: "ELB013",
        name: "lb-nacl-instance-replies",
        severity: Error,
        summary: "LB subnet network ACL blocks replies from instances (inbound 1024-65535)",
    }
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let net = cx.net;
    for lb in &net.lbs {
        for (ls, ts) in subnet_pairs(net, lb) {
            if ls == ts {
                continue;
            }
            let Some(nacl) = net.subnets[ls].nacl else {
                continue;
            };
            let req = format!(
                "{} lets replies from {} in",
                net.nacls[nacl].address, net.subnets[ts].address
            );
            let cidr = match &net.subnets[ts].cidr {
                Ok(c) => c.clone(),
                Err(u) => {
                    out.push(undecided_one(&req, u, lb.span));
                    continue;
                }
            };
            match evaluate(
                net,
                nacl,
                false,
                &cidr,
                &ephemeral(),
                Blocked::ForEvery,
                &req,
                lb.span,
            ) {
                Err(note) => out.push(note),
                Ok(None) => {}
                Ok(Some(b)) => {
                    let what = format!(
                        "replies from the instances in {} cannot reach {}",
                        net.subnets[ts].address, lb.address
                    );
                    push_once(
                        out,
                        finding(net, RULE.code, lb, nacl, false, &cidr, &b, what),
                    );
                }
            }
        }
    }
}
