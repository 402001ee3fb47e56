//! Network ACL rules (ELB010-ELB015): every subnet ACL a request or its reply crosses, between
//! the clients and the LB and between the LB and its targets. ACLs are stateless and ordered,
//! so each direction and the ephemeral return range are checked on their own.

mod elb010_lb_nacl_listener_in;
mod elb011_lb_nacl_client_replies;
mod elb012_lb_nacl_to_instances;
mod elb013_lb_nacl_instance_replies;
mod elb014_instance_nacl_in;
mod elb015_instance_nacl_replies;
mod utils;

use super::RuleCheck;

/// The rules of this family, by code.
pub(super) static RULES: &[RuleCheck] = &[
    RuleCheck::new(
        &elb010_lb_nacl_listener_in::RULE,
        elb010_lb_nacl_listener_in::check,
    ),
    RuleCheck::new(
        &elb011_lb_nacl_client_replies::RULE,
        elb011_lb_nacl_client_replies::check,
    ),
    RuleCheck::new(
        &elb012_lb_nacl_to_instances::RULE,
        elb012_lb_nacl_to_instances::check,
    ),
    RuleCheck::new(
        &elb013_lb_nacl_instance_replies::RULE,
        elb013_lb_nacl_instance_replies::check,
    ),
    RuleCheck::new(
        &elb014_instance_nacl_in::RULE,
        elb014_instance_nacl_in::check,
    ),
    RuleCheck::new(
        &elb015_instance_nacl_replies::RULE,
        elb015_instance_nacl_replies::check,
    ),
];
