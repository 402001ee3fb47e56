//! Flow logic shared by the network ACL rules (ELB010-ELB015): which subnets' ACLs a flow
//! crosses, what they decide, where to point, and the `aws_network_acl_rule` that would fix it.

use crate::algebra::addrs::AddrSet;
use crate::algebra::nacl::Verdict;
use crate::algebra::ports::PortSet;
use crate::analysis::flow::RuleTag;
use crate::checks::context::Context;
use crate::checks::evidence::{clients, hop, local_name, undecided_one, with_call_sites};
use crate::checks::fixes::{cidr_label, covering_cidr, resource_type_and_name, slug};
use crate::checks::pools::Pool;
use crate::diagnostic::{Finding, Fix, FixEdit, HopKind, Rule};
use crate::model::{Direction, Known, LoadBalancer, NaclId, Network, Placement, SubnetId};
use crate::source::Span;

/// The ephemeral range replies use.
pub(super) fn ephemeral() -> PortSet {
    PortSet::range(1024, 65535)
}

/// Which peers must be blocked for a port to count as blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Blocked {
    /// Blocked for every address of the peer (the peer may get any of them).
    ForEvery,
    /// Blocked for any address (every client that got in needs its replies).
    ForAny,
}

/// The LB's subnets with a custom (or Terraform-managed default) ACL.
pub(super) fn subnets(p: &Placement) -> Vec<SubnetId> {
    match p {
        Placement::Subnets(ids) => ids.clone(),
        _ => vec![],
    }
}

/// The distinct ACLs of the LB's subnets, each with the names of the subnets that use it.
pub(super) fn lb_nacls(net: &Network, lb: &LoadBalancer) -> Vec<(NaclId, String)> {
    let mut out: Vec<(NaclId, Vec<&str>)> = Vec::new();
    for s in subnets(&lb.placement) {
        let Some(nacl) = net.subnets[s].nacl else {
            continue;
        };
        let name = net.subnets[s].address.as_ref();
        match out.iter_mut().find(|(n, _)| *n == nacl) {
            Some((_, names)) => names.push(name),
            None => out.push((nacl, vec![name])),
        }
    }
    out.into_iter()
        .map(|(n, names)| (n, names.join(", ")))
        .collect()
}

/// A proven block of a flow through one ACL direction.
pub(super) struct Block {
    pub(super) ports: PortSet,
    pub(super) primary: Span,
    pub(super) deny: Option<RuleTag>,
    pub(super) verdict: std::sync::Arc<Verdict<RuleTag>>,
}

/// What one ACL direction decides for a flow.
pub(super) enum AclAnswer {
    /// Every port passes for every peer that matters.
    Passes,
    /// Some ports are proven blocked.
    Blocked(Block),
    /// An unknown value leaves it undecided: the ELB900 note to report.
    Undecided(Finding),
}

