//! Logic shared by the exposure rules: instance groups that admit the LB's ports from
//! addresses that bypass the load balancer.

use crate::algebra::addrs::AddrSet;
use crate::checks::context::Context;
use crate::checks::evidence::local_name;
use crate::diagnostic::{Finding, Rule};
use crate::model::{Direction, Groups, Peer, Placement};
use rustc_hash::FxHashSet as HashSet;

/// Where the load balancers a rule looks at live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Platform {
    /// In a VPC: "outside" is outside the VPC's CIDRs.
    Vpc,
    /// Written for EC2-Classic (see `LoadBalancer::classic`): only 0.0.0.0/0 is reported.
    Classic,
}

/// Instance-group ingress rules on the LB's ports from outside the VPC (ELB021), or from
/// 0.0.0.0/0 for an EC2-Classic LB (ELB028), reported as `report_as` for the LBs of `platform`.
pub(super) fn broad_instance_rules(
    cx: &Context,
    out: &mut Vec<Finding>,
    report_as: &'static Rule,
    platform: Platform,
) {
    let net = cx.net;
    let classic = platform == Platform::Classic;
    // ELB021 looks at every LB (EC2-Classic is retired: an LB written for it is in the
    // default VPC), except for the 0.0.0.0/0 rules that ELB028 reports for those LBs.
    for (id, lb) in net.lbs.enumerate().filter(|(_, lb)| !classic || lb.classic) {
        let inside = if classic {
            AddrSet::empty()
        } else {
            net.lb_vpc_cidrs(lb)
                .unwrap_or_else(|_| AddrSet::all().subtract(&AddrSet::public()))
        };
        let mut seen = Vec::new();
        for pool in cx.pools(id) {
            // Targets that see the clients' own addresses (NLB client IP preservation) must
            // admit them: a broad rule there is the way in, not a way around.
            if !matches!(pool.clients_seen, Ok(false)) {
                continue;
            }
            let Ok(targets) = &pool.targets else { continue };
            let needed = &pool.needed;
            // Ports known only as an unknown value: a rule on that same value admits them
            // whatever it is (SPEC §9.2).
            let symbolic: Vec<&crate::eval::Unknown> = match pool.group {
                Some(tg) => tg.port.as_ref().err().into_iter().collect(),
                None => lb
                    .listeners
                    .iter()
                    .filter_map(|l| l.instance_port.as_ref().err())
                    .collect(),
            };
            let port_word = if pool.group.is_some() {
                "target"
            } else {
                "instance"
            };
            // A group's rules give the same answer for every target that carries it: the
            // first target with the group is the one named in the finding.
            let mut visited = HashSet::default();
            for t in targets {
                let Groups::Known(ids) = &t.groups else {
                    continue;
                };
                // Instances whose subnets are unknown prove nothing either way.
                if !classic && matches!(t.placement, Placement::Unknown(_)) {
                    continue;
                }
                for &g in ids {
                    if !visited.insert(g) {
                        continue;
                    }
                    for rule in net.groups[g]
                        .rules
                        .iter()
                        .filter(|r| r.direction == Direction::Ingress)
                    {
                        if seen.contains(&rule.span)
                            || !matches!(&rule.protocol, Ok(p) if p.carries_tcp())
                        {
                            continue;
                        }
                        let port = match &rule.ports {
                            Ok(ports) => match needed.iter().find(|n| ports.intersects(&n.ports)) {
                                Some(n) => format!("port {}", n.ports),
                                None => continue,
                            },
                            Err(u) if symbolic.contains(&u) => format!(
                                "the {port_word} port (the same unknown value the load balancer sends to)"
                            ),
                            Err(_) => continue,
                        };
                        let broad = rule.peers.iter().find_map(|p| match p {
                            Peer::Cidr(c) if classic && c.is_all() => Some(c.clone()),
                            Peer::Cidr(c)
                                if !(classic
                                    || inside.contains_set(c)
                                    || (lb.classic && c.is_all())) =>
                            {
                                Some(c.clone())
                            }
                            _ => None,
                        });
                        if let Some(c) = broad {
                            seen.push(rule.span);
                            if !classic && all_private(cx, id, g) {
                                let msg = format!("{} admits {port} from {c}, outside the VPC, but the instances that carry it are in private subnets: only peered networks or VPNs could bypass the load balancer {}", net.groups[g].address, lb.address);
                                out.push(
                                    Finding::demoted(report_as, rule.span, msg)
                                        .label(t.span, "registered instances, in private subnets")
                                        .help("admit the load balancer's security group instead of a CIDR"),
                                );
                                continue;
                            }
                            let msg = if classic {
                                format!("{} admits {port} from {c}, not only from the load balancer's source security group: clients can bypass {}", net.groups[g].address, lb.address)
                            } else {
                                format!("{} admits {port} from {c}, outside the VPC: clients can bypass the load balancer {}", net.groups[g].address, lb.address)
                            };
                            let help = if classic {
                                format!(
                                    "admit only `{}.source_security_group_id` on this port",
                                    local_name(&lb.address)
                                )
                            } else {
                                "admit the load balancer's security group instead of a CIDR"
                                    .to_string()
                            };
                            out.push(
                                Finding::new(report_as, rule.span, msg)
                                    .label(t.span, "registered instances")
                                    .help(help),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// True when every target of LB `id` that carries group `g` (and whose subnets are known) is
/// in subnets proven private: their route tables have no route to an internet gateway
/// (SPEC §3.9). The default VPC's subnets are public: its main route table routes `0.0.0.0/0`
/// to its internet gateway (Amazon VPC User Guide, "Default VPCs"). A subnet whose routing is
/// not known counts as public.
fn all_private(cx: &Context, id: crate::model::LbId, g: crate::model::GroupId) -> bool {
    let net = cx.net;
    let mut any = false;
    for pool in cx.pools(id) {
        let Ok(targets) = &pool.targets else { continue };
        for t in targets {
            if !matches!(&t.groups, Groups::Known(ids) if ids.contains(&g)) {
                continue;
            }
            match &t.placement {
                Placement::Subnets(ids) if !ids.is_empty() => {
                    if ids.iter().any(|s| net.subnets[*s].public != Some(false)) {
                        return false;
                    }
                    any = true;
                }
                Placement::Unknown(_) => {}
                _ => return false,
            }
        }
    }
    any
}
