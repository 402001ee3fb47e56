//! ELB004: the instances' security groups must admit the LB on the instance port.

use super::common::*;
use crate::analysis::flow::{sg_query, SgAnswer};
use crate::analysis::ports::PortSet;
use crate::diagnostic::{Finding, Severity};
use crate::model::{Direction, Groups};
use rustc_hash::FxHashMap as HashMap;

crate::declare_rule! {
    /// ## What it checks
    /// That the security groups of every registered instance allow inbound TCP on each
    /// `listener.instance_port` from the load balancer: from one of the LB's groups, or from
    /// a CIDR that contains the LB's subnets.
    ///
    /// ## Why it matters
    /// The LB connects to the instance port. If the instance group does not admit it, the
    /// connection times out, the instance is unhealthy, and clients get 503.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "app" {
    ///   ingress {
    ///     from_port   = 80
    ///     to_port     = 80
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// # the listener forwards to instance_port = 8000
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// ingress {
    ///   from_port       = 8000
    ///   to_port         = 8000
    ///   protocol        = "tcp"
    ///   security_groups = [aws_security_group.lb.id]
    /// }
    /// ```
    pub static RULE = {
        code: "ELB004",
        name: "instance-port-ingress",
        severity: Error,
        summary: "no instance security group ingress allows the instance port from the LB",
    }
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    instance_ingress(cx, out, true);
}

/// LB → instances through the instances' groups (ELB004 for instance ports, ELB005 for a
/// health-check port of its own).
pub fn instance_ingress(cx: &Context, out: &mut Vec<Finding>, instance: bool) {
    let net = cx.net;
    let code = if instance {
        RULE.code
    } else {
        super::elb005_health_check_ingress::RULE.code
    };
    let mut seen: Vec<(Vec<usize>, usize, u16)> = Vec::new();
    for (li, lb) in net.lbs.iter().enumerate() {
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
        let mut answers: HashMap<(&[usize], u16), SgAnswer> = HashMap::default();
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
                        code,
                        Severity::Error,
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
