//! ELB011: the LB subnets' network ACLs must let replies go back to clients.

use super::utils::{ephemeral, evaluate, finding, lb_nacls, AclAnswer, Blocked};
use crate::algebra::addrs::AddrSet;
use crate::algebra::ports::PortSet;
use crate::checks::context::Context;
use crate::checks::evidence::{clients, hop};
use crate::diagnostic::{Finding, HopKind};
use crate::model::Direction;

crate::declare_rule! {
    /// ## What it checks
    /// That the network ACL of every LB subnet allows outbound TCP 1024-65535 to the clients
    /// that its inbound rules let in. A range that covers only part of 1024-65535 (for
    /// example 32768-65535) is a block for the rest; the message names the exact ports.
    ///
    /// ## Why it matters
    /// Network ACLs are stateless: a reply is a new packet to the client's ephemeral port.
    /// Clients whose replies are dropped see connections hang.
    ///
    /// ## Example
    /// ```hcl
    /// egress {
    ///   rule_no    = 100
    ///   action     = "allow"
    ///   protocol   = "tcp"
    ///   cidr_block = "0.0.0.0/0"
    ///   from_port  = 32768
    ///   to_port    = 65535
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// egress {
    ///   rule_no    = 100
    ///   action     = "allow"
    ///   protocol   = "tcp"
    ///   cidr_block = "0.0.0.0/0"
    ///   from_port  = 1024
    ///   to_port    = 65535
    /// }
    /// ```
    pub(super) static RULE = {
        code: "ELB011",
        name: "lb-nacl-client-replies",
        severity: Error,
        summary: "LB subnet network ACL blocks replies to clients (outbound 1024-65535)",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let net = cx.net;
    for lb in &net.lbs {
        let Ok(clients) = clients(net, lb) else {
            continue;
        };
        for (nacl, names) in lb_nacls(net, lb) {
            let mut admitted = AddrSet::empty();
            // UDP listeners: network ACL rules for UDP are not evaluated yet.
            for l in lb.listeners.iter().filter(|l| !l.udp) {
                if let Ok(port) = l.lb_port {
                    let verdict = cx.nacl_verdicts.nacl_query(
                        net,
                        nacl,
                        Direction::Ingress,
                        &clients,
                        &PortSet::single(port),
                    );
                    admitted = admitted.union(&verdict.allowed_peers());
                }
            }
            if admitted.is_empty() {
                continue;
            }
            let req = || format!("{} lets replies reach the clients", net.nacls[nacl].address);
            match evaluate(
                cx,
                nacl,
                Direction::Egress,
                &admitted,
                &ephemeral(),
                Blocked::ForAny,
                &req,
                lb.span,
            ) {
                AclAnswer::Undecided(note) => out.push(note),
                AclAnswer::Passes => {}
                AclAnswer::Blocked(b) => {
                    let what = format!(
                        "replies from {} in {names} cannot reach its clients",
                        lb.address
                    );
                    out.push(
                        finding(net, &RULE, lb, nacl, Direction::Egress, &admitted, &b, what)
                            .hop(hop(lb, HopKind::RepliesToClients, &b.ports)),
                    );
                }
            }
        }
    }
}
