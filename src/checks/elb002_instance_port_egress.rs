//! ELB002: the LB's security groups must let it send to its instances on the instance port.

use super::common::*;
use crate::analysis::flow::sg_query;
use crate::analysis::ports::PortSet;
use crate::diagnostic::{Finding, Severity};
use crate::model::{Direction, Groups};

crate::declare_rule! {
    /// ## What it checks
    /// That the load balancer's security groups allow outbound TCP on every
    /// `listener.instance_port` to the registered instances: to a group the instances carry,
    /// or to a CIDR that contains the instances' subnets.
    ///
    /// ## Why it matters
    /// Terraform removes AWS's default allow-all egress rule from every group it creates. An
    /// LB group without an egress rule cannot forward a single request: every instance is
    /// marked unhealthy and clients get 503.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "lb" {
    ///   ingress {
    ///     from_port   = 80
    ///     to_port     = 80
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    ///   # no egress block: no egress at all
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// egress {
    ///   from_port       = 8080
    ///   to_port         = 8080
    ///   protocol        = "tcp"
    ///   security_groups = [aws_security_group.app.id]
    /// }
    /// ```
    pub static RULE = {
        code: "ELB002",
        name: "instance-port-egress",
        severity: Error,
        summary: "no LB security group egress allows the instance port to the instances",
    }
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    lb_egress(cx, out, true);
}

/// LB → instances through the LB's groups, for instance ports (`instance`) or for a
/// health-check port of its own (ELB003).
pub fn lb_egress(cx: &Context, out: &mut Vec<Finding>, instance: bool) {
    let net = cx.net;
    let code = if instance {
        RULE.code
    } else {
        super::elb003_health_check_egress::RULE.code
    };
    let mut seen: Vec<(std::sync::Arc<str>, Option<Vec<usize>>, u16)> = Vec::new();
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
                        known_groups(&t.groups).map(<[usize]>::to_vec),
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
                        code,
                        Severity::Error,
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