/// Evaluates one ACL direction; an undecided answer carries an ELB900 note, which states
/// `requirement()` (built only then: most flows are decided).
#[allow(clippy::too_many_arguments)]
pub(super) fn evaluate(
    cx: &Context,
    nacl: NaclId,
    direction: Direction,
    peers: &AddrSet,
    ports: &PortSet,
    mode: Blocked,
    requirement: &dyn Fn() -> String,
    fallback: Span,
) -> AclAnswer {
    let net = cx.net;
    let verdict = cx
        .nacl_verdicts
        .nacl_query(net, nacl, direction, peers, ports);
    let blocked = match mode {
        Blocked::ForEvery => verdict.fully_denied_ports(),
        Blocked::ForAny => verdict.denied_ports(),
    };
    if blocked.is_empty() {
        if let Some(u) = &net.nacls[nacl].incomplete {
            if !verdict.fully_allowed_ports().contains_set(ports) {
                return AclAnswer::Undecided(undecided_one(&requirement(), u, fallback));
            }
        }
        if verdict.has_unknown() && !verdict.fully_allowed_ports().contains_set(ports) {
            let (_, tag) = verdict
                .unknown_rules()
                .into_iter()
                .next()
                .expect("unknown piece");
            // The rule's own unknown says why (a variable, an unknown count, …).
            let rule = net.nacls[nacl]
                .rules
                .iter()
                .find(|r| r.span == tag.0 && r.number == tag.1);
            let own = rule.and_then(|r| {
                r.cidr
                    .as_ref()
                    .err()
                    .or(r.ports.as_ref().err())
                    .or(r.protocol.as_ref().err())
                    .cloned()
            });
            let u = own.unwrap_or_else(|| {
                crate::eval::Unknown::new(
                    format!(
                        "network ACL rule {} has a value known only after apply",
                        tag.1
                    ),
                    Some(tag.0),
                )
            });
            return AclAnswer::Undecided(undecided_one(&requirement(), &u, fallback));
        }
        cx.prove(net.nacls[nacl].span, requirement);
        return AclAnswer::Passes;
    }
    if let Some(u) = &net.nacls[nacl].uncertain {
        return AclAnswer::Undecided(undecided_one(&requirement(), u, fallback));
    }
    let denials = verdict.deciding_denials();
    let deny = denials
        .iter()
        .find(|(p, t)| t.is_some() && p.intersects(&blocked))
        .and_then(|(_, t)| *t);
    let partial = verdict.allowing_rules().into_iter().map(|(_, t)| t).next();
    let primary = deny
        .map(|t| t.0)
        .or(partial.map(|t| t.0))
        .unwrap_or_else(|| nacl_edit_span(net, nacl, direction));
    AclAnswer::Blocked(Block {
        ports: blocked,
        primary,
        deny,
        verdict,
    })
}

/// Says which rule decided, for the message.
pub(super) fn why(net: &Network, nacl: NaclId, b: &Block) -> String {
    match b.deny {
        Some((_, n)) => format!("rule {n} of {} denies them", net.nacls[nacl].address),
        None => {
            let allowed = b.verdict.allowed_ports();
            if allowed.is_empty() {
                format!(
                    "no rule of {} allows them, so the final deny applies",
                    net.nacls[nacl].address
                )
            } else {
                format!(
                    "{} allows only {allowed}; the rest falls to the final deny",
                    net.nacls[nacl].address
                )
            }
        }
    }
}

/// The rule that would allow `ports` for `cidr`: an inline `ingress`/`egress` block inserted
/// into the ACL (or into the override file that supplies its inline rules of that direction)
/// when the ACL has inline rules, else an `aws_network_acl_rule` appended to the ACL's file.
pub(super) fn fix(
    net: &Network,
    nacl: NaclId,
    direction: Direction,
    cidr: &AddrSet,
    ports: &PortSet,
    deny: Option<RuleTag>,
) -> Fix {
    let n = &net.nacls[nacl];
    let egress = direction == Direction::Egress;
    let number = match deny {
        Some((_, d)) if d > 1 => d - 1,
        _ => {
            let max = n
                .rules
                .iter()
                .filter(|r| r.direction == direction && r.number < 32767)
                .map(|r| r.number)
                .max()
                .unwrap_or(0);
            (max / 10 + 1) * 10
        }
    };
    let (from, to) = (
        ports.ranges().first().map_or(0, |r| r.0),
        ports.ranges().last().map_or(0, |r| r.1),
    );
    let cidr_text = covering_cidr(cidr);
    let name = slug(local_name(&n.address).rsplit('.').next().unwrap_or("acl"));
    if n.rules.iter().any(|r| r.inline) {
        let kind = direction.as_str();
        let (rtype, rname) = resource_type_and_name(&n.address);
        let block = nacl_edit_span(net, nacl, direction);
        return Fix {
            text: format!(
                "# inside resource \"{rtype}\" \"{rname}\"\n{kind} {{\n  rule_no    = {number}\n  action     = \"allow\"\n  protocol   = \"tcp\"\n  cidr_block = \"{cidr_text}\"\n  from_port  = {from}\n  to_port    = {to}\n}}"
            ),
            edit: FixEdit::InsertInBlock {
                file: block.file,
                block,
            },
        };
    }
    let text = format!(
        "resource \"aws_network_acl_rule\" \"{name}_{}_{from}\" {{\n  network_acl_id = {}.id\n  rule_number    = {number}\n  egress         = {egress}\n  protocol       = \"tcp\"\n  rule_action    = \"allow\"\n  cidr_block     = \"{cidr_text}\"\n  from_port      = {from}\n  to_port        = {to}\n}}",
        if egress { "out" } else { "in" },
        local_name(&n.address)
    );
    Fix {
        text,
        edit: FixEdit::AppendToFile { file: n.span.file },
    }
}

