//! ELB014: the instance subnets' network ACLs must let the LB in.

use super::common::*;
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
    let net = cx.net;
    for lb in &net.lbs {
        let ports = sent_ports(lb);
        if ports.is_empty() {
            continue;
        }
        for (ls, ts) in subnet_pairs(net, lb) {
            if ls == ts {
                continue;
            }
            let Some(nacl) = net.subnets[ts].nacl else {
                continue;
            };
            let req = format!(
                "{} admits {} from {}",
                net.nacls[nacl].address, lb.address, net.subnets[ls].address
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
                false,
                &cidr,
                &ports,
                Blocked::ForEvery,
                &req,
                lb.span,
            ) {
                Err(note) => out.push(note),
                Ok(None) => {}
                Ok(Some(b)) => {
                    let what = format!(
                        "{} in {} cannot reach its instances in {}",
                        lb.address, net.subnets[ls].address, net.subnets[ts].address
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
