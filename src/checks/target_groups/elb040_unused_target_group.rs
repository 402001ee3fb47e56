//! ELB040: a target group that no listener or listener rule forwards to.

use crate::checks::context::Context;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// ELBv2 target groups (`aws_lb_target_group`, `aws_alb_target_group`) that no
    /// listener's `default_action` and no listener rule's `action` forwards to, either by
    /// `target_group_arn` or in a `forward` block. A group that a rule of a listener outside
    /// this configuration forwards to is not reported, nor are the groups of a configuration
    /// that manages no ELBv2 load balancer (its load balancer is managed elsewhere).
    ///
    /// ## Why it matters
    /// Such a group receives no traffic, and AWS does not even health-check its targets
    /// (`Target.NotInUse`): whatever is registered there is unreachable through the load
    /// balancer, usually because a listener points at another group by mistake.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lb_target_group" "api_v2" {
    ///   port     = 8080
    ///   protocol = "HTTP"
    ///   vpc_id   = aws_vpc.main.id
    /// }
    /// # the listener still forwards to aws_lb_target_group.api
    /// ```
    ///
    /// Use instead: forward to the group from a listener or a listener rule, or remove it.
    pub(super) static RULE = {
        code: "ELB040",
        name: "unused-target-group",
        severity: Warning,
        summary: "an ELBv2 target group receives no traffic: no listener or listener rule forwards to it",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Target groups of a configuration that manages no ELBv2 load balancer are forwarded to
    // from wherever the load balancer is managed: nothing here says they are unused.
    if !cx.net.lbs.iter().any(|lb| lb.is_v2()) {
        return;
    }
    for tg in &cx.net.target_groups {
        if !tg.forwards.is_empty() || tg.forwarded_elsewhere {
            continue;
        }
        let mut f = Finding::new(
            &RULE,
            tg.span,
            format!(
                "no listener or listener rule forwards to target group {}: its targets get no traffic and are not health-checked",
                tg.address
            ),
        )
        .help("forward to it from a listener's default_action or a listener rule, or remove it");
        for site in &tg.call_sites {
            f = f.label(*site, crate::diagnostic::CALL_SITE);
        }
        out.push(f);
    }
}
