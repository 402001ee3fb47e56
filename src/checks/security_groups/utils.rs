//! Flow logic shared by the security group rules (ELB001-ELB005): the LB's groups sending to
//! its targets, and the targets' groups admitting the LB, for one kind of port at a time.

use crate::algebra::ports::PortSet;
use crate::algebra::protocol::Protocol;
use crate::analysis::flow::{sg_query_proto, Cover, FlowPeer, SgAnswer};
use crate::checks::context::Context;
use crate::checks::evidence::{
    clients, group_names, hop, known_groups, lb_peer, local_name, primary_group, sg_undecided,
    target_peer, targets_sharing, undecided_one, unknown_listener_ports, with_call_sites,
};
use crate::checks::fixes::{
    edit_span, peer_fix, peer_group_expr, sg_rule_fix, vpc_cidr_expr, PeerFix,
};
use crate::checks::pools::{NeededPort, Pool};
use crate::checks::symbols;
use crate::diagnostic::{Finding, HopKind, Rule};
use crate::model::{Direction, GroupId, Groups, HealthCheck, LbId, LoadBalancer, Network};
use rustc_hash::FxHashMap as HashMap;

/// Which ports the LB sends to its targets a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PortKind {
    /// Listener instance ports (a health-check port that is also one is reported here).
    Instance,
    /// A health-check port that no listener uses.
    HealthCheck,
}

/// A reported egress gap: the LB, the targets' groups, the ports and whether they are UDP.
type EgressKey = (std::sync::Arc<str>, Option<Vec<GroupId>>, PortSet, bool);

/// LB → targets through the LB's groups, for target ports (ELB002) or for a health-check
/// port of its own (ELB003), reported as `rule`.
pub(super) fn lb_egress(
    cx: &Context,
    out: &mut Vec<Finding>,
    rule: &'static Rule,
    ports: PortKind,
) {
    let net = cx.net;
    let instance = ports == PortKind::Instance;
    let mut seen: Vec<EgressKey> = Vec::new();
    for (li, lb) in net.lbs.enumerate() {
        let Groups::Known(ids) = &lb.groups else {
            continue;
        };
        for pool in cx.pools(li) {
            let Ok(targets) = &pool.targets else { continue };
            for needed in pool
                .needed
                .iter()
                .filter(|n| n.is_instance_port() == instance)
            {
                let required = needed.ports.clone();
                for t in targets {
                    let flow = target_peer(net, t);
                    let ans = sg_query_proto(
                        net,
                        ids,
                        Direction::Egress,
                        &flow,
                        &required,
                        proto(needed),
                    );
                    if cx.proving() && ans.allowed.contains_set(&required) {
                        prove_hop(
                            cx,
                            needed,
                            &ans.allowing,
                            &format!(
                                "{} sends {} {} to {} ({}): allowed by the egress of {}",
                                lb.address,
                                needed.transport(),
                                needed.ports,
                                t.address,
                                needed.role(),
                                group_names(net, ids)
                            ),
                            &format!(
                                "lets {} send {} {} to {}",
                                lb.address,
                                needed.transport(),
                                needed.ports,
                                t.address
                            ),
                        );
                    }
                    let requirement = format!(
                        "{} may send to {} on port {}",
                        lb.address, t.address, needed.ports
                    );
                    if !ans.blocked(&required).is_empty() {
                        let key = (
                            lb.address.clone(),
                            known_groups(&t.groups).map(<[GroupId]>::to_vec),
                            needed.ports.clone(),
                            needed.udp,
                        );
                        if seen.contains(&key) {
                            continue;
                        }
                        seen.push(key);
                        let g = primary_group(net, ids);
                        let peer = known_groups(&t.groups)
                            .filter(|tg| !tg.is_empty())
                            .map_or_else(
                                || PeerFix::Cidr(vpc_cidr_expr(net, lb)),
                                |tg| peer_fix(cx, g, primary_group(net, tg), lb),
                            );
                        let f = Finding::new(
                            rule,
                            edit_span(net, g, Direction::Egress, lb.span),
                            format!(
                                "no egress rule of {} allows {} {} to {}: the {} {} cannot reach {} on its {}",
                                group_names(net, ids), needed.transport(), needed.ports, t.address, lb.kind_name(), lb.address, t.address, needed.describe()
                            ),
                        )
                        .label(t.span, registered(pool, "the registered instances"));
                        let f = needed
                            .labels(f, lb)
                            .help(format!(
                                "add an egress rule for {} {} to the {}' security group",
                                needed.transport(),
                                needed.ports,
                                members(pool)
                            ))
                            .fix_with(sg_rule_fix(
                                net,
                                g,
                                "egress",
                                &needed.transport().to_ascii_lowercase(),
                                &required,
                                &peer,
                            ))
                            .hop(
                                hop(lb, HopKind::LbToTargets, &needed.ports).targets(pool.label()),
                            );
                        out.push(with_call_sites(f, lb));
                    } else if let Some(n) = sg_undecided(&requirement, &ans, &required, lb.span) {
                        out.push(n);
                    }
                }
            }
        }
    }
}