/// Builds the finding for a proven block.
#[allow(clippy::too_many_arguments)]
pub(super) fn finding(
    net: &Network,
    rule: &'static Rule,
    lb: &LoadBalancer,
    nacl: NaclId,
    direction: Direction,
    cidr: &AddrSet,
    b: &Block,
    what: String,
) -> Finding {
    let egress = direction == Direction::Egress;
    let f = Finding::new(
        rule,
        b.primary,
        format!("{what}: TCP {} is blocked; {}", b.ports, why(net, nacl, b)),
    )
    .label(
        net.nacls[nacl].span,
        format!("network ACL {}", net.nacls[nacl].address),
    )
    .label(lb.span, format!("load balancer {}", lb.address))
    .help(format!(
        "allow TCP {} {} {} in {}",
        b.ports,
        if egress { "to" } else { "from" },
        cidr_label(cidr),
        net.nacls[nacl].address
    ))
    .fix_with(fix(net, nacl, direction, cidr, &b.ports, b.deny));
    with_call_sites(f, lb)
}

/// Where a new rule of ACL `nacl` in one direction goes: beside the inline rules of that
/// direction an override file supplies (they replace the ACL's own), else the ACL itself.
fn nacl_edit_span(net: &Network, nacl: NaclId, direction: Direction) -> Span {
    let n = &net.nacls[nacl];
    n.rules
        .iter()
        .find(|r| r.inline && r.direction == direction && r.span.file != n.span.file)
        .map_or(n.span, |r| r.span)
}

/// Whose subnet's network ACL a flow between the LB and its targets crosses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// The ACL of the LB's subnet.
    Lb,
    /// The ACL of the target's subnet.
    Targets,
}

/// What a flow between the LB and its targets carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Traffic {
    /// Requests: the instance and health-check ports.
    Requests,
    /// Replies: the ephemeral range 1024-65535.
    Replies,
}

/// Which side's ACL a flow between the LB and its instances crosses, and how.
pub(super) struct PairFlow {
    pub(super) rule: &'static Rule,
    pub(super) side: Side,
    pub(super) direction: Direction,
    pub(super) traffic: Traffic,
    /// Traffic inside one subnet does not cross its ACL (except the LB's outbound traffic).
    pub(super) skip_same_subnet: bool,
}

/// The requirement (for notes) and the failure (for errors) of a pair flow, in words.
/// `members` names the targets ("instances" for a Classic LB, "targets" for ELBv2).
fn describe(
    flow: &PairFlow,
    nacl: &str,
    lb: &str,
    peer: &PairPeer,
    inst_subnet: &str,
    members: &str,
) -> (String, String) {
    let lb_subnet = match peer {
        PairPeer::Subnets(s) => s.as_str(),
        PairPeer::Clients => {
            return match flow.traffic {
                Traffic::Requests => (
                    format!("{nacl} admits the clients of {lb}"),
                    format!("the clients of {lb}, whose addresses its {members} see (client IP preservation), cannot reach its {members} in {inst_subnet}"),
                ),
                Traffic::Replies => (
                    format!("{nacl} lets replies reach the clients of {lb}"),
                    format!("replies from the {members} in {inst_subnet} cannot reach the clients of {lb}, whose addresses they see (client IP preservation)"),
                ),
            }
        }
    };
    match (flow.side, flow.traffic) {
        (Side::Lb, Traffic::Requests) => (
            format!("{nacl} lets {lb} reach {inst_subnet}"),
            format!("{lb} cannot send to its {members} in {inst_subnet}"),
        ),
        (Side::Lb, Traffic::Replies) => (
            format!("{nacl} lets replies from {inst_subnet} in"),
            format!("replies from the {members} in {inst_subnet} cannot reach {lb}"),
        ),
        (Side::Targets, Traffic::Requests) => (
            format!("{nacl} admits {lb} from {lb_subnet}"),
            format!("{lb} in {lb_subnet} cannot reach its {members} in {inst_subnet}"),
        ),
        (Side::Targets, Traffic::Replies) => (
            format!("{nacl} lets replies reach {lb}"),
            format!("replies from the {members} in {inst_subnet} cannot reach {lb}"),
        ),
    }
}

