//! Flow logic shared by the security group rules (ELB001-ELB005): the LB's groups sending to
//! its targets, and the targets' groups admitting the LB, for one kind of port at a time.

use crate::algebra::ports::PortSet;
use crate::analysis::flow::{sg_query, SgAnswer};
use crate::checks::context::Context;
use crate::checks::evidence::{
    group_names, known_groups, lb_peer, local_name, needed_ports, primary_group, sg_undecided,
    target_peer, targets_sharing, undecided_one, unknown_listener_ports, with_call_sites,
};
use crate::checks::fixes::{edit_span, peer_fix, sg_rule_fix, vpc_cidr_expr, PeerFix};
use crate::diagnostic::{Finding, Rule};
use crate::model::{Direction, GroupId, Groups, LbId};
use rustc_hash::FxHashMap as HashMap;

/// Which ports the LB sends to its targets a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PortKind {
    /// Listener instance ports (a health-check port that is also one is reported here).
    Instance,
    /// A health-check port that no listener uses.
    HealthCheck,
}

/// LB → instances through the LB's groups, for instance ports (ELB002) or for a health-check
/// port of its own (ELB003), reported as `rule`.
pub(super) fn lb_egress(
    cx: &Context,
    out: &mut Vec<Finding>,
    rule: &'static Rule,
    ports: PortKind,
) {
    let net = cx.net;
    let instance = ports == PortKind::Instance;
    let mut seen: Vec<(std::sync::Arc<str>, Option<Vec<GroupId>>, u16)> = Vec::new();
    for lb in &net.lbs {
        let Groups::Known(ids) = &lb.groups else {
            continue;
        };
        let Ok(targets) = &lb.targets else { continue };
        for needed in needed_ports(lb)
            .into_iter()
            .filter(|n| n.is_instance_port() == instance)
        {
            let required = PortSet::single(needed.port);
            for t in targets {
                let flow = target_peer(net, t);
                let ans = sg_query(net, ids, Direction::Egress, &flow, &required);
                let requirement = format!(
                    "{} may send to {} on port {}",
                    lb.address, t.address, needed.port
                );
                if !ans.blocked(&required).is_empty() {
                    let key = (
                        lb.address.clone(),
                        known_groups(&t.groups).map(<[GroupId]>::to_vec),
                        needed.port,
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
                            "no egress rule of {} allows TCP {} to {}: the load balancer {} cannot reach {} on its {}",
                            group_names(net, ids), needed.port, t.address, lb.address, t.address, needed.describe()
                        ),
                    )
                    .label(t.span, "the registered instances");
                    let f = needed
                        .labels(f, lb)
                        .help(format!(
                            "add an egress rule for TCP {} to the instances' security group",
                            needed.port
                        ))
                        .fix(sg_rule_fix(net, g, "egress", "tcp", &required, &peer));
                    out.push(with_call_sites(f, lb));
                } else if let Some(n) = sg_undecided(&requirement, &ans, &required, lb.span) {
                    out.push(n);
                }
            }
        }
    }
}

/// LB → instances through the instances' groups, for instance ports (ELB004) or for a
/// health-check port of its own (ELB005), reported as `rule`. Undecided requirements (ELB900)
/// are reported once, with the instance ports.
pub(super) fn instance_ingress(
    cx: &Context,
    out: &mut Vec<Finding>,
    rule: &'static Rule,
    ports: PortKind,
) {
    let net = cx.net;
    let instance = ports == PortKind::Instance;
    let mut seen: Vec<(Vec<GroupId>, LbId, u16)> = Vec::new();
    for (li, lb) in net.lbs.enumerate() {
        if instance {
            out.extend(unknown_listener_ports(lb, "instance_port"));
        }
        let targets = match &lb.targets {
            Ok(t) => t,
            Err(u) => {
                if instance {
                    out.push(undecided_one(
                        &format!("the instances of {} admit it", lb.address),
                        u,
                        lb.span,
                    ));
                }
                continue;
            }
        };
        let flow = lb_peer(net, li);
        let needed_ports = needed_ports(lb);
        // Targets usually share their groups: ask once per set of groups and port.
        let mut answers: HashMap<(&[GroupId], u16), SgAnswer> = HashMap::default();
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
                Groups::DefaultElb => continue,
            };
            for needed in needed_ports
                .iter()
                .filter(|n| n.is_instance_port() == instance)
            {
                let required = PortSet::single(needed.port);
                let ans = answers
                    .entry((ids.as_slice(), needed.port))
                    .or_insert_with(|| sg_query(net, ids, Direction::Ingress, &flow, &required));
                let requirement = format!(
                    "{} admits {} on port {}",
                    t.address, lb.address, needed.port
                );
                if !ans.blocked(&required).is_empty() {
                    let key = (ids.clone(), li, needed.port);
                    if seen.contains(&key) {
                        continue;
                    }
                    seen.push(key);
                    let g = primary_group(net, ids);
                    let peer = match &lb.groups {
                        Groups::Known(lg) if !lg.is_empty() => {
                            peer_fix(cx, g, primary_group(net, lg), lb)
                        }
                        _ => PeerFix::Group(format!(
                            "{}.source_security_group_id",
                            local_name(&lb.address)
                        )),
                    };
                    let f = Finding::new(
                        rule,
                        edit_span(net, g, Direction::Ingress, t.span),
                        format!(
                            "no ingress rule of {} allows TCP {} from the load balancer {}: {} unreachable on the {}",
                            group_names(net, ids), needed.port, lb.address, targets_sharing(targets, t), needed.describe()
                        ),
                    )
                    .label(t.span, "instances registered with the load balancer");
                    let f = needed
                        .labels(f, lb)
                        .help(format!("add an ingress rule for TCP {} from the load balancer's security group", needed.port))
                        .fix(sg_rule_fix(net, g, "ingress", "tcp", &required, &peer));
                    out.push(with_call_sites(f, lb));
                } else if let Some(n) = sg_undecided(&requirement, ans, &required, t.span) {
                    out.push(n);
                }
            }
        }
    }
}
