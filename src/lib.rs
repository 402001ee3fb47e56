//! tf-elbcheck: proves from Terraform source that every AWS Classic Load Balancer can reach its
//! instances through security groups and network ACLs.
//!
//! The pipeline runs one way: [`frontend`] (find and parse files) → [`eval`] (Terraform
//! semantics, unknowns, references) → [`model`] (typed AWS network) → [`analysis`] (port, CIDR
//! and filter algebra) → [`checks`] (the rules) → [`report`] (renderers).

// Findings are the error type of every loading step; boxing them buys nothing here.
#![allow(clippy::result_large_err)]

pub mod algebra;
pub mod analysis;
pub mod checks;
pub mod config;
pub mod diagnostic;
pub mod eval;
pub mod frontend;
pub mod model;
pub mod report;
pub mod run;
pub mod source;
pub mod suppress;
pub mod syntax;