/// The other end of a pair flow, as the failure names it: LB subnets, or the LB's clients.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PairPeer {
    Subnets(String),
    Clients,
}

/// Blocks of one LB that the same ACL rule decides for the same ports: one finding, whose
/// peer is the union of the subnets involved.
struct Pending {
    nacl: NaclId,
    block: Block,
    cidr: AddrSet,
    clients: bool,
    members: &'static str,
    lb_subnets: Vec<std::sync::Arc<str>>,
    inst_subnets: Vec<std::sync::Arc<str>>,
    /// The pools' targets, as the hop names them.
    targets: Vec<String>,
}

/// One evaluation a pair flow asks for: the ACL of `own`, the addresses on the other side,
/// the ports, and how to name them.
struct Ask<'n> {
    own: SubnetId,
    cidr: Known<AddrSet>,
    ports: PortSet,
    lb_subnet: Option<&'n std::sync::Arc<str>>,
    inst_subnet: &'n std::sync::Arc<str>,
}

/// Checks one ACL direction for every (LB subnet, target subnet) pair of every LB, and for
/// the targets' subnets against the clients when an NLB preserves client addresses.
pub(super) fn check_pairs(cx: &Context, out: &mut Vec<Finding>, flow: &PairFlow) {
    let net = cx.net;
    for (id, lb) in net.lbs.enumerate() {
        let mut pending: Vec<Pending> = Vec::new();
        for pool in cx.pools(id) {
            let Ok(targets) = &pool.targets else { continue };
            let label = pool.label();
            let members = if pool.group.is_some() {
                "targets"
            } else {
                "instances"
            };
            let asks = asks(net, lb, pool, targets, flow);
            for (ask, clients) in asks {
                let Some(nacl) = net.subnets[ask.own].nacl else {
                    continue;
                };
                let peer = match (clients, ask.lb_subnet) {
                    (true, _) => PairPeer::Clients,
                    (false, Some(s)) => PairPeer::Subnets(s.to_string()),
                    (false, None) => continue,
                };
                let req = || {
                    describe(
                        flow,
                        &net.nacls[nacl].address,
                        &lb.address,
                        &peer,
                        ask.inst_subnet,
                        members,
                    )
                    .0
                };
                let cidr = match &ask.cidr {
                    Ok(c) => c.clone(),
                    Err(u) => {
                        out.push(undecided_one(&req(), u, lb.span));
                        continue;
                    }
                };
                match evaluate(
                    cx,
                    nacl,
                    flow.direction,
                    &cidr,
                    &ask.ports,
                    Blocked::ForEvery,
                    &req,
                    lb.span,
                ) {
                    AclAnswer::Undecided(note) => out.push(note),
                    AclAnswer::Passes => {}
                    AclAnswer::Blocked(b) => {
                        let same = pending.iter_mut().find(|p| {
                            p.nacl == nacl
                                && p.clients == clients
                                && p.block.primary == b.primary
                                && p.block.ports == b.ports
                        });
                        match same {
                            Some(p) => {
                                p.cidr = p.cidr.union(&cidr);
                                if let Some(s) = ask.lb_subnet {
                                    if !p.lb_subnets.contains(s) {
                                        p.lb_subnets.push(s.clone());
                                    }
                                }
                                if !p.inst_subnets.contains(ask.inst_subnet) {
                                    p.inst_subnets.push(ask.inst_subnet.clone());
                                }
                                if !p.targets.contains(&label) {
                                    p.targets.push(label.clone());
                                }
                            }
                            None => pending.push(Pending {
                                nacl,
                                block: b,
                                cidr,
                                clients,
                                members,
                                lb_subnets: ask.lb_subnet.into_iter().cloned().collect(),
                                inst_subnets: vec![ask.inst_subnet.clone()],
                                targets: vec![label.clone()],
                            }),
                        }
                    }
                }
            }
        }
        for p in pending {
            let peer = if p.clients {
                PairPeer::Clients
            } else {
                PairPeer::Subnets(p.lb_subnets.join(", "))
            };
            let (_, what) = describe(
                flow,
                &net.nacls[p.nacl].address,
                &lb.address,
                &peer,
                &p.inst_subnets.join(", "),
                p.members,
            );
            let kind = match flow.traffic {
                Traffic::Requests => HopKind::LbToTargets,
                Traffic::Replies => HopKind::RepliesToLb,
            };
            out.push(
                finding(
                    net,
                    flow.rule,
                    lb,
                    p.nacl,
                    flow.direction,
                    &p.cidr,
                    &p.block,
                    what,
                )
                .hop(hop(lb, kind, &p.block.ports).targets(p.targets.join(", "))),
            );
        }
    }
}

