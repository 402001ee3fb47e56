//! Discovery of Terraform roots and modules, reading files, and parsing them into the syntax tree.
//!
//! A directory with `.tf` or `.tf.json` files is a module; a module that no other module calls
//! (through a local `source`) is a root. `.terraform/` is skipped, except that a root's
//! `.terraform/modules/modules.json` is read to find initialised remote modules.

pub mod discover;
mod early;
pub mod json;
pub mod lower;
mod overrides;
mod read;
pub use discover::{is_local_source, normalize};

pub use discover::{discover, discover_with, EarlyCheck, Project};
pub use read::{parse_hcl, read_bounded, read_source, Limits};

use crate::syntax::Body;
use std::path::PathBuf;
use std::sync::Arc;

/// One module directory: its files merged into one body, in file-name order.
#[derive(Debug, Default)]
pub struct ModuleDir {
    pub dir: PathBuf,
    /// Shared: a module that roots call is checked with each of them, on any worker.
    pub body: Arc<Body>,
    /// The directories its module blocks name through a local `source` (normalised), kept when
    /// the body is freed: they decide which directories are roots.
    pub calls: Vec<PathBuf>,
    /// Whether a module block of it has a `source` that is not local (a registry, a Git
    /// repository, …): such a module is found only through a root's installed modules.
    pub remote_calls: bool,
    /// `terraform.tfvars` and `*.auto.tfvars` (lexical order) bodies, for a root.
    pub tfvars: Vec<Body>,
    /// Remote modules initialised under `.terraform/modules`, by module key (`vpc`, `vpc.sub`).
    pub installed: Vec<(String, PathBuf)>,
    /// Set when the directory was checked as a root as soon as it was parsed and its syntax was
    /// then freed ([`discover::discover_with`]): the ids of its `.tf` files, to parse them again
    /// from the source table should the directory be needed after all.
    pub evicted: Option<Vec<crate::source::FileId>>,
    /// Set when a `.tf` file of the directory could not be read or parsed: its declarations
    /// are missing, so a reference to an undeclared name proves nothing.
    pub unparsed: bool,
}
