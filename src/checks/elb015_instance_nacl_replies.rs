//! ELB015: the instance subnets' network ACLs must let replies go back to the LB.

use super::common::*;
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
    let net = cx.net;
    for lb in &net.lbs {
        for (ls, ts) in subnet_pairs(net, lb) {
            if ls == ts {
                continue;
            }
            let Some(nacl) = net.subnets[ts].nacl else {
                continue;
            };
            let req = format!(
                "{} lets replies reach {}",
                net.nacls[nacl].address, lb.address
            );
            let cidr = match &net.subnets[ls].cidr {
                Ok(c) => c.clone(),
                Err(u) => {
                    out.push(undecided_one(&req, u, lb.span));
                    continue;
                }
            };
            match evaluate(
                net,
                nacl,
                true,
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
                        finding(net, RULE.code, lb, nacl, true, &cidr, &b, what),
                    );
                }
            }
        }
    }
}
