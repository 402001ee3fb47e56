//! Flow queries over the model: what a set of security groups (stateful, a union) and a
//! subnet's network ACL (stateless, ordered) decide for a peer and a set of ports, as
//! three-valued answers with their evidence. The algebra underneath is [`crate::algebra`].

pub mod flow;
