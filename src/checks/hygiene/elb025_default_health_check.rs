//! ELB025: without a `health_check` block AWS checks `TCP:80`.

use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::HealthCheck;

crate::declare_rule! {
    /// ## What it checks
    /// A Classic LB with no `health_check` block. AWS then probes `TCP:80` on every
    /// instance, and the other rules check port 80 accordingly.
    ///
    /// ## Why it matters
    /// If the application does not listen on port 80, every instance is unhealthy. Writing
    /// the health check down makes the port explicit.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_elb" "web" {
    ///   listener {
    ///     lb_port           = 80
    ///     lb_protocol       = "http"
    ///     instance_port     = 8080
    ///     instance_protocol = "http"
    ///   }
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// health_check {
    ///   target              = "HTTP:8080/"
    ///   interval            = 30
    ///   timeout             = 5
    ///   healthy_threshold   = 2
    ///   unhealthy_threshold = 2
    /// }
    /// ```
    pub(super) static RULE = {
        code: "ELB025",
        name: "default-health-check",
        severity: Note,
        summary: "no health_check block: AWS default TCP:80 was assumed",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    // ELBv2 target groups describe their health checks with structured arguments.
    for lb in cx.net.lbs.iter().filter(|lb| !lb.is_v2()) {
        if matches!(lb.health, HealthCheck::Default) {
            out.push(
                Finding::new(
                    &RULE,
                    lb.span,
                    format!(
                        "{} has no health_check block, so AWS checks TCP:80; port 80 was checked",
                        lb.address
                    ),
                )
                .help("add a health_check block with the port your application serves"),
            );
        }
    }
}
