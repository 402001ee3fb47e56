//! Exposure rules (ELB020-ELB022, ELB028, ELB029): paths that go around the load balancer or
//! admit more than it needs, groups AWS creates silently, and internet-facing nodes the
//! internet cannot reach.

mod elb020_internal_lb_open;
mod elb021_instance_bypass;
mod elb022_implicit_lb_group;
mod elb028_classic_open_instances;
mod elb029_private_subnet_internet_lb;
mod utils;

use super::RuleCheck;

/// The rules of this family, by code.
pub(super) static RULES: &[RuleCheck] = &[
    RuleCheck::new(
        &elb020_internal_lb_open::RULE,
        elb020_internal_lb_open::check,
    ),
    RuleCheck::new(&elb021_instance_bypass::RULE, elb021_instance_bypass::check),
    RuleCheck::new(
        &elb022_implicit_lb_group::RULE,
        elb022_implicit_lb_group::check,
    ),
    RuleCheck::new(
        &elb028_classic_open_instances::RULE,
        elb028_classic_open_instances::check,
    ),
    RuleCheck::new(
        &elb029_private_subnet_internet_lb::RULE,
        elb029_private_subnet_internet_lb::check,
    ),
];
