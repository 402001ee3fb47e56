//! ELB020: an internal LB's groups should not admit the listener from outside the VPC.

use crate::algebra::addrs::AddrSet;
use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::{Direction, Groups, LbKind, Peer, TargetType};

crate::declare_rule! {
    /// ## What it checks
    /// For an internal load balancer (`internal = true`), ingress rules of its security
    /// groups that admit a listener port from addresses outside the VPC (e.g. `0.0.0.0/0`).
    ///
    /// An internal ALB registered in an `alb` target group of an internet-facing NLB is left
    /// out: the NLB passes its clients' own addresses on, so the ALB must admit them.
    ///
    /// ## Why it matters
    /// An internal LB is meant for clients inside the VPC. A rule open to the world is
    /// broader than intended and will expose the service if the LB is ever made public.
    ///
    /// ## Example
    /// ```hcl
    /// ingress {
    ///   from_port   = 80
    ///   to_port     = 80
    ///   protocol    = "tcp"
    ///   cidr_blocks = ["0.0.0.0/0"]
    /// }
    /// ```
    ///
    /// Use instead: `cidr_blocks = [aws_vpc.main.cidr_block]`.
    pub(super) static RULE = {
        code: "ELB020",
        name: "internal-lb-open-to-world",
        severity: Warning,
        summary: "internal LB's group admits the listener from outside the VPC",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let net = cx.net;
    // An internal ALB behind an internet-facing NLB (`target_type = "alb"`) sees the NLB's
    // clients' own addresses, so admitting the internet is right there (SPEC §8.8).
    let behind_public_nlb: Vec<&str> = net
        .lbs
        .iter()
        .filter(|n| n.kind == LbKind::Network && !matches!(n.internal, Ok(true)))
        .flat_map(|n| n.target_groups.iter().map(|tg| &net.target_groups[*tg]))
        .filter(|tg| tg.target_type == TargetType::Alb)
        .filter_map(|tg| tg.targets.as_ref().ok())
        .flatten()
        .map(|t| t.address.as_ref())
        .collect();
    for lb in &net.lbs {
        if !matches!(lb.internal, Ok(true)) || behind_public_nlb.contains(&lb.address.as_ref()) {
            continue;
        }
        let Groups::Known(ids) = &lb.groups else {
            continue;
        };
        // When the LB's VPC is not known, only a rule open to every public address is known
        // to reach beyond it: no VPC holds all of them.
        let vpc = net.lb_vpc_cidrs(lb).ok();
        let outside = |c: &AddrSet| match &vpc {
            Some(v) => !v.contains_set(c),
            None => c.contains_set(&AddrSet::public()),
        };
        let beyond = match &vpc {
            Some(v) => format!("which is outside its VPC ({v})"),
            None => "which reaches beyond any VPC".to_string(),
        };
        let restrict = match &vpc {
            Some(v) => format!("restrict the rule to the VPC CIDR {v}"),
            None => "restrict the rule to the VPC's CIDR".to_string(),
        };
        for &g in ids {
            for rule in net.groups[g]
                .rules
                .iter()
                .filter(|r| r.direction == Direction::Ingress)
            {
                let Ok(ports) = &rule.ports else { continue };
                if !matches!(&rule.protocol, Ok(p) if p.carries_tcp()) {
                    continue;
                }
                for l in &lb.listeners {
                    let Ok(port) = l.lb_port else { continue };
                    if !ports.contains(port) {
                        continue;
                    }
                    if let Some(Peer::Cidr(c)) = rule
                        .peers
                        .iter()
                        .find(|p| matches!(p, Peer::Cidr(c) if outside(c)))
                    {
                        out.push(
                            Finding::new(&RULE, rule.span, format!("internal load balancer {} admits listener port {port} from {c}, {beyond}", lb.address))
                                .label(l.lb_port_span, "listener of an internal load balancer")
                                .help(restrict.clone()),
                        );
                    }
                }
            }
        }
    }
}
