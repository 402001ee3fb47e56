//! ELB024: the health-check `target` must be `PROTO:PORT[/path]`.

use crate::checks::context::Context;
use crate::checks::evidence::undecided_one;
use crate::diagnostic::Finding;
use crate::model::HealthCheck;

crate::declare_rule! {
    /// ## What it checks
    /// That `health_check.target` has the form AWS accepts: `TCP:PORT`, `SSL:PORT`,
    /// `HTTP:PORT/path` or `HTTPS:PORT/path`, with a port from 1 to 65535.
    ///
    /// ## Why it matters
    /// A malformed target fails at apply time, and the health-check port cannot be checked.
    ///
    /// ## Example
    /// ```hcl
    /// health_check {
    ///   target = "HTTP:8080"
    /// }
    /// ```
    ///
    /// Use instead: `target = "HTTP:8080/"`.
    pub(super) static RULE = {
        code: "ELB024",
        name: "malformed-health-check-target",
        severity: Error,
        summary: "health-check target is malformed",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    // ELBv2 target groups describe their health checks with structured arguments.
    for lb in cx.net.lbs.iter().filter(|lb| !lb.is_v2()) {
        match &lb.health {
            HealthCheck::Malformed { text, span } => out.push(
                Finding::new(&RULE, *span, format!("health check target {text:?} of {} is not PROTO:PORT[/path]", lb.address))
                    .help("use TCP:PORT, SSL:PORT, HTTP:PORT/path or HTTPS:PORT/path, e.g. \"HTTP:8080/health\""),
            ),
            HealthCheck::Unknown(u, span) => out.push(undecided_one(&format!("the health check of {} reaches its instances", lb.address), u, *span)),
            _ => {}
        }
    }
}
