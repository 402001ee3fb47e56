//! Pure algebra over ports, addresses, protocols, and the evaluation of security groups and network ACLs.

pub mod addrs;
pub mod flow;
mod intervals;
pub mod nacl;
pub mod ports;
pub mod protocol;
