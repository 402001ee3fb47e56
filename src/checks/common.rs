//! Evidence shared by the rules: the ports an LB needs, its clients, peers for flow queries,
//! ELB900 notes for undecided requirements, and the HCL of suggested fixes.

use crate::analysis::addrs::AddrSet;
use crate::analysis::flow::{placement_addrs, Cover, FlowPeer, SgAnswer};
use crate::analysis::ports::PortSet;
use crate::diagnostic::{Finding, Severity};
use crate::eval::Unknown;
use crate::model::{Direction, GroupId, Groups, HealthCheck, Known, LoadBalancer, Network, Target};
use crate::source::Span;

/// What the rules look at.
pub struct Context<'a> {
    pub net: &'a Network,
    /// The source text, for suggested fixes that reuse an expression another module already
    /// has: the source table, or the files at hand when a root is checked as soon as it is
    /// parsed.
    pub sources: &'a dyn crate::source::Snippets,
}

/// A port the LB sends to its instances, and why.
#[derive(Debug, Clone)]
pub struct NeededPort {
    pub port: u16,
    /// Listener `instance_port` spans that need it.
    pub listeners: Vec<Span>,
    /// The health-check target span, when the health check uses it.
    pub health: Option<Span>,
    /// True when the port comes from AWS's default `TCP:80` health check.
    pub default_health: bool,
}

impl NeededPort {
    pub fn is_instance_port(&self) -> bool {
        !self.listeners.is_empty()
    }

    /// "instance port 8000 (also the health-check port)" and similar.
    pub fn describe(&self) -> String {
        match (
            self.is_instance_port(),
            self.health.is_some() || self.default_health,
        ) {
            (true, true) => format!(
                "instance port {} (also the health-check port, so the health check fails too)",
                self.port
            ),
            (true, false) => format!("instance port {}", self.port),
            (false, _) => format!("health-check port {}", self.port),
        }
    }

    /// Secondary labels pointing at the listener and health check that need this port.
    pub fn labels(&self, mut f: Finding, lb: &LoadBalancer) -> Finding {
        for s in &self.listeners {
            f = f.label(
                *s,
                format!("the listener sends to instance port {}", self.port),
            );
        }
        if let Some(s) = self.health {
            f = f.label(s, format!("the health check probes port {}", self.port));
        } else if self.default_health {
            f = f.label(lb.span, "no health_check block: AWS checks TCP:80");
        }
        f
    }
}

/// Instance and health-check ports of an LB, merged so that a port is listed once.
pub fn needed_ports(lb: &LoadBalancer) -> Vec<NeededPort> {
    let mut out: Vec<NeededPort> = Vec::new();
    for l in &lb.listeners {
        if let Ok(p) = l.instance_port {
            match out.iter_mut().find(|n| n.port == p) {
                Some(n) => n.listeners.push(l.instance_port_span),
                None => out.push(NeededPort {
                    port: p,
                    listeners: vec![l.instance_port_span],
                    health: None,
                    default_health: false,
                }),
            }
        }
    }
    let (hp, hs, default) = match &lb.health {
        HealthCheck::Port { port, span } => (Some(*port), Some(*span), false),
        HealthCheck::Default => (Some(80), None, true),
        _ => (None, None, false),
    };
    if let Some(p) = hp {
        match out.iter_mut().find(|n| n.port == p) {
            Some(n) => {
                n.health = hs;
                n.default_health = default;
            }
            None => out.push(NeededPort {
                port: p,
                listeners: vec![],
                health: hs,
                default_health: default,
            }),
        }
    }
    out
}

/// The addresses of the LB's clients: any public address, or the VPC for an internal LB.
pub fn clients(net: &Network, lb: &LoadBalancer) -> Known<AddrSet> {
    match &lb.internal {
        Ok(false) => Ok(AddrSet::public()),
        Ok(true) => net.lb_vpc_cidrs(lb),
        Err(u) => Err(u.clone()),
    }
}

pub fn lb_peer(net: &Network, lb_index: usize) -> FlowPeer {
    let lb = &net.lbs[lb_index];
    FlowPeer {
        groups: lb.groups.clone(),
        addrs: placement_addrs(net, &lb.placement),
        cover: Cover::All,
        lb: Some(lb_index),
        clients_in_groups: false,
    }
}

pub fn target_peer(net: &Network, t: &Target) -> FlowPeer {
    FlowPeer {
        groups: t.groups.clone(),
        addrs: placement_addrs(net, &t.placement),
        cover: Cover::All,
        lb: None,
        clients_in_groups: false,
    }
}

