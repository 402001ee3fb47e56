//! Discovery of Terraform roots and modules, reading files, and parsing them into the syntax tree.
//!
//! A directory with `.tf` or `.tf.json` files is a module; a module that no other module calls
//! (through a local `source`) is a root. `.terraform/` is skipped, except that a root's
//! `.terraform/modules/modules.json` is read to find initialised remote modules.

pub mod discover;
mod early;
mod installed;
pub mod json;
mod load;
pub mod lower;
mod outside;
mod overrides;
mod plan;
mod project;
mod read;
mod restore;
mod roots;
mod walk;

pub use discover::{discover, discover_with};
pub use load::assemble_dir;
pub use plan::{is_tf, is_tfvars};
pub use project::{EarlyCheck, ModuleDir, Project};
pub use read::{parse_hcl, parse_text, read_bounded, read_file, read_source, Limits, ReadError};
pub use roots::{is_local_source, normalize, pick_roots};
