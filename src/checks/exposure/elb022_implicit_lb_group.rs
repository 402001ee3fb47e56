//! ELB022: an LB without `security_groups` silently gets a default group.

use crate::checks::context::Context;
use crate::checks::evidence::group_names;
use crate::diagnostic::Finding;
use crate::model::Groups;

crate::declare_rule! {
    /// ## What it checks
    /// A Classic LB in a VPC with no `security_groups`. AWS then attaches the VPC's default
    /// security group (in a nondefault VPC) or an account-wide `default_elb_*` group (in the
    /// default VPC), whose rules are not visible in this configuration.
    ///
    /// ## Why it matters
    /// The LB's reachability then depends on rules nobody reviews. Give it a group of its own.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_elb" "web" {
    ///   subnets = [aws_subnet.public.id]
    /// }
    /// ```
    ///
    /// Use instead: `security_groups = [aws_security_group.lb.id]`.
    pub(super) static RULE = {
        code: "ELB022",
        name: "implicit-lb-group",
        severity: Warning,
        summary: "LB in a VPC with no security_groups uses the VPC default group (or default_elb_*)",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for lb in &cx.net.lbs {
        // An NLB without groups has nothing that filters its traffic, not an implicit group.
        if lb.groups_span.is_some() || lb.classic || matches!(lb.groups, Groups::Unfiltered) {
            continue;
        }
        let which = match &lb.groups {
            Groups::DefaultElb => {
                "the account's default_elb_* group, whose rules are not in Terraform".to_string()
            }
            Groups::Known(ids) => group_names(cx.net, ids),
            Groups::Unknown(_) | Groups::Unfiltered => {
                "its VPC's default security group".to_string()
            }
        };
        out.push(
            Finding::new(
                &RULE,
                lb.span,
                format!(
                    "{} has no security_groups, so AWS attaches {which}",
                    lb.address
                ),
            )
            .help("set security_groups to a group declared for this load balancer"),
        );
    }
}
