//! ELB026: a group should not mix inline rules with standalone rule resources.

use crate::checks::context::Context;
use crate::diagnostic::Finding;

crate::declare_rule! {
    /// ## What it checks
    /// Security groups that have inline `ingress`/`egress` blocks and also rules from
    /// `aws_security_group_rule` or `aws_vpc_security_group_*_rule` resources.
    ///
    /// ## Why it matters
    /// Terraform then fights itself: each apply removes the rules the other style added, so
    /// the effective rules flap between plans.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "app" {
    ///   ingress {
    ///     from_port   = 80
    ///     to_port     = 80
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["10.0.0.0/16"]
    ///   }
    /// }
    /// resource "aws_security_group_rule" "extra" {
    ///   security_group_id = aws_security_group.app.id
    /// }
    /// ```
    ///
    /// Use instead: move every rule into one style.
    pub(super) static RULE = {
        code: "ELB026",
        name: "mixed-rule-styles",
        severity: Warning,
        summary: "inline rules mixed with standalone rule resources on one group",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for g in &cx.net.groups {
        if !g.has_inline {
            continue;
        }
        for r in &g.rules {
            // `ingress` and `egress` are managed apart: inline rules of one direction fight
            // only standalone rules of that direction (a direction with no inline block is
            // not managed by the group resource).
            let inline_same_direction = g
                .rules
                .iter()
                .any(|x| x.standalone.is_none() && x.direction == r.direction);
            if !inline_same_direction {
                continue;
            }
            if let Some(address) = &r.standalone {
                out.push(
                    Finding::new(&RULE, r.span, format!("{address} adds a rule to {}, which also has inline rules: Terraform will remove one or the other on each apply", g.address))
                        .label(g.span, "the group with inline rules")
                        .help("move all rules of this group into one style"),
                );
            }
        }
    }
}