/// The evaluations a pair flow needs for one pool, each flagged when its peer is the clients.
fn asks<'n>(
    net: &'n Network,
    lb: &'n LoadBalancer,
    pool: &Pool,
    targets: &[&'n crate::model::Target],
    flow: &PairFlow,
) -> Vec<(Ask<'n>, bool)> {
    let mut out = Vec::new();
    // Requests: target and health-check ports; replies: the ephemeral range.
    let (lb_ports, client_ports) = match (flow.side, &pool.clients_seen) {
        (Side::Targets, Ok(true)) => {
            // Requests come from the clients; health checks still come from the LB.
            let traffic = pool
                .needed
                .iter()
                .filter(|n| n.is_instance_port() && !n.udp)
                .fold(PortSet::empty(), |a, n| a.union(&n.ports));
            let health = pool
                .needed
                .iter()
                .filter(|n| n.health.is_some())
                .fold(PortSet::empty(), |a, n| a.union(&n.ports));
            match flow.traffic {
                Traffic::Requests => (health, traffic),
                Traffic::Replies => {
                    let lb_side = if health.is_empty() {
                        PortSet::empty()
                    } else {
                        ephemeral()
                    };
                    (lb_side, ephemeral())
                }
            }
        }
        _ => match flow.traffic {
            Traffic::Requests => (tcp_ports(pool), PortSet::empty()),
            Traffic::Replies if tcp_ports(pool).is_empty() => (PortSet::empty(), PortSet::empty()),
            Traffic::Replies => (ephemeral(), PortSet::empty()),
        },
    };
    let mut seen = rustc_hash::FxHashSet::default();
    if !lb_ports.is_empty() {
        for s in subnets(&lb.placement) {
            for t in targets {
                for ts in subnets(&t.placement) {
                    if !seen.insert((s, ts)) || (flow.skip_same_subnet && s == ts) {
                        continue;
                    }
                    let (own, peer) = match flow.side {
                        Side::Lb => (s, ts),
                        Side::Targets => (ts, s),
                    };
                    out.push((
                        Ask {
                            own,
                            cidr: net.subnets[peer].cidr.clone(),
                            ports: lb_ports.clone(),
                            lb_subnet: Some(&net.subnets[s].address),
                            inst_subnet: &net.subnets[ts].address,
                        },
                        false,
                    ));
                }
            }
        }
    }
    if !client_ports.is_empty() {
        let mut done = rustc_hash::FxHashSet::default();
        for t in targets {
            for ts in subnets(&t.placement) {
                if done.insert(ts) {
                    out.push((
                        Ask {
                            own: ts,
                            cidr: clients(net, lb),
                            ports: client_ports.clone(),
                            lb_subnet: None,
                            inst_subnet: &net.subnets[ts].address,
                        },
                        true,
                    ));
                }
            }
        }
    }
    out
}

/// The TCP ports a pool's targets receive: UDP traffic is not evaluated against network ACLs
/// yet (its health checks, which are TCP, are).
fn tcp_ports(pool: &Pool) -> PortSet {
    pool.needed
        .iter()
        .filter(|n| !n.udp)
        .fold(PortSet::empty(), |a, n| a.union(&n.ports))
}
