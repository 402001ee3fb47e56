//! Security group rules (ELB001-ELB005): the LB's groups admit its clients and send to its
//! targets, and the targets' groups admit the LB, on the listener, target and health-check
//! ports. Groups are stateful, so replies need no rule of their own.

mod elb001_listener_ingress;
mod elb002_instance_port_egress;
mod elb003_health_check_egress;
mod elb004_instance_port_ingress;
mod elb005_health_check_ingress;
mod utils;

use super::RuleCheck;

/// The rules of this family, by code.
pub(super) static RULES: &[RuleCheck] = &[
    RuleCheck::new(
        &elb001_listener_ingress::RULE,
        elb001_listener_ingress::check,
    ),
    RuleCheck::new(
        &elb002_instance_port_egress::RULE,
        elb002_instance_port_egress::check,
    ),
    RuleCheck::new(
        &elb003_health_check_egress::RULE,
        elb003_health_check_egress::check,
    ),
    RuleCheck::new(
        &elb004_instance_port_ingress::RULE,
        elb004_instance_port_ingress::check,
    ),
    RuleCheck::new(
        &elb005_health_check_ingress::RULE,
        elb005_health_check_ingress::check,
    ),
];
