//! Evidence shared by every rule family: the ports an LB needs, its clients, the peers of flow
//! queries, ELB900 notes for undecided requirements, and the names messages use.

use crate::algebra::addrs::AddrSet;
use crate::algebra::ports::PortSet;
use crate::analysis::flow::{placement_addrs, Cover, FlowPeer, SgAnswer};
use crate::diagnostic::codes::ELB900;
use crate::diagnostic::{Finding, Hop, HopKind};
use crate::eval::Unknown;
use crate::model::{GroupId, Groups, Known, LbId, LoadBalancer, Network, Target};
use crate::source::Span;

/// The addresses of the LB's clients: any public address, or the VPC for an internal LB.
pub(crate) fn clients(net: &Network, lb: &LoadBalancer) -> Known<AddrSet> {
    match &lb.internal {
        Ok(false) => Ok(AddrSet::public()),
        Ok(true) => net.lb_vpc_cidrs(lb),
        Err(u) => Err(u.clone()),
    }
}

/// The leg of `lb`'s path that a finding blocks on `ports`, with the LB's known listener ports.
pub(crate) fn hop(lb: &LoadBalancer, kind: HopKind, ports: impl std::fmt::Display) -> Hop {
    let mut listeners: Vec<u16> = lb
        .listeners
        .iter()
        .filter_map(|l| l.lb_port.as_ref().ok().copied())
        .collect();
    listeners.sort_unstable();
    listeners.dedup();
    let listeners: Vec<String> = listeners.iter().map(u16::to_string).collect();
    Hop::new(lb.address.clone(), kind, ports).listeners(listeners.join(", "))
}

pub(crate) fn lb_peer(net: &Network, lb_index: LbId) -> FlowPeer {
    let lb = &net.lbs[lb_index];
    FlowPeer {
        groups: lb.groups.clone(),
        addrs: placement_addrs(net, &lb.placement),
        cover: Cover::All,
        lb: Some(lb_index),
        clients_in_groups: false,
    }
}

pub(crate) fn target_peer(net: &Network, t: &Target) -> FlowPeer {
    FlowPeer {
        groups: t.groups.clone(),
        addrs: placement_addrs(net, &t.placement),
        cover: Cover::All,
        lb: None,
        clients_in_groups: false,
    }
}

/// An ELB900 note: a requirement could not be decided because of an unknown value.
pub(crate) fn undecided(
    requirement: &str,
    unknowns: &[Unknown],
    fallback: Span,
) -> Option<Finding> {
    let u = unknowns.first()?;
    let at = u.origin.unwrap_or(fallback);
    Some(
        Finding::new(
            &ELB900,
            at,
            format!("could not decide whether {requirement}: {}", u.reason),
        )
        .label(fallback, "this requirement is undecided"),
    )
}

/// An ELB900 note for an unknown group set, placement or target list.
pub(crate) fn undecided_one(requirement: &str, u: &Unknown, fallback: Span) -> Finding {
    undecided(requirement, std::slice::from_ref(u), fallback).expect("one unknown")
}

/// Unknowns of a security-group answer that left `required` undecided, as a note.
pub(crate) fn sg_undecided(
    requirement: &str,
    ans: &SgAnswer,
    required: &PortSet,
    fallback: Span,
) -> Option<Finding> {
    if ans.undecided(required) {
        undecided(requirement, &ans.unknowns, fallback)
    } else {
        None
    }
}

/// Listener ports whose value is unknown before apply, as ELB900 notes: every requirement on
/// that port is undecided. Listeners whose port is the same unknown share one note.
pub(crate) fn unknown_listener_ports(
    lb: &LoadBalancer,
    field: &str,
    proven: &dyn Fn(&Unknown) -> bool,
) -> Vec<Finding> {
    let mut groups: Vec<(&Unknown, Vec<Span>)> = Vec::new();
    for l in &lb.listeners {
        let (port, span) = match field {
            "lb_port" => (&l.lb_port, l.lb_port_span),
            _ => (&l.instance_port, l.instance_port_span),
        };
        let Err(u) = port else { continue };
        // The same unknown value on both sides of every hop decides the requirement.
        if proven(u) {
            continue;
        }
        match groups.iter_mut().find(|(seen, _)| *seen == u) {
            Some((_, spans)) => spans.push(span),
            None => groups.push((u, vec![span])),
        }
    }
    let what = if field == "lb_port" {
        format!("clients can reach the listener of {}", lb.address)
    } else {
        format!(
            "{} can reach its instances on the instance port",
            lb.address
        )
    };
    groups
        .into_iter()
        .map(|(u, spans)| {
            spans[1..]
                .iter()
                .fold(undecided_one(&what, u, spans[0]), |f, s| {
                    f.label(*s, "this requirement is undecided")
                })
        })
        .collect()
}

/// Adds the module call sites that lead to the load balancer, outermost first, so that a
/// finding inside a module names where its values came from.
pub(crate) fn with_call_sites(mut f: Finding, lb: &LoadBalancer) -> Finding {
    for site in &lb.call_sites {
        f = f.label(*site, crate::diagnostic::CALL_SITE);
    }
    f
}

/// The HCL name of a resource address inside its own module (`aws_security_group.lb`).
pub(crate) fn local_name(address: &str) -> String {
    let parts: Vec<&str> = address.split('.').collect();
    let mut i = 0;
    while i + 1 < parts.len() && parts[i] == "module" {
        i += 2;
    }
    parts[i.min(parts.len() - 1)..].join(".")
}

/// The groups of an interface, when known.
pub(crate) fn known_groups(g: &Groups) -> Option<&[GroupId]> {
    match g {
        Groups::Known(ids) => Some(ids),
        _ => None,
    }
}

/// The span to edit for a set of groups: the first declared one.
pub(crate) fn primary_group(net: &Network, ids: &[GroupId]) -> GroupId {
    ids.iter()
        .copied()
        .find(|g| !net.groups[*g].synthetic)
        .unwrap_or(ids[0])
}

/// Names of groups for messages.
pub(crate) fn group_names(net: &Network, ids: &[GroupId]) -> String {
    ids.iter()
        .map(|g| {
            let group = &net.groups[*g];
            if group.synthetic {
                format!("the {}", group.address)
            } else {
                group.address.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `aws_instance.web[0] is` or `aws_instance.web[0] and 2 other targets with the same groups
/// are`, for messages about one target standing for all that share its groups.
pub(crate) fn targets_sharing(targets: &[&Target], t: &Target) -> String {
    let same = |x: &Target| match (&x.groups, &t.groups) {
        (Groups::Known(a), Groups::Known(b)) => a == b,
        _ => false,
    };
    let others = targets
        .iter()
        .filter(|x| x.address != t.address && same(x))
        .count();
    match others {
        0 => format!("{} is", t.address),
        1 => format!("{} and 1 other target with the same groups are", t.address),
        n => format!(
            "{} and {n} other targets with the same groups are",
            t.address
        ),
    }
}
