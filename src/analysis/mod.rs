//! Pure algebra over ports, addresses, protocols, and the evaluation of security groups and network ACLs.