/// An ELB900 note: a requirement could not be decided because of an unknown value.
pub fn undecided(requirement: &str, unknowns: &[Unknown], fallback: Span) -> Option<Finding> {
    let u = unknowns.first()?;
    let at = u.origin.unwrap_or(fallback);
    Some(
        Finding::new(
            "ELB900",
            Severity::Note,
            at,
            format!("could not decide whether {requirement}: {}", u.reason),
        )
        .label(fallback, "this requirement is undecided"),
    )
}

/// An ELB900 note for an unknown group set, placement or target list.
pub fn undecided_one(requirement: &str, u: &Unknown, fallback: Span) -> Finding {
    undecided(requirement, std::slice::from_ref(u), fallback).expect("one unknown")
}

/// Unknowns of a security-group answer that left `required` undecided, as a note.
pub fn sg_undecided(
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

/// The HCL name of a resource address inside its own module (`aws_security_group.lb`).
pub fn local_name(address: &str) -> String {
    let parts: Vec<&str> = address.split('.').collect();
    let mut i = 0;
    while i + 1 < parts.len() && parts[i] == "module" {
        i += 2;
    }
    parts[i.min(parts.len() - 1)..].join(".")
}

/// The expression that names a group in HCL, e.g. `aws_security_group.lb.id`.
pub fn group_expr(net: &Network, g: GroupId) -> String {
    let group = &net.groups[g];
    if group.synthetic {
        match group.vpc {
            Some(v) => format!(
                "{}.default_security_group_id",
                local_name(&net.vpcs[v].address)
            ),
            None => "<default security group id>".to_string(),
        }
    } else {
        format!("{}.id", local_name(&group.address))
    }
}

/// A valid Terraform name fragment.
pub fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The other side of a suggested security group rule.
pub enum PeerFix {
    /// The group itself (`self = true`).
    Myself,
    /// A group expression, e.g. `aws_security_group.lb.id`.
    Group(String),
    /// A CIDR expression, e.g. `"0.0.0.0/0"` or `aws_vpc.main.cidr_block`.
    Cidr(String),
}

/// The HCL of a rule that would allow `ports`, in the style the group already uses: an inline
/// block, an `aws_vpc_security_group_*_rule`, or an `aws_security_group_rule`.
pub fn sg_rule_fix(
    net: &Network,
    group: GroupId,
    kind: &str,
    protocol: &str,
    ports: &PortSet,
    peer: &PeerFix,
) -> String {
    let g = &net.groups[group];
    let (from, to) = ports.ranges().first().copied().unwrap_or((0, 0));
    let gname = slug(g.address.rsplit('.').next().unwrap_or("group"));
    let protocol = format!("\"{protocol}\"");
    let (rtype, rname) = resource_type_and_name(&g.address);
    let range = if from == to {
        format!("{from}")
    } else {
        format!("{from}_{to}")
    };
    let vpc_style = g.rules.iter().any(|r| {
        r.standalone
            .as_deref()
            .is_some_and(|a| a.contains("aws_vpc_security_group_"))
    });
    if g.has_inline && !g.synthetic {
        let peer = match peer {
            PeerFix::Myself => "self            = true".to_string(),
            PeerFix::Group(e) => format!("security_groups = [{e}]"),
            PeerFix::Cidr(e) => format!("cidr_blocks     = [{e}]"),
        };
        format!(
            "# inside resource \"{rtype}\" \"{rname}\"\n{kind} {{\n  from_port       = {from}\n  to_port         = {to}\n  protocol        = {protocol}\n  {peer}\n}}"
        )
    } else if vpc_style {
        let peer = match peer {
            PeerFix::Myself => format!("referenced_security_group_id = {}", group_expr(net, group)),
            PeerFix::Group(e) => format!("referenced_security_group_id = {e}"),
            PeerFix::Cidr(e) => format!("cidr_ipv4                    = {e}"),
        };
        format!(
            "resource \"aws_vpc_security_group_{kind}_rule\" \"{gname}_{range}\" {{\n  security_group_id            = {}\n  ip_protocol                  = {protocol}\n  from_port                    = {from}\n  to_port                      = {to}\n  {peer}\n}}",
            group_expr(net, group)
        )
    } else {
        let peer = match peer {
            PeerFix::Myself => "self                     = true".to_string(),
            PeerFix::Group(e) => format!("source_security_group_id = {e}"),
            PeerFix::Cidr(e) => format!("cidr_blocks              = [{e}]"),
        };
        format!(
            "resource \"aws_security_group_rule\" \"{gname}_{kind}_{range}\" {{\n  type                     = \"{kind}\"\n  security_group_id        = {}\n  protocol                 = {protocol}\n  from_port                = {from}\n  to_port                  = {to}\n  {peer}\n}}",
            group_expr(net, group)
        )
    }
}

/// The CIDR expression of an LB's VPC, for suggested rules.
pub fn vpc_cidr_expr(net: &Network, lb: &LoadBalancer) -> String {
    match net.lb_vpc_cidrs(lb) {
        Ok(c) => format!("\"{}\"", crate::checks::nacl_flows::covering_cidr(&c)),
        Err(_) => match lb.vpc {
            Some(v) => format!("{}.cidr_block", local_name(&net.vpcs[v].address)),
            None => format!("\"{}\"", crate::model::DEFAULT_VPC_CIDR),
        },
    }
}

/// The groups of an interface, when known.
pub fn known_groups(g: &Groups) -> Option<&[GroupId]> {
    match g {
        Groups::Known(ids) => Some(ids),
        _ => None,
    }
}

/// The span to edit for a set of groups: the first declared one.
pub fn primary_group(net: &Network, ids: &[GroupId]) -> GroupId {
    ids.iter()
        .copied()
        .find(|g| !net.groups[*g].synthetic)
        .unwrap_or(ids[0])
}

/// Names of groups for messages.
pub fn group_names(net: &Network, ids: &[GroupId]) -> String {
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

/// Listener ports whose value is unknown before apply, as ELB900 notes: every requirement on
/// that port is undecided. Listeners whose port is the same unknown share one note.
pub fn unknown_listener_ports(lb: &LoadBalancer, field: &str) -> Vec<Finding> {
    let mut groups: Vec<(&Unknown, Vec<Span>)> = Vec::new();
    for l in &lb.listeners {
        let (port, span) = match field {
            "lb_port" => (&l.lb_port, l.lb_port_span),
            _ => (&l.instance_port, l.instance_port_span),
        };
        let Err(u) = port else { continue };
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
pub fn with_call_sites(mut f: Finding, lb: &LoadBalancer) -> Finding {
    for site in &lb.call_sites {
        f = f.label(*site, crate::diagnostic::CALL_SITE);
    }
    f
}

/// The module address prefix of a resource address (`module.web.` or empty).
fn module_prefix(address: &str) -> &str {
    &address[..address.len() - local_name(address).len()]
}

/// The type and name of a resource address, as written in its block header.
pub fn resource_type_and_name(address: &str) -> (String, String) {
    let local = local_name(address);
    let mut parts = local.splitn(2, '.');
    let rtype = parts.next().unwrap_or_default().to_string();
    let name = parts.next().unwrap_or_default();
    let name = name.split('[').next().unwrap_or(name).to_string();
    (rtype, name)
}

/// How HCL inside the module of `group` can name `peer`: its own reference when both live in
/// one module, else the expression an existing rule of that module already uses for it.
pub fn peer_group_expr(cx: &Context, group: GroupId, peer: GroupId) -> Option<String> {
    let net = cx.net;
    let here = module_prefix(&net.groups[group].address);
    if net.groups[peer].synthetic || module_prefix(&net.groups[peer].address) == here {
        return Some(group_expr(net, peer));
    }
    net.groups
        .iter()
        .filter(|g| module_prefix(&g.address) == here)
        .flat_map(|g| g.rules.iter())
        .flat_map(|r| r.group_refs.iter())
        .filter(|(g, _)| *g == peer)
        .find_map(|(_, span)| {
            let text = cx.sources.snippet_of(*span)?.trim();
            let inner = text
                .strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'))
                .unwrap_or(text)
                .trim();
            (!inner.is_empty() && !inner.contains(',') && !inner.contains('\n'))
                .then(|| inner.to_string())
        })
}

/// "aws_instance.web[0] is" or "aws_instance.web[0] and 2 other targets with the same groups
/// are", for messages about one target standing for all that share its groups.
pub fn targets_sharing(targets: &[Target], t: &Target) -> String {
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

/// Where to point for a finding about group `g` that a new `dir` rule fixes: the group, the
/// override file that supplies its inline rules of that direction, or `fallback` when the
/// group is AWS's default group, which is not in the configuration.
pub fn edit_span(net: &Network, g: GroupId, dir: Direction, fallback: Span) -> Span {
    let group = &net.groups[g];
    if group.synthetic {
        return fallback;
    }
    // Inline rules of this direction that an override file supplies replace the group's own:
    // a new one must go beside them, in the override file (overrides live in other files).
    group
        .rules
        .iter()
        .find(|r| r.direction == dir && r.standalone.is_none() && r.span.file != group.span.file)
        .map_or(group.span, |r| r.span)
}

/// The peer of a suggested rule on `group` that names group `peer`: `self` when they are the
/// same group, the module's own way of naming `peer`, or else the LB's VPC CIDR.
pub fn peer_fix(cx: &Context, group: GroupId, peer: GroupId, lb: &LoadBalancer) -> PeerFix {
    if group == peer {
        return PeerFix::Myself;
    }
    peer_group_expr(cx, group, peer)
        .map_or_else(|| PeerFix::Cidr(vpc_cidr_expr(cx.net, lb)), PeerFix::Group)
}
