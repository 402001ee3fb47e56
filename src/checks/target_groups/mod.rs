//! Target group rules (ELB040-ELB042): ELBv2 target groups that receive no traffic, whose
//! health check is not what the user meant, or that point an NLB at a port its ALB does not
//! listen on.

mod elb040_unused_target_group;
mod elb041_health_check_protocol;
mod elb042_alb_target_port;

use super::RuleCheck;

/// The rules of this family, by code.
pub(super) static RULES: &[RuleCheck] = &[
    RuleCheck::new(
        &elb040_unused_target_group::RULE,
        elb040_unused_target_group::check,
    ),
    RuleCheck::new(
        &elb041_health_check_protocol::RULE,
        elb041_health_check_protocol::check,
    ),
    RuleCheck::new(&elb042_alb_target_port::RULE, elb042_alb_target_port::check),
];
