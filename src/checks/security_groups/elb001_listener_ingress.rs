//! ELB001: the LB's security groups must admit clients on every listener port.

use crate::algebra::ports::PortSet;
use crate::algebra::protocol::Protocol;
use crate::analysis::flow::{sg_allows_symbol, sg_query, sg_query_proto, Cover, FlowPeer};
use crate::checks::context::Context;
use crate::checks::evidence::{
    clients, group_names, hop, primary_group, sg_undecided, undecided_one, unknown_listener_ports,
    with_call_sites,
};
use crate::checks::fixes::{edit_span, sg_rule_fix, vpc_cidr_expr, PeerFix};
use crate::checks::symbols;
use crate::diagnostic::{Finding, HopKind};
use crate::model::{Direction, GroupId, Groups};

crate::declare_rule! {
    /// ## What it checks
    /// That the load balancer's security groups allow inbound TCP on every listener port
    /// (`listener.lb_port`) from its clients: any public address for an internet-facing LB,
    /// the VPC's CIDRs for an internal one. It fires only when *no* client can connect;
    /// admitting just an office range is a choice, not a fault.
    ///
    /// Application and Network Load Balancers are checked the same way on their listeners'
    /// ports; a Network Load Balancer without security groups filters nothing, so it has no
    /// rule to check.
    ///
    /// ## Why it matters
    /// Security groups deny by default. Without an ingress rule on the listener port every
    /// connection to the LB times out, although `terraform apply` succeeds.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "lb" {
    ///   ingress {
    ///     from_port   = 443
    ///     to_port     = 443
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// resource "aws_elb" "web" {
    ///   security_groups = [aws_security_group.lb.id]
    ///   listener {
    ///     lb_port           = 80
    ///     lb_protocol       = "http"
    ///     instance_port     = 8080
    ///     instance_protocol = "http"
    ///   }
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// ingress {
    ///   from_port   = 80
    ///   to_port     = 80
    ///   protocol    = "tcp"
    ///   cidr_blocks = ["0.0.0.0/0"]
    /// }
    /// ```
    pub(super) static RULE = {
        code: "ELB001",
        name: "listener-ingress",
        severity: Error,
        summary: "no LB security group ingress allows the listener port from the clients",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let net = cx.net;
    for lb in &net.lbs {
        // A listener port known only as an unknown value is proven open when the LB's groups
        // admit that same value from the clients and no network ACL stands on the way.
        let proven = |u: &crate::eval::Unknown| {
            let Groups::Known(ids) = &lb.groups else {
                return matches!(lb.groups, Groups::Unfiltered);
            };
            let acl_free = symbols::acl_free(net, &lb.placement, true);
            let Ok(clients) = clients(net, lb) else {
                return false;
            };
            let flow = clients_peer(clients, Cover::Any, matches!(lb.internal, Ok(true)));
            acl_free && sg_allows_symbol(net, ids, Direction::Ingress, &flow, u, Protocol::Tcp)
        };
        out.extend(unknown_listener_ports(lb, "lb_port", &proven));
        let ids = match &lb.groups {
            Groups::Known(ids) => ids.clone(),
            // No group filters an NLB without groups: every client reaches its listeners.
            Groups::DefaultElb | Groups::Unfiltered => continue,
            Groups::Unknown(u) => {
                out.push(undecided_one(
                    &format!("{} admits clients on its listener ports", lb.address),
                    u,
                    lb.span,
                ));
                continue;
            }
        };
        let clients = match clients(net, lb) {
            Ok(c) => c,
            Err(u) => {
                // The clients are unknown (an internal LB whose VPC CIDR is): the listeners
                // are still proven open when the groups admit every address on them.
                if !admits_everyone(net, &ids, lb) && !admits_groups_of_its_vpc(net, &ids, lb) {
                    out.push(undecided_one(
                        &format!("{} admits its clients", lb.address),
                        &u,
                        lb.span,
                    ));
                }
                continue;
            }
        };
        let internal = matches!(lb.internal, Ok(true));
        let flow = clients_peer(clients, Cover::Any, internal);
        for l in &lb.listeners {
            let Ok(port) = l.lb_port else { continue };
            let required = PortSet::single(port);
            let (proto, transport) = if l.udp {
                (Protocol::Udp, "UDP")
            } else {
                (Protocol::Tcp, "TCP")
            };
            let ans = sg_query_proto(net, &ids, Direction::Ingress, &flow, &required, proto);
            if cx.proving() && ans.allowed.contains_set(&required) {
                let groups = group_names(net, &ids);
                cx.prove(l.lb_port_span, || {
                    format!(
                        "clients reach {transport} {port} of {}: admitted by {groups}",
                        lb.address
                    )
                });
                for r in &ans.allowing {
                    cx.prove(*r, || {
                        format!(
                            "admits the clients of {} on listener port {port}",
                            lb.address
                        )
                    });
                }
            }
            let requirement = format!("{} admits clients on listener port {port}", lb.address);
            if !ans.blocked(&required).is_empty() {
                let g = primary_group(net, &ids);
                let who = if internal {
                    "the VPC"
                } else {
                    "anywhere (0.0.0.0/0)"
                };
                let peer = if internal {
                    PeerFix::Cidr(vpc_cidr_expr(net, lb))
                } else {
                    PeerFix::Cidr("\"0.0.0.0/0\"".to_string())
                };
                let f = Finding::new(
                    &RULE,
                    edit_span(net, g, Direction::Ingress, l.lb_port_span),
                    format!("no ingress rule of {} allows {} {port} from {who}: clients cannot reach listener port {port} of {}", group_names(net, &ids), transport, lb.address),
                )
                .label(l.lb_port_span, format!("clients connect to port {port} here"))
                .help(format!("add an ingress rule for {transport} {port} from {}", if internal { "the VPC CIDR" } else { "0.0.0.0/0" }))
                .fix_with(sg_rule_fix(net, g, "ingress", &transport.to_ascii_lowercase(), &required, &peer))
                .hop(hop(lb, HopKind::ClientsToLb, port));
                out.push(with_call_sites(f, lb));
            } else if let Some(n) = sg_undecided(&requirement, &ans, &required, l.lb_port_span) {
                out.push(n);
            }
        }
    }
}

/// True when the groups admit every address on every listener port whose value is known.
fn admits_everyone(
    net: &crate::model::Network,
    ids: &[GroupId],
    lb: &crate::model::LoadBalancer,
) -> bool {
    let flow = clients_peer(crate::algebra::addrs::AddrSet::all(), Cover::All, false);
    lb.listeners
        .iter()
        .filter_map(|l| l.lb_port.as_ref().ok())
        .all(|port| {
            let required = PortSet::single(*port);
            sg_query(net, ids, Direction::Ingress, &flow, &required)
                .allowed
                .contains_set(&required)
        })
}

/// An internal LB whose VPC is unknown still admits clients when, on every listener port, its
/// groups admit a security group (its members are interfaces of the VPC, or of a peered one):
/// whatever the VPC's CIDR is, those clients reach the listeners.
fn admits_groups_of_its_vpc(
    net: &crate::model::Network,
    ids: &[GroupId],
    lb: &crate::model::LoadBalancer,
) -> bool {
    if !matches!(lb.internal, Ok(true)) {
        return false;
    }
    let flow = clients_peer(crate::algebra::addrs::AddrSet::empty(), Cover::Any, true);
    lb.listeners.iter().all(|l| {
        let Ok(port) = l.lb_port else { return false };
        let required = PortSet::single(port);
        let proto = if l.udp { Protocol::Udp } else { Protocol::Tcp };
        sg_query_proto(net, ids, Direction::Ingress, &flow, &required, proto)
            .allowed
            .contains_set(&required)
    })
}

/// The LB's clients as a flow peer: addresses outside any group (or, for an internal LB,
/// possibly in the VPC's groups).
fn clients_peer(addrs: crate::algebra::addrs::AddrSet, cover: Cover, in_groups: bool) -> FlowPeer {
    FlowPeer {
        groups: Groups::Known(vec![]),
        addrs: Ok(vec![addrs]),
        cover,
        lb: None,
        clients_in_groups: in_groups,
    }
}
