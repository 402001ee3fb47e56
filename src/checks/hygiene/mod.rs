//! Configuration hygiene rules (ELB023-ELB027): health-check targets, defaults that surprise,
//! rule styles that fight each other, path MTU discovery and zones the LB does not serve.

mod elb023_path_mtu;
mod elb024_bad_health_target;
mod elb025_default_health_check;
mod elb026_mixed_rule_styles;
mod elb027_cross_zone_gap;

use super::RuleCheck;

/// The rules of this family, by code.
pub(super) static RULES: &[RuleCheck] = &[
    RuleCheck::new(&elb023_path_mtu::RULE, elb023_path_mtu::check),
    RuleCheck::new(
        &elb024_bad_health_target::RULE,
        elb024_bad_health_target::check,
    ),
    RuleCheck::new(
        &elb025_default_health_check::RULE,
        elb025_default_health_check::check,
    ),
    RuleCheck::new(
        &elb026_mixed_rule_styles::RULE,
        elb026_mixed_rule_styles::check,
    ),
    RuleCheck::new(&elb027_cross_zone_gap::RULE, elb027_cross_zone_gap::check),
];
