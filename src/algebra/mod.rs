//! Pure algebra: port and address interval sets, protocol normalisation, and the ordered,
//! first-match evaluation of network ACL entries per sub-range. It knows nothing of Terraform
//! or of the model; the model stores its sets and the analysis queries them.

pub mod addrs;
mod intervals;
pub mod nacl;
pub mod ports;
pub mod protocol;
