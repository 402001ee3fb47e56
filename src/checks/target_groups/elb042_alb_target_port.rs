//! ELB042: an NLB target group of type `alb` must use a listener port of its ALB.

use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::TargetType;

crate::declare_rule! {
    /// ## What it checks
    /// Target groups with `target_type = "alb"`: that their `port` is the port of a listener
    /// of the Application Load Balancer registered in them.
    ///
    /// ## Why it matters
    /// The NLB sends to the ALB on the target group's port, and AWS requires that "the
    /// Application Load Balancer must have a listener on the same port as the target
    /// group": on any other port nothing answers, and health checks fail too.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lb_target_group" "to_alb" {
    ///   target_type = "alb"
    ///   port        = 8443 # the ALB listens on 443
    ///   protocol    = "TCP"
    /// }
    /// ```
    ///
    /// Use instead: `port = 443`, the port of the ALB's listener.
    pub(super) static RULE = {
        code: "ELB042",
        name: "alb-target-port",
        severity: Error,
        summary: "an NLB alb target group's port matches no listener of the target ALB",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let net = cx.net;
    for tg in net
        .target_groups
        .iter()
        .filter(|tg| tg.target_type == TargetType::Alb)
    {
        let (Ok(port), Ok(targets)) = (&tg.port, &tg.targets) else {
            continue;
        };
        for t in targets {
            let Some(alb) = net.lbs.iter().find(|lb| lb.address == t.address) else {
                continue;
            };
            // An attachment's own port replaces the group's.
            let port = match &t.port {
                Some(Ok(p)) => match p.ranges() {
                    [(lo, hi)] if lo == hi => lo,
                    _ => continue,
                },
                Some(Err(_)) => continue,
                None => port,
            };
            // A listener port that is not known leaves the question open.
            if alb.listeners.iter().any(|l| l.lb_port.is_err()) {
                continue;
            }
            if alb.listeners.iter().any(|l| l.lb_port.as_ref() == Ok(port)) {
                continue;
            }
            let ports: Vec<String> = alb
                .listeners
                .iter()
                .filter_map(|l| l.lb_port.as_ref().ok().map(u16::to_string))
                .collect();
            let listens = if ports.is_empty() {
                "has no listener".to_string()
            } else {
                format!("listens on {}", ports.join(", "))
            };
            let mut f = Finding::new(
                &RULE,
                tg.port_span,
                format!(
                    "target group {} sends to {} on port {port}, but that load balancer {listens}: the network load balancer's traffic and health checks get no answer",
                    tg.address, alb.address
                ),
            )
            .label(t.registered_at, "the application load balancer is registered here");
            for l in &alb.listeners {
                f = f.label(
                    l.lb_port_span,
                    "a listener of the application load balancer",
                );
            }
            out.push(f.help(
                "set the target group's port to a listener port of the application load balancer",
            ));
        }
    }
}
