//! ELB041: a `health_check` block without `protocol` on a TCP, TLS or UDP target group.

use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::TargetType;

crate::declare_rule! {
    /// ## What it checks
    /// Target groups whose `protocol` is `TCP`, `TLS`, `UDP` or `TCP_UDP` and that have a
    /// `health_check` block without `protocol`. Groups of `target_type = "alb"` are left
    /// out: AWS requires HTTP or HTTPS health checks there.
    ///
    /// ## Why it matters
    /// AWS's default health check for such a group is TCP, but the AWS provider sends its own
    /// default, HTTP, whenever a `health_check` block is present. An application that does
    /// not answer HTTP on the health-check port (a database, a TLS-only or UDP service) is
    /// then marked unhealthy.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lb_target_group" "db" {
    ///   port     = 5432
    ///   protocol = "TCP"
    ///   health_check {
    ///     interval = 10
    ///   }
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```hcl
    /// health_check {
    ///   protocol = "TCP"
    ///   interval = 10
    /// }
    /// ```
    pub(super) static RULE = {
        code: "ELB041",
        name: "health-check-protocol-default",
        severity: Warning,
        summary: "a health_check block without protocol on a TCP/TLS/UDP target group: Terraform sends HTTP",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for tg in &cx.net.target_groups {
        let Some((block, given)) = tg.health_block else {
            continue;
        };
        let stream = matches!(
            tg.protocol.as_deref(),
            Some("TCP" | "TLS" | "UDP" | "TCP_UDP")
        );
        if given || !stream || tg.target_type == TargetType::Alb || !tg.health_enabled {
            continue;
        }
        out.push(
            Finding::new(
                &RULE,
                block,
                format!(
                    "the health_check block of {} gives no protocol, so Terraform sends HTTP health checks to this {} group instead of AWS's TCP default",
                    tg.address,
                    tg.protocol.as_deref().unwrap_or("TCP")
                ),
            )
            .help("set protocol = \"TCP\" in the health_check block (or the HTTP protocol the targets really serve)"),
        );
    }
}
