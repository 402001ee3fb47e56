//! What discovery hands on: the [`Project`] (every module directory read, the roots, and the
//! findings of loading and of early checks), each directory as a [`ModuleDir`], and the type of
//! the check run on a directory as soon as it is parsed ([`EarlyCheck`]).

use crate::diagnostic::Finding;
use crate::source::{FileId, Snippets};
use crate::syntax::Body;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
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
    /// then freed ([`super::discover::discover_with`]): the ids of its `.tf` files, to parse
    /// them again from the source table should the directory be needed after all.
    pub evicted: Option<Vec<FileId>>,
    /// Set when a `.tf` file of the directory could not be read or parsed: its declarations
    /// are missing, so a reference to an undeclared name proves nothing.
    pub unparsed: bool,
}

/// Everything read from the given paths.
#[derive(Debug, Default)]
pub struct Project {
    /// The canonical scanned paths.
    pub scope: Vec<PathBuf>,
    /// The repositories of the scanned paths: local modules and files inside them are read
    /// even outside the scanned paths; nothing beyond them is.
    pub reach: Vec<PathBuf>,
    /// Module directories read from outside the scanned paths (inside `reach`).
    pub outside: Vec<PathBuf>,
    pub modules: BTreeMap<PathBuf, ModuleDir>,
    pub roots: Vec<PathBuf>,
    pub findings: Vec<Finding>,
    /// Findings of the roots checked as soon as they were parsed
    /// ([`super::discover::discover_with`]).
    pub early: BTreeMap<PathBuf, Vec<Finding>>,
}

/// A check run on a directory as soon as it is parsed, when everything it needs is at hand (it
/// calls no module, or only local modules of the walk): it gets a project holding that
/// directory as its root and those modules, and the text of their files.
pub type EarlyCheck<'a> = dyn Fn(&Project, &dyn Snippets) -> Vec<Finding> + Sync + 'a;

impl Project {
    /// True when `path` lies inside one of the scanned paths.
    pub fn in_scope(&self, path: &Path) -> bool {
        self.scope.iter().any(|s| path.starts_with(s))
    }

    /// True when `path` may be read: inside a scanned path or its repository.
    pub fn in_reach(&self, path: &Path) -> bool {
        self.in_scope(path) || self.reach.iter().any(|s| path.starts_with(s))
    }
}
