//! tf-elbcheck: proves from Terraform source that every AWS load balancer (Classic, Application,
//! Network) can reach its targets through security groups and network ACLs.
//!
//! The pipeline runs one way, and `tests/layering.rs` fails on a `use` that points back up it:
//! [`source`] and `syntax` (files, spans, the lowered syntax tree) → [`diagnostic`] (rules,
//! findings, the outcome) → [`algebra`] (port, address and NACL algebra) → [`frontend`] (find,
//! read and parse files) → [`eval`] (Terraform semantics, unknowns, references) → [`model`]
//! (the typed AWS network) → `analysis` (flow queries over the model) → [`checks`] (the rules)
//! → [`fix`] (applying the rules' suggested fixes) → [`config`] and [`suppress`] → [`report`]
//! (renderers) → [`run`] (one run as a library call) → [`lsp`] (the language server, which
//! keeps a workspace checked between edits). The binary (`main.rs`, `cli.rs`, `allocator.rs`)
//! sits on top.
//!
//! The public modules are what the binary, the tests and the stage benchmarks use; the
//! rules' shared helpers and the flow queries are private to the crate.

// Findings are the error type of every loading step; boxing them buys nothing here.
#![allow(clippy::result_large_err)]

pub mod algebra;
mod analysis;
pub mod checks;
pub mod config;
pub mod diagnostic;
pub mod eval;
pub mod fix;
pub mod frontend;
pub mod lsp;
pub mod model;
pub mod report;
pub mod run;
pub mod source;
pub mod suppress;
pub(crate) mod syntax;
