//! The typed AWS network built from evaluated resources: VPCs, subnets, groups, NACLs, LBs, instances.