/// LB → targets through the targets' groups, for target ports (ELB004) or for a health-check
/// port of its own (ELB005), reported as `rule`. Undecided requirements (ELB900) are
/// reported once, with the target ports, except an unknown health-check port (with ELB005).
pub(super) fn instance_ingress(
    cx: &Context,
    out: &mut Vec<Finding>,
    rule: &'static Rule,
    ports: PortKind,
) {
    let net = cx.net;
    let instance = ports == PortKind::Instance;
    let mut seen: Vec<(Vec<GroupId>, LbId, PortSet, bool, bool)> = Vec::new();
    // An Auto Scaling group registered with an LB whose name is unknown may be the targets of
    // a Classic LB of this configuration, unchecked.
    if instance && net.lbs.iter().any(|lb| !lb.is_v2()) {
        for (asg, u, span) in &net.unknown_registrations {
            out.push(undecided_one(
                &format!("{asg} registers with a load balancer of this configuration (its name is unknown; if it does, its instances are not checked)"),
                u,
                *span,
            ));
        }
    }
    for (li, lb) in net.lbs.enumerate() {
        if !instance {
            if let HealthCheck::Symbol { port, span } = &lb.health {
                // A health-check port that is the instance port's own unknown value is that
                // port: it is decided (or noted) with it.
                let is_instance_port = lb
                    .listeners
                    .iter()
                    .any(|l| l.instance_port.as_ref().err() == Some(port));
                if !is_instance_port && !symbols::reaches_classic_targets(net, li, port) {
                    out.push(undecided_one(
                        &format!("the health check of {} reaches its instances", lb.address),
                        port,
                        *span,
                    ));
                }
            }
        }
        if instance {
            if !lb.is_v2() {
                let proven =
                    |u: &crate::eval::Unknown| symbols::reaches_classic_targets(net, li, u);
                out.extend(unknown_listener_ports(lb, "instance_port", &proven));
            }
            for u in &lb.unknown_forwards {
                out.push(undecided_one(
                    &format!("the targets of {} admit it", lb.address),
                    u,
                    lb.span,
                ));
            }
        }
        let lb_flow = lb_peer(net, li);
        for pool in cx.pools(li) {
            let targets = match &pool.targets {
                Ok(t) => t,
                Err(u) => {
                    if instance {
                        let whose = match pool.group {
                            None => format!("the instances of {}", lb.address),
                            Some(g) => format!("the targets of {}", g.address),
                        };
                        out.push(undecided_one(&format!("{whose} admit it"), u, lb.span));
                    }
                    continue;
                }
            };
            if !instance {
                if let (Some(u), Some(g)) = (&pool.health_unknown, pool.group) {
                    out.push(undecided_one(
                        &format!("the targets of {} admit its health checks", g.address),
                        u,
                        g.span,
                    ));
                }
            }
            // Targets usually share their groups: ask once per set of groups and port.
            let mut answers: HashMap<(&[GroupId], PortSet, bool, bool), SgAnswer> =
                HashMap::default();
            for t in targets {
                let ids = match &t.groups {
                    Groups::Known(ids) => ids,
                    Groups::Unknown(u) => {
                        if instance {
                            out.push(undecided_one(
                                &format!("{} admits {}", t.address, lb.address),
                                u,
                                t.span,
                            ));
                        }
                        continue;
                    }
                    Groups::DefaultElb | Groups::Unfiltered => continue,
                };
                for needed in pool
                    .needed
                    .iter()
                    .filter(|n| n.is_instance_port() == instance)
                {
                    // Requests of an NLB that preserves client addresses come from the clients;
                    // health checks always come from the LB (SPEC §8.6).
                    let from_clients = match (&pool.clients_seen, needed.is_instance_port()) {
                        (Ok(seen), true) => *seen,
                        (Ok(_), false) => false,
                        (Err(u), true) => {
                            out.push(undecided_one(
                                &format!("{} admits the traffic of {}", t.address, lb.address),
                                u,
                                t.span,
                            ));
                            continue;
                        }
                        (Err(_), false) => false,
                    };
                    // With client IP preservation the health checks on the same port still come
                    // from the LB itself: a requirement of their own.
                    let mut sources = vec![from_clients];
                    if from_clients && needed.health.is_some() {
                        sources.push(false);
                    }
                    for from_clients in sources {
                        let flow = if from_clients {
                            match client_peer(net, lb) {
                                Ok(f) => f,
                                Err(u) => {
                                    out.push(undecided_one(
                                        &format!(
                                            "{} admits the clients of {}",
                                            t.address, lb.address
                                        ),
                                        &u,
                                        t.span,
                                    ));
                                    continue;
                                }
                            }
                        } else {
                            lb_flow.clone()
                        };
                        let required = needed.ports.clone();
                        let ans = answers
                            .entry((
                                ids.as_slice(),
                                needed.ports.clone(),
                                from_clients,
                                needed.udp,
                            ))
                            .or_insert_with(|| {
                                sg_query_proto(
                                    net,
                                    ids,
                                    Direction::Ingress,
                                    &flow,
                                    &required,
                                    proto(needed),
                                )
                            });
                        if cx.proving() && ans.allowed.contains_set(&required) {
                            let from = if from_clients {
                                format!("the clients of {}", lb.address)
                            } else {
                                lb.address.to_string()
                            };
                            prove_hop(
                                cx,
                                needed,
                                &ans.allowing,
                                &format!(
                                    "{} admits {from} on {} {} ({}): allowed by the ingress of {}",
                                    t.address,
                                    needed.transport(),
                                    needed.ports,
                                    needed.role(),
                                    group_names(net, ids)
                                ),
                                &format!(
                                    "admits {from} on {} {} to {}",
                                    needed.transport(),
                                    needed.ports,
                                    t.address
                                ),
                            );
                        }
                        let requirement = format!(
                            "{} admits {} on port {}",
                            t.address, lb.address, needed.ports
                        );
                        if !ans.blocked(&required).is_empty() {
                            let key = (
                                ids.clone(),
                                li,
                                needed.ports.clone(),
                                from_clients,
                                needed.udp,
                            );
                            if seen.contains(&key) {
                                continue;
                            }
                            seen.push(key);
                            let g = primary_group(net, ids);
                            let peer = match &lb.groups {
                                // The targets see the clients: name the NLB's group when this
                                // module can, else the clients' addresses (never the VPC).
                                Groups::Known(lg) if !lg.is_empty() && from_clients => {
                                    peer_group_expr(cx, g, primary_group(net, lg))
                                        .map_or_else(|| client_fix(net, lb), PeerFix::Group)
                                }
                                Groups::Known(lg) if !lg.is_empty() => {
                                    peer_fix(cx, g, primary_group(net, lg), lb)
                                }
                                Groups::Unfiltered if from_clients => client_fix(net, lb),
                                Groups::Unfiltered => PeerFix::Cidr(vpc_cidr_expr(net, lb)),
                                _ => PeerFix::Group(format!(
                                    "{}.source_security_group_id",
                                    local_name(&lb.address)
                                )),
                            };
                            let sharing = targets_sharing(targets, t);
                            let message = if from_clients {
                                format!(
                                    "no ingress rule of {} allows {} {} from the clients of the {} {}, which keeps their addresses (client IP preservation): {} unreachable on the {}",
                                    group_names(net, ids), needed.transport(), needed.ports, lb.kind_name(), lb.address, sharing, needed.describe_requests()
                                )
                            } else {
                                format!(
                                    "no ingress rule of {} allows {} {} from the {} {}: {} unreachable on the {}",
                                    group_names(net, ids), needed.transport(), needed.ports, lb.kind_name(), lb.address, sharing, needed.describe()
                                )
                            };
                            let f = Finding::new(
                                rule,
                                edit_span(net, g, Direction::Ingress, t.span),
                                message,
                            )
                            .label(
                                t.span,
                                registered(pool, "instances registered with the load balancer"),
                            );
                            let shown = if from_clients {
                                needed.requests_only()
                            } else {
                                needed.clone()
                            };
                            let f = shown
                                .labels(f, lb)
                                .help(if from_clients {
                                    format!("add an ingress rule for {} {} from the load balancer's clients (or its security group)", needed.transport(), needed.ports)
                                } else if matches!(lb.groups, Groups::Unfiltered) {
                                    format!("add an ingress rule for {} {} from the load balancer's subnets", needed.transport(), needed.ports)
                                } else {
                                    format!("add an ingress rule for {} {} from the load balancer's security group", needed.transport(), needed.ports)
                                })
                                .fix_with(sg_rule_fix(
                                    net,
                                    g,
                                    "ingress",
                                    &needed.transport().to_ascii_lowercase(),
                                    &required,
                                    &peer,
                                ))
                                .hop(
                                    hop(lb, HopKind::LbToTargets, &needed.ports)
                                        .targets(pool.label()),
                                );
                            out.push(with_call_sites(f, lb));
                        } else if let Some(n) = sg_undecided(&requirement, ans, &required, t.span) {
                            out.push(n);
                        }
                    }
                }
            }
        }
    }
}

