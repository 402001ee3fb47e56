//! ELB022: an LB without `security_groups` silently gets a default group.

use crate::checks::context::Context;
use crate::checks::evidence::group_names;
use crate::diagnostic::Finding;
use crate::model::Groups;

crate::declare_rule! {
    /// ## What it checks
    /// A load balancer in a VPC with no `security_groups`. AWS then attaches the VPC's default
    /// security group (in a nondefault VPC, and for an ALB in any VPC) or, for a Classic LB in
    /// the default VPC, an account-wide `default_elb_*` group, whose rules are not visible in
    /// this configuration. A Classic LB given only `availability_zones` is in the default VPC:
    /// EC2-Classic is retired.
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
        if lb.groups_span.is_some() || matches!(lb.groups, Groups::Unfiltered) {
            continue;
        }
        let which = match &lb.groups {
            // AWS: "ELB provides a security group with rules to allow all traffic on the ports
            // specified for the load balancer. ELB creates only one such security group per AWS
            // account [...] Subsequent load balancers that you create in the default VPC also use
            // this security group." (Classic LB guide, "Configure security groups for your
            // Classic Load Balancer", [Default VPC]).
            Groups::DefaultElb => "the default VPC's account-wide default_elb_* group, whose rules are not in Terraform (AWS opens it on the ports of the load balancer it was first made for; later load balancers share it)".to_string(),
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
