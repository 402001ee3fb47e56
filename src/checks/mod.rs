//! The rules. Each rule lives in its own file named after its code and declares its metadata and
//! documentation with [`declare_rule!`]; [`registry`] lists them sorted by code.

pub mod common;
pub mod elb001_listener_ingress;
pub mod elb002_instance_port_egress;
pub mod elb003_health_check_egress;
pub mod elb004_instance_port_ingress;
pub mod elb005_health_check_ingress;
pub mod elb010_lb_nacl_listener_in;
pub mod elb011_lb_nacl_client_replies;
pub mod elb012_lb_nacl_to_instances;
pub mod elb013_lb_nacl_instance_replies;
pub mod elb014_instance_nacl_in;
pub mod elb015_instance_nacl_replies;
pub mod elb020_internal_lb_open;
pub mod elb021_instance_bypass;
pub mod elb022_implicit_lb_group;
pub mod elb023_path_mtu;
pub mod elb024_bad_health_target;
pub mod elb025_default_health_check;
pub mod elb026_mixed_rule_styles;
pub mod elb027_cross_zone_gap;
pub mod elb028_classic_open_instances;
pub mod elb030_bad_suppression;
pub mod meta;
pub mod nacl_flows;

use crate::diagnostic::{Finding, Severity};
pub use common::Context;

/// A rule's metadata. `doc` has the fixed sections `## What it checks`, `## Why it matters`,
/// `## Example` and `Use instead:`, and drives `explain`, `rules` and SARIF metadata.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
}

/// Declares a rule's metadata; its doc comment becomes [`Rule::doc`].
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $sev:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        pub static $ident: $crate::checks::Rule = $crate::checks::Rule {
            code: $code,
            name: $name,
            severity: $crate::diagnostic::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

/// Every rule, sorted by code.
pub fn registry() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = vec![
        &elb001_listener_ingress::RULE,
        &elb002_instance_port_egress::RULE,
        &elb003_health_check_egress::RULE,
        &elb004_instance_port_ingress::RULE,
        &elb005_health_check_ingress::RULE,
        &elb010_lb_nacl_listener_in::RULE,
        &elb011_lb_nacl_client_replies::RULE,
        &elb012_lb_nacl_to_instances::RULE,
        &elb013_lb_nacl_instance_replies::RULE,
        &elb014_instance_nacl_in::RULE,
        &elb015_instance_nacl_replies::RULE,
        &elb020_internal_lb_open::RULE,
        &elb021_instance_bypass::RULE,
        &elb022_implicit_lb_group::RULE,
        &elb023_path_mtu::RULE,
        &elb024_bad_health_target::RULE,
        &elb025_default_health_check::RULE,
        &elb026_mixed_rule_styles::RULE,
        &elb027_cross_zone_gap::RULE,
        &elb028_classic_open_instances::RULE,
        &elb030_bad_suppression::ELB030,
        &meta::ELB900,
        &meta::TF001,
        &meta::TF002,
        &meta::TF003,
        &meta::TF004,
        &meta::TF005,
        &meta::TF010,
    ];
    rules.sort_by_key(|r| r.code);
    rules
}

/// The rule with this code, if any.
pub fn rule(code: &str) -> Option<&'static Rule> {
    registry()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

type Check = fn(&Context, &mut Vec<Finding>);

/// Every check function, in code order.
const CHECKS: &[Check] = &[
    elb001_listener_ingress::check,
    elb002_instance_port_egress::check,
    elb003_health_check_egress::check,
    elb004_instance_port_ingress::check,
    elb005_health_check_ingress::check,
    elb010_lb_nacl_listener_in::check,
    elb011_lb_nacl_client_replies::check,
    elb012_lb_nacl_to_instances::check,
    elb013_lb_nacl_instance_replies::check,
    elb014_instance_nacl_in::check,
    elb015_instance_nacl_replies::check,
    elb020_internal_lb_open::check,
    elb021_instance_bypass::check,
    elb022_implicit_lb_group::check,
    elb023_path_mtu::check,
    elb024_bad_health_target::check,
    elb025_default_health_check::check,
    elb026_mixed_rule_styles::check,
    elb027_cross_zone_gap::check,
    elb028_classic_open_instances::check,
];

/// Runs every rule on a network.
pub fn run_all(cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for check in CHECKS {
        check(cx, &mut out);
    }
    out
}