/// Records a hop that passes: `at_ports` where the ports are written (the listeners, the
/// health check), `at_rules` at each rule that allows it.
fn prove_hop(
    cx: &Context,
    needed: &NeededPort,
    allowing: &[crate::source::Span],
    at_ports: &str,
    at_rules: &str,
) {
    for s in needed.listeners.iter().chain(&needed.health) {
        cx.prove(*s, || at_ports.to_string());
    }
    for r in allowing {
        cx.prove(*r, || at_rules.to_string());
    }
}

/// The protocol a needed port's rules must carry.
fn proto(needed: &NeededPort) -> Protocol {
    if needed.udp {
        Protocol::Udp
    } else {
        Protocol::Tcp
    }
}

/// How a label names a pool's targets: the Classic wording, or the target group's.
fn registered(pool: &Pool, classic: &str) -> String {
    match pool.group {
        None => classic.to_string(),
        Some(g) => format!("targets registered in target group {}", g.address),
    }
}

/// "instances" or "targets", for help lines.
fn members(pool: &Pool) -> &'static str {
    match pool.group {
        None => "instances",
        Some(_) => "targets",
    }
}

/// The clients of an LB as the source of requests its targets see (client IP preservation):
/// their addresses, or the LB's own group when it has one.
fn client_peer(net: &Network, lb: &LoadBalancer) -> Result<FlowPeer, crate::eval::Unknown> {
    let addrs = clients(net, lb)?;
    Ok(FlowPeer {
        groups: match &lb.groups {
            Groups::Known(ids) => Groups::Known(ids.clone()),
            _ => Groups::Known(vec![]),
        },
        addrs: Ok(vec![addrs]),
        cover: Cover::Any,
        lb: None,
        clients_in_groups: matches!(lb.internal, Ok(true)),
    })
}

/// The peer of a suggested rule that admits an LB's clients.
fn client_fix(net: &Network, lb: &LoadBalancer) -> PeerFix {
    if matches!(lb.internal, Ok(true)) {
        PeerFix::Cidr(vpc_cidr_expr(net, lb))
    } else {
        PeerFix::Cidr("\"0.0.0.0/0\"".to_string())
    }
}
