//! ELB010: the LB subnets' network ACLs must let clients in on the listener ports.

use super::utils::{evaluate, finding, lb_nacls, AclAnswer, Blocked};
use crate::algebra::ports::PortSet;
use crate::checks::context::Context;
use crate::checks::evidence::{clients, hop, undecided_one};
use crate::diagnostic::{Finding, HopKind};
use crate::model::Direction;

crate::declare_rule! {
    /// ## What it checks
    /// That the network ACL of every LB subnet allows inbound TCP on each listener port
    /// from the clients (any public address for an internet-facing LB, the VPC for an
    /// internal one). Rules are read as AWS does: lowest number first, first match wins,
    /// then the final deny. It fires only when no client at all gets in.
    ///
    /// ## Why it matters
    /// Network ACLs are stateless and a custom ACL denies everything until rules are added.
    /// A missing or shadowed inbound rule makes the listener unreachable.
    ///
    /// ## Example
    /// ```hcl
    /// ingress {
    ///   rule_no    = 90
    ///   action     = "deny"
    ///   protocol   = "tcp"
    ///   cidr_block = "0.0.0.0/0"
    ///   from_port  = 0
    ///   to_port    = 1023
    /// }
    /// ingress {
    ///   rule_no    = 100
    ///   action     = "allow"
    ///   protocol   = "tcp"
    ///   cidr_block = "0.0.0.0/0"
    ///   from_port  = 80
    ///   to_port    = 80
    /// }
    /// ```
    ///
    /// Use instead: give the allow rule a number below the deny (e.g. `rule_no = 80`).
    pub(super) static RULE = {
        code: "ELB010",
        name: "lb-nacl-listener-inbound",
        severity: Error,
        summary: "LB subnet network ACL blocks the listener port inbound from clients",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let net = cx.net;
    for lb in &net.lbs {
        let unknown = match &lb.placement {
            crate::model::Placement::Unknown(u) => Some(u),
            crate::model::Placement::DefaultVpc => net.default_vpc_nacl.as_ref(),
            crate::model::Placement::Subnets(_) => None,
        };
        if let Some(u) = unknown {
            out.push(undecided_one(
                &format!(
                    "the network ACLs of the subnets of {} let traffic through",
                    lb.address
                ),
                u,
                lb.span,
            ));
        }
        for (nacl, names) in lb_nacls(net, lb) {
            let clients = match clients(net, lb) {
                Ok(c) => c,
                Err(u) => {
                    let req = format!("{} admits clients", net.nacls[nacl].address);
                    out.push(undecided_one(&req, &u, lb.span));
                    continue;
                }
            };
            // UDP listeners: network ACL rules for UDP are not evaluated yet.
            for l in lb.listeners.iter().filter(|l| !l.udp) {
                let Ok(port) = l.lb_port else { continue };
                let ports = PortSet::single(port);
                let req = || format!("{} admits clients on port {port}", net.nacls[nacl].address);
                match evaluate(
                    cx,
                    nacl,
                    Direction::Ingress,
                    &clients,
                    &ports,
                    Blocked::ForEvery,
                    &req,
                    l.lb_port_span,
                ) {
                    AclAnswer::Undecided(note) => out.push(note),
                    AclAnswer::Passes => {}
                    AclAnswer::Blocked(b) => {
                        let what = format!(
                            "clients cannot reach listener port {port} of {} in {names}",
                            lb.address
                        );
                        out.push(
                            finding(net, &RULE, lb, nacl, Direction::Ingress, &clients, &b, what)
                                .label(l.lb_port_span, "the listener port")
                                .hop(hop(lb, HopKind::ClientsToLb, &b.ports)),
                        );
                    }
                }
            }
        }
    }
}
